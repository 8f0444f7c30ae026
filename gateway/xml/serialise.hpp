#pragma once
// A DOM written out as UTF-8 XML bytes, as it is (no pretty printing).

#include <xercesc/util/XercesDefs.hpp>

#include <string>

XERCES_CPP_NAMESPACE_BEGIN
class DOMDocument;
XERCES_CPP_NAMESPACE_END

namespace eaeu::xml {

// With an XML declaration (version 1.0, encoding UTF-8). Thread-safe for different documents.
std::string Serialise(const XERCES_CPP_NAMESPACE::DOMDocument& document);

}  // namespace eaeu::xml
