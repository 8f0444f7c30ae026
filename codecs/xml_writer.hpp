#pragma once
// Model -> XML text. The output is UTF-8, indented, with the prefixes doc/ccdo/csdo, every
// code-list attribute the contract fixes, and Latin risk classes. No I/O.

#include <string>

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"

namespace eaeu::codec {

std::string WriteXml(const model::Document& document, const model::DocumentCatalog& catalog);

// Escapes text for element content or a double-quoted attribute value.
void AppendEscaped(std::string& out, std::string_view text);
// Appends <name>text</name>, the text escaped.
void AppendElement(std::string& out, std::string_view name, std::string_view text);

}  // namespace eaeu::codec
