#include "gateway/xml/schema_catalog.hpp"

#include <toml++/toml.h>

#include <set>

namespace eaeu::xml {
namespace {

Result<std::string> RequiredString(const toml::table& table, std::string_view key,
                                   const std::string& where) {
  const auto* node = table.get(key);
  if (node == nullptr)
    return MakeError("catalog.missing", where + "." + std::string(key), "missing");
  const auto value = node->value<std::string>();
  if (!value || value->empty()) {
    return MakeError("catalog.type", where + "." + std::string(key), "must be a non-empty string");
  }
  return *value;
}

Status CheckKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                 const std::string& where) {
  for (const auto& [key, node] : table) {
    bool known = false;
    for (auto a : allowed) known = known || a == key.str();
    if (!known) {
      return MakeError(
          "catalog.unknown-key",
          where.empty() ? std::string(key.str()) : where + "." + std::string(key.str()),
          "unknown key");
    }
  }
  return Ok{};
}

Result<std::filesystem::path> SchemaPath(const std::filesystem::path& dir, const std::string& file,
                                         const std::string& where) {
  std::filesystem::path path = std::filesystem::weakly_canonical(dir / file);
  const auto rel = path.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") {
    return MakeError("catalog.path", where,
                     "schema file \"" + file + "\" is outside " + dir.string());
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError("catalog.path", where, "schema file " + path.string() + " does not exist");
  }
  return path;
}

}  // namespace

Result<SchemaCatalog> LoadSchemaCatalog(const std::filesystem::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return MakeError("catalog.syntax", file.string() + ":" + std::to_string(e.source().begin.line),
                     std::string(e.description()));
  }
  SchemaCatalog catalog;
  std::error_code ec;
  catalog.directory = std::filesystem::weakly_canonical(file.parent_path(), ec);
  if (auto st = CheckKeys(root, {"namespaces", "schema", "document"}, ""); !st) return st.error();

  const auto* ns = root["namespaces"].as_table();
  if (ns == nullptr) return MakeError("catalog.missing", "namespaces", "missing table");
  if (auto st = CheckKeys(*ns, {"ccdo", "csdo", "bdt", "ds"}, "namespaces"); !st) return st.error();
  auto& docs = catalog.documents;
  for (auto [key, target] : {std::pair{"ccdo", &docs.ccdo_ns}, std::pair{"csdo", &docs.csdo_ns},
                             std::pair{"bdt", &docs.bdt_ns}, std::pair{"ds", &docs.ds_ns}}) {
    auto value = RequiredString(*ns, key, "namespaces");
    if (!value) return value.error();
    *target = *value;
  }

  const auto* schemas = root["schema"].as_array();
  if (schemas == nullptr) return MakeError("catalog.missing", "schema", "missing array of tables");
  for (size_t i = 0; i < schemas->size(); ++i) {
    const std::string where = "schema[" + std::to_string(i) + "]";
    const auto* t = (*schemas)[i].as_table();
    if (t == nullptr) return MakeError("catalog.type", where, "must be a table");
    if (auto st = CheckKeys(*t, {"namespace", "file"}, where); !st) return st.error();
    auto n = RequiredString(*t, "namespace", where);
    if (!n) return n.error();
    auto f = RequiredString(*t, "file", where);
    if (!f) return f.error();
    auto path = SchemaPath(catalog.directory, *f, where + ".file");
    if (!path) return path.error();
    catalog.schemas.push_back(SchemaFile{*n, *path});
  }

  const auto* documents = root["document"].as_array();
  if (documents == nullptr) return MakeError("catalog.missing", "document", "missing array");
  std::set<model::DocumentKind> seen;
  for (size_t i = 0; i < documents->size(); ++i) {
    const std::string where = "document[" + std::to_string(i) + "]";
    const auto* t = (*documents)[i].as_table();
    if (t == nullptr) return MakeError("catalog.type", where, "must be a table");
    if (auto st =
            CheckKeys(*t, {"kind", "root", "namespace", "file", "structure", "messages"}, where);
        !st) {
      return st.error();
    }
    auto kind_name = RequiredString(*t, "kind", where);
    if (!kind_name) return kind_name.error();
    const auto kind = model::KindFromName(*kind_name);
    if (!kind) {
      return MakeError("catalog.value", where + ".kind",
                       "unknown document kind \"" + *kind_name + "\"");
    }
    if (!seen.insert(*kind).second) {
      return MakeError("catalog.value", where + ".kind", "\"" + *kind_name + "\" appears twice");
    }
    model::DocumentInfo info;
    info.kind = *kind;
    auto root_name = RequiredString(*t, "root", where);
    auto doc_ns = RequiredString(*t, "namespace", where);
    auto xsd = RequiredString(*t, "file", where);
    auto structure = RequiredString(*t, "structure", where);
    for (auto* r : {&root_name, &doc_ns, &xsd, &structure}) {
      if (!*r) return r->error();
    }
    info.root = *root_name;
    info.ns = *doc_ns;
    info.structure_code = *structure;
    const auto* messages = t->get_as<toml::array>("messages");
    if (messages == nullptr || messages->empty()) {
      return MakeError("catalog.missing", where + ".messages", "must be a non-empty array");
    }
    for (const auto& m : *messages) {
      auto s = m.value<std::string>();
      if (!s) return MakeError("catalog.type", where + ".messages", "must hold strings");
      info.messages.push_back(*s);
    }
    auto path = SchemaPath(catalog.directory, *xsd, where + ".file");
    if (!path) return path.error();
    catalog.schemas.push_back(SchemaFile{info.ns, *path});
    docs.documents[static_cast<size_t>(info.kind)] = std::move(info);
  }
  for (int k = 0; k < model::kDocumentKindCount; ++k) {
    const auto kind = static_cast<model::DocumentKind>(k);
    if (!seen.contains(kind)) {
      return MakeError("catalog.missing", "document",
                       "no entry for kind \"" + std::string(model::KindName(kind)) + "\"");
    }
  }
  return catalog;
}

}  // namespace eaeu::xml
