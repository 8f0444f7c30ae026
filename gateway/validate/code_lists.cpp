#include "gateway/validate/code_lists.hpp"

#include <fstream>
#include <sstream>

#include "codecs/xerces_text.hpp"

namespace eaeu::validate {
namespace {

std::string Fold(std::string_view name) {
  std::string out = xml::CollapseWhitespace(name);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

}  // namespace

Result<CodeLists> CodeLists::LoadDirectories(const std::vector<std::filesystem::path>& dirs) {
  CodeLists lists;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return MakeError("codelist.folder", dir.string(), "is not a folder of code lists");
    }
    auto one = LoadDirectory(dir);
    if (!one) return one.error();
    for (auto& [id, list] : one->lists_) {
      auto& target = lists.lists_[id];
      target.codes.merge(list.codes);
      target.code_by_name.merge(list.code_by_name);
    }
  }
  return lists;
}

Result<CodeLists> CodeLists::LoadDirectory(const std::filesystem::path& dir) {
  CodeLists lists;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return lists;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".tsv") continue;
    const std::string id = entry.path().stem().string();
    std::ifstream in(entry.path());
    if (!in) return MakeError("codelist.read", entry.path().string(), "cannot be read");
    std::string line;
    size_t number = 0;
    lists.lists_[id];  // a present but empty file still counts as loaded
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      const auto tab = line.find('\t');
      std::string code = xml::CollapseWhitespace(line.substr(0, tab));
      std::string name = tab == std::string::npos ? "" : line.substr(tab + 1);
      if (code.empty()) {
        return MakeError("codelist.syntax", entry.path().string() + ":" + std::to_string(number),
                         "a line must start with a code");
      }
      lists.Add(id, std::move(code), std::move(name));
    }
  }
  if (ec) return MakeError("codelist.read", dir.string(), ec.message());
  return lists;
}

void CodeLists::Add(std::string list_id, std::string code, std::string name) {
  auto& list = lists_[list_id];
  if (!name.empty()) list.code_by_name.emplace(Fold(name), code);
  list.codes.insert(std::move(code));
}

bool CodeLists::Has(std::string_view list_id) const {
  return lists_.find(list_id) != lists_.end();
}

bool CodeLists::Contains(std::string_view list_id, std::string_view code) const {
  auto it = lists_.find(list_id);
  return it != lists_.end() && it->second.codes.find(code) != it->second.codes.end();
}

std::optional<std::string> CodeLists::CodeForName(std::string_view list_id,
                                                  std::string_view name) const {
  auto it = lists_.find(list_id);
  if (it == lists_.end()) return std::nullopt;
  auto found = it->second.code_by_name.find(Fold(name));
  if (found == it->second.code_by_name.end()) return std::nullopt;
  return found->second;
}

std::string CodeLists::WhatIsOff(std::string_view list_id) {
  if (list_id == kDeviceGroupList) {
    return "IR-01 and GN-01 check the group codes by form only, and IO-03 is off";
  }
  if (list_id == kCertificateStatusList) {
    return "the summary report's certificate statuses are checked by form only";
  }
  return "IR-01 and GN-01 check its codes by form only";
}

std::string CodeLists::StatusLine() const {
  std::string loaded;
  std::string absent;
  for (const auto id :
       {kCountryList, kLegalFormList, kDeviceKindList, kDeviceGroupList, kCertificateStatusList}) {
    const auto it = lists_.find(id);
    if (it != lists_.end()) {
      loaded += (loaded.empty() ? "" : ", ") + Describe(id) + ": " +
                std::to_string(it->second.codes.size()) + " codes";
    } else {
      absent += (absent.empty() ? "" : "; ") + Describe(id) + " (" + WhatIsOff(id) + ")";
    }
  }
  return "code lists: loaded " + (loaded.empty() ? std::string("none") : loaded) +
         (absent.empty() ? std::string() : "; absent: " + absent);
}

std::string CodeLists::Describe(std::string_view list_id) {
  if (list_id == kCountryList) return "P.CLS.019 (countries, ISO 3166-1)";
  if (list_id == kLegalFormList) return "P.CLS.054 (organisational-legal forms, Decision 54)";
  if (list_id == kDeviceKindList) return "P.CLS.064 (EAEU medical device nomenclature)";
  if (list_id == kDeviceGroupList) return "D106.A2 (device groups, Annex 2 to Decision 106)";
  if (list_id == kCertificateStatusList) return "RC.STATUS (registration certificate statuses)";
  return std::string(list_id);
}

}  // namespace eaeu::validate
