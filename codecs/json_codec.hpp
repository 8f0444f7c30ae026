#pragma once
// Model <-> JSON, the convention of spec/documents.md ("JSON form"): XML local names in camelCase,
// an array for every repeating element, codes as strings, indicators as booleans, an embedded file
// as {"mediaType", "fileName", "base64"}. Unknown keys are errors that name the key. No I/O.

#include <optional>
#include <string>
#include <string_view>

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"
#include "gateway/core/result.hpp"

namespace eaeu::codec {

struct JsonLimits {
  size_t max_depth = 64;  // nesting of objects and arrays
};

// Reads a document. Its kind comes from eDocHeader.eDocCode unless `kind` is given.
Result<model::Document> ReadJson(std::string_view text, const model::DocumentCatalog& catalog,
                                 std::optional<model::DocumentKind> kind = std::nullopt,
                                 const JsonLimits& limits = {});

// Writes a document; `indent` < 0 writes it on one line.
std::string WriteJson(const model::Document& document, int indent = 2);

// True when every character of a UTF-8 string may appear in an XML 1.0 document.
bool IsXmlText(std::string_view text);

}  // namespace eaeu::codec
