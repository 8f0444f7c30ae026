#pragma once
// A whole national register as a sync job gives it: the register CSV of the codecs, a JSON array
// of Table 3 entries (each in the JSON form of documents.md, its eDocHeader optional), or Table 3
// XML (one document, or any root element whose children are Table 3 documents). Every
// organization is read with where it was; one that cannot be read is a problem of its own and
// does not stop the others. Two organizations with one key are a duplicate naming both places.

#include <cstdint>
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

// The largest register read (a file, a folder's documents together, a download).
inline constexpr uint64_t kMaxRegisterBytes = 512ull << 20;

// A register where a job keeps it: a file (CSV, JSON or XML, told by its extension, else by
// content), a folder of Table 3 XML documents (read as one list, in name order), or an http(s)
// URL (fetched with libcurl; `ca_bundle` for a private CA).
struct LoadedSource {
  std::string bytes;
  SourceFormat format = SourceFormat::kAuto;
};
Result<LoadedSource> LoadSource(const std::string& source, const std::string& ca_bundle = {});
// The media type a register of this format is sent as.
std::string ContentTypeOf(SourceFormat format);

// The error is for input that is no register at all (not CSV, JSON or XML; a CSV without its
// header; a JSON value that is not an array).
// The validator gives the catalogue and the parser's schemas; nothing is validated here.
Result<codec::RegisterInput> ReadRegister(std::string_view bytes, SourceFormat format,
                                          const validate::Validator& validator);

}  // namespace eaeu::registry
