#include "gateway/registry/record.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "codecs/csv_register.hpp"
#include "codecs/json_codec.hpp"
#include "gateway/core/hex.hpp"
#include "gateway/core/utf8.hpp"

namespace eaeu::registry {
namespace {

using nlohmann::json;

constexpr std::string_view kOrganization = "inspectingOrganizationDetails";
constexpr std::string_view kName = "businessEntityName";

// Strings whitespace-collapsed, lists sorted by their items' text, recursively.
void Normal(json& j) {
  if (j.is_string()) {
    j = CollapseWhitespace(j.get_ref<const std::string&>());
  } else if (j.is_object()) {
    for (auto& [key, value] : j.items()) Normal(value);
  } else if (j.is_array()) {
    for (auto& item : j) Normal(item);
    std::vector<std::pair<std::string, json>> keyed;
    keyed.reserve(j.size());
    for (auto& item : j) keyed.emplace_back(item.dump(), std::move(item));
    std::sort(keyed.begin(), keyed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    json sorted = json::array();
    for (auto& [text, item] : keyed) sorted.push_back(std::move(item));
    j = std::move(sorted);
  }
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return HexLower(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// The name of a list item that identifies it among its siblings, where it has one.
std::string ItemName(const json& item) {
  if (!item.is_object()) return {};
  const auto text = [](const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); };
  if (auto it = item.find("fullNameDetails"); it != item.end() && it->is_object()) {
    std::string name;
    for (const char* part : {"lastName", "firstName", "middleName"}) {
      if (auto p = it->find(part); p != it->end()) name += (name.empty() ? "" : " ") + text(*p);
    }
    return name;
  }
  for (const char* key : {"addressKindCode", "communicationChannelCode"}) {
    if (auto it = item.find(key); it != item.end()) return text(*it);
  }
  return {};
}

void Diff(const json& a, const json& b, const std::string& path, std::vector<FieldChange>& out);

void DiffLists(const json& a, const json& b, const std::string& path,
               std::vector<FieldChange>& out) {
  // Items with a name that is unique on both sides are matched by it; the rest by value.
  std::map<std::string, std::vector<const json*>> named_a, named_b;
  for (const auto& item : a) named_a[ItemName(item)].push_back(&item);
  for (const auto& item : b) named_b[ItemName(item)].push_back(&item);
  std::vector<const json*> rest_a, rest_b;
  for (auto& [name, items] : named_a) {
    auto other = named_b.find(name);
    if (!name.empty() && items.size() == 1 && other != named_b.end() && other->second.size() == 1) {
      Diff(*items.front(), *other->second.front(), path + "[" + name + "]", out);
      named_b.erase(other);
    } else {
      rest_a.insert(rest_a.end(), items.begin(), items.end());
    }
  }
  for (auto& [name, items] : named_b) rest_b.insert(rest_b.end(), items.begin(), items.end());
  const auto contains = [](const std::vector<const json*>& list, const json& item) {
    return std::any_of(list.begin(), list.end(), [&](const json* j) { return *j == item; });
  };
  for (const json* item : rest_a) {
    if (!contains(rest_b, *item)) {
      const std::string name = ItemName(*item);
      out.push_back({path + (name.empty() ? "" : "[" + name + "]"), item->dump(), ""});
    }
  }
  for (const json* item : rest_b) {
    if (!contains(rest_a, *item)) {
      const std::string name = ItemName(*item);
      out.push_back({path + (name.empty() ? "" : "[" + name + "]"), "", item->dump()});
    }
  }
}

void Diff(const json& a, const json& b, const std::string& path, std::vector<FieldChange>& out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.items()) {
      const std::string p = path + "/" + key;
      if (auto it = b.find(key); it != b.end()) {
        Diff(value, *it, p, out);
      } else {
        out.push_back({p, value.dump(), ""});
      }
    }
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key)) out.push_back({path + "/" + key, "", value.dump()});
    }
    return;
  }
  if (a.is_array() && b.is_array()) return DiffLists(a, b, path, out);
  out.push_back({path, a.dump(), b.dump()});
}

}  // namespace

NormalRecord Normalise(const model::RegisterEntry& entry) {
  json j = json::parse(codec::WriteJson(model::Document(entry), -1));
  j.erase("eDocHeader");
  Normal(j);
  NormalRecord out;
  const auto& org = entry.organization;
  out.country = org.authorization.country_code;
  out.name = CollapseWhitespace(org.name);
  out.key = codec::RegisterKey(out.country, org.name);
  out.json = j.dump();
  json folded = j;
  folded[std::string(kOrganization)][std::string(kName)] = FoldName(org.name);
  out.digest = Sha256Hex(folded.dump());
  out.groups = "|";
  std::vector<std::string> groups = org.group_codes;
  std::sort(groups.begin(), groups.end());
  for (const auto& g : groups) out.groups += CollapseWhitespace(g) + "|";
  out.withdrawn = org.record_status && org.record_status->period.end.has_value();
  return out;
}

Result<model::RegisterEntry> EntryOf(std::string_view normal_json,
                                     const model::DocumentCatalog& catalog) {
  json j = json::parse(normal_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError("registry.record", "", "a register record in the journal is not JSON");
  }
  const auto& info = catalog.Info(model::DocumentKind::kRegisterEntry);
  j["eDocHeader"] = {{"infEnvelopeCode", info.messages.empty() ? "" : info.messages.front()},
                     {"eDocCode", info.structure_code},
                     {"eDocId", "00000000-0000-4000-8000-000000000000"},
                     {"eDocDateTime", "2000-01-01T00:00:00"}};
  auto document = codec::ReadJson(j.dump(), catalog, model::DocumentKind::kRegisterEntry);
  if (!document) return document.error();
  if (auto* entry = std::get_if<model::RegisterEntry>(&*document)) return std::move(*entry);
  return MakeError("registry.record", "", "a register record in the journal is another document");
}

std::vector<FieldChange> Differences(std::string_view before_json, std::string_view after_json) {
  std::vector<FieldChange> out;
  const json a = json::parse(before_json, nullptr, false);
  const json b = json::parse(after_json, nullptr, false);
  Diff(a.is_discarded() ? json() : a, b.is_discarded() ? json() : b, "", out);
  return out;
}

}  // namespace eaeu::registry
