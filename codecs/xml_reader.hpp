#pragma once
// XML DOM -> model. The DOM is the one the validator parsed (parse once); the reader walks it in
// schema order and reports, naming the element path, anything that does not fit the model.
// No I/O.

#include <xercesc/util/XercesDefs.hpp>

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"
#include "gateway/core/result.hpp"

XERCES_CPP_NAMESPACE_BEGIN
class DOMElement;
XERCES_CPP_NAMESPACE_END

namespace eaeu::codec {

// Reads the document whose root element is `root`. A trailing ds:Signature is skipped: it is
// the signature module's business, not part of the model.
Result<model::Document> ReadXml(const XERCES_CPP_NAMESPACE::DOMElement& root,
                                const model::DocumentCatalog& catalog);

// The path of the root element, e.g. "/doc:MedicalProductQmsInspectionDetails".
std::string RootPath(const model::DocumentCatalog& catalog, model::DocumentKind kind);

}  // namespace eaeu::codec
