#pragma once
// A whole national register as a sync job gives it: the register CSV of the codecs, a JSON array
// of Table 3 entries (each in the JSON form of documents.md, its eDocHeader optional), or Table 3
// XML (one document, or any root element whose children are Table 3 documents). Every
// organization is read with where it was; one that cannot be read is a problem of its own and
// does not stop the others. Two organizations with one key are a duplicate naming both places.

#include <optional>
#include <string>
#include <string_view>

#include "codecs/csv_register.hpp"
#include "gateway/core/result.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::registry {

enum class SourceFormat { kAuto, kCsv, kJson, kXml };
// "csv", "json", "xml", "auto"; nullopt for anything else.
std::optional<SourceFormat> SourceFormatFromName(std::string_view name);
// From a content type ("text/csv", "application/json", "application/xml"); kAuto when unknown.
SourceFormat SourceFormatOf(std::string_view content_type);

// The error is for input that is no register at all (not CSV, JSON or XML; a CSV without its
// header; a JSON value that is not an array).
// The validator gives the catalogue and the parser's schemas; nothing is validated here.
Result<codec::RegisterInput> ReadRegister(std::string_view bytes, SourceFormat format,
                                          const validate::Validator& validator);

}  // namespace eaeu::registry
