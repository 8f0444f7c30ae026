#include "gateway/registry/source.hpp"

#include "gateway/registry/record.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <filesystem>

#include <map>
#include <nlohmann/json.hpp>

#include "codecs/json_codec.hpp"
#include "codecs/xerces_text.hpp"
#include "codecs/xml_reader.hpp"
#include "gateway/core/files.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::registry {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
namespace xc = XERCES_CPP_NAMESPACE;

constexpr std::string_view kRoot = "MedicalProductInspectingOrganizationDetails";

SourceFormat Sniff(std::string_view bytes) {
  size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < bytes.size() &&
         (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
    ++i;
  }
  if (i < bytes.size() && bytes[i] == '<') return SourceFormat::kXml;
  if (i < bytes.size() && (bytes[i] == '[' || bytes[i] == '{')) return SourceFormat::kJson;
  return SourceFormat::kCsv;
}

// Takes a read organization in, or refuses a second one with the same key.
class Collector {
 public:
  explicit Collector(codec::RegisterInput& input) : input_(input) {}

  void Take(model::RegisterEntry entry, std::string where) {
    const auto& org = entry.organization;
    const std::string key = codec::RegisterKey(org.authorization.country_code, org.name);
    auto [it, fresh] = seen_.emplace(key, where);
    if (!fresh) {
      input_.problems.push_back(
          {key, MakeError("registry.duplicate", where,
                          "the organization \"" + org.name + "\" is in " + it->second +
                              " too (two records with one key: country and full name)")});
      return;
    }
    codec::RegisterRecord record;
    record.key = key;
    record.where = std::move(where);
    record.entry = std::move(entry);
    input_.records.push_back(std::move(record));
  }
  void Refuse(Error error) { input_.problems.push_back({{}, std::move(error)}); }

 private:
  codec::RegisterInput& input_;
  std::map<std::string, std::string> seen_;
};

Result<codec::RegisterInput> ReadJsonRegister(std::string_view bytes,
                                              const model::DocumentCatalog& catalog) {
  json list = json::parse(bytes, nullptr, false);
  if (list.is_discarded()) return MakeError("registry.source", "", "the register is not JSON");
  if (!list.is_array()) {
    return MakeError("registry.source", "", "the register in JSON is an array of Table 3 entries");
  }
  codec::RegisterInput input;
  Collector collector(input);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "record " + std::to_string(i + 1);
    json& item = list[i];
    if (!item.is_object()) {
      collector.Refuse(MakeError("registry.source", where, "a record is a JSON object"));
      continue;
    }
    // The gateway writes the header of what it sends: one in the input is not read.
    auto entry = EntryOf(item.dump(), catalog);
    if (!entry) {
      Error e = entry.error();
      e.where = where + (e.where.empty() ? "" : ", " + e.where);
      collector.Refuse(std::move(e));
      continue;
    }
    collector.Take(std::move(*entry), where);
  }
  return input;
}

Result<codec::RegisterInput> ReadXmlRegister(std::string_view bytes,
                                             const validate::Validator& validator) {
  xml::SecureParser parser(validator.grammar_pool(), xml::ParserLimits{});
  auto parsed = parser.ParseAnyRoot(bytes, xml::Keep{.tree = true, .dom = false});
  if (!parsed.tree) {
    const xml::XmlIssue* issue = parsed.issues.empty() ? nullptr : &parsed.issues.front();
    return MakeError(
        "registry.source", issue ? "line " + std::to_string(issue->position.line) : std::string(),
        "the register is not well-formed XML" + (issue ? ": " + issue->message : std::string()));
  }
  const xml::Tree& tree = *parsed.tree;
  codec::RegisterInput input;
  Collector collector(input);
  const auto take = [&](xml::Tree::Index element, const std::string& where) {
    auto document = codec::ReadXml(tree, element, validator.catalog());
    if (!document) {
      Error e = document.error();
      e.where = where + (e.where.empty() ? "" : ", " + e.where);
      collector.Refuse(std::move(e));
    } else if (auto* entry = std::get_if<model::RegisterEntry>(&*document)) {
      collector.Take(std::move(*entry), where);
    } else {
      collector.Refuse(MakeError("registry.source", where, "not a Table 3 document"));
    }
  };
  const auto is_entry = [&tree](xml::Tree::Index e) { return tree.LocalName(e) == kRoot; };
  if (is_entry(tree.root())) {
    take(tree.root(), "record 1");
    return input;
  }
  size_t n = 0;
  for (auto child = tree.FirstChildElement(tree.root()); child != xml::Tree::kNone;
       child = tree.NextSiblingElement(child)) {
    const std::string where = "record " + std::to_string(++n);
    if (!is_entry(child)) {
      collector.Refuse(MakeError("registry.source", where,
                                 "<" + std::string(tree.QualifiedName(child)) +
                                     "> is not a Table 3 document (" + std::string(kRoot) + ")"));
      continue;
    }
    take(child, where);
  }
  return input;
}

size_t Collect(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * count > kMaxRegisterBytes) return 0;  // ends the transfer
  out->append(data, size * count);
  return size * count;
}

// A register published at an http(s) URL.
Result<std::string> Fetch(const std::string& url, const std::string& ca_bundle) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) return MakeError("registry.source", url, "libcurl cannot start");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  CURL* c = curl.get();
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 600'000L);
  if (!ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_bundle.c_str());
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (const CURLcode rc = curl_easy_perform(c); rc != CURLE_OK) {
    return MakeError("registry.source", url, error[0] != '\0' ? error : curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return MakeError("registry.source", url, "HTTP " + std::to_string(status));
  }
  return body;
}

// A file, a folder of Table 3 XML documents (sent as one list), or a URL.
}  // namespace

Result<LoadedSource> LoadSource(const std::string& source, const std::string& ca_bundle) {
  LoadedSource out;
  const auto type_of = [](const std::string& name) {
    if (name.ends_with(".csv")) return SourceFormat::kCsv;
    if (name.ends_with(".json")) return SourceFormat::kJson;
    if (name.ends_with(".xml")) return SourceFormat::kXml;
    return SourceFormat::kAuto;
  };
  if (source.starts_with("http://") || source.starts_with("https://")) {
    auto body = Fetch(source, ca_bundle);
    if (!body) return body.error();
    out.bytes = std::move(*body);
    out.format = type_of(source.substr(0, source.find('?')));
    return out;
  }
  std::error_code ec;
  if (fs::is_directory(source, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".xml") {
        files.push_back(entry.path());
      }
    }
    if (ec) return MakeError("registry.source", source, ec.message());
    std::sort(files.begin(), files.end());
    out.bytes = "<register>\n";
    for (const auto& file : files) {
      auto text = ReadFileLimited(file, kMaxRegisterBytes);
      if (!text) return text.error();
      std::string_view doc = *text;
      if (doc.starts_with("\xEF\xBB\xBF")) doc.remove_prefix(3);
      if (doc.starts_with("<?xml")) doc.remove_prefix(std::min(doc.size(), doc.find("?>") + 2));
      out.bytes.append(doc);
      out.bytes += "\n";
    }
    out.bytes += "</register>\n";
    out.format = SourceFormat::kXml;
    return out;
  }
  auto text = ReadFileLimited(source, kMaxRegisterBytes);
  if (!text) return text.error();
  out.bytes = std::move(*text);
  out.format = type_of(source);
  return out;
}

std::optional<SourceFormat> SourceFormatFromName(std::string_view name) {
  if (name == "auto") return SourceFormat::kAuto;
  if (name == "csv") return SourceFormat::kCsv;
  if (name == "json") return SourceFormat::kJson;
  if (name == "xml") return SourceFormat::kXml;
  return std::nullopt;
}

std::string ContentTypeOf(SourceFormat format) {
  switch (format) {
    case SourceFormat::kCsv:
      return "text/csv";
    case SourceFormat::kJson:
      return "application/json";
    case SourceFormat::kXml:
      return "application/xml";
    case SourceFormat::kAuto:
      break;
  }
  return "application/octet-stream";
}

SourceFormat SourceFormatOf(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  if (type == "text/csv") return SourceFormat::kCsv;
  if (type == "application/json") return SourceFormat::kJson;
  if (type == "application/xml" || type == "text/xml") return SourceFormat::kXml;
  return SourceFormat::kAuto;
}

Result<codec::RegisterInput> ReadRegister(std::string_view bytes, SourceFormat format,
                                          const validate::Validator& validator) {
  if (format == SourceFormat::kAuto) format = Sniff(bytes);
  switch (format) {
    case SourceFormat::kJson:
      return ReadJsonRegister(bytes, validator.catalog());
    case SourceFormat::kXml:
      return ReadXmlRegister(bytes, validator);
    case SourceFormat::kCsv:
    case SourceFormat::kAuto:
      break;
  }
  codec::CsvImportOptions options;
  if (!bytes.empty() && bytes.find(';') < bytes.find('\n') && bytes.find(',') > bytes.find('\n')) {
    options.separator = ';';  // a header row separated by semicolons (spreadsheets in ru locales)
  }
  auto input = codec::ReadRegisterCsvRecords(bytes, validator.catalog(), options);
  if (!input) return input.error();
  // A duplicate across the whole file is found by the reader; the keys are unique here.
  return input;
}

}  // namespace eaeu::registry
