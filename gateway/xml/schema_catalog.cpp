#include "gateway/xml/schema_catalog.hpp"

#include "gateway/checked_toml/reader.hpp"

#include <set>

namespace eaeu::xml {
namespace {

using checked_toml::Section;

// A schema file named by the catalogue: relative to the catalogue's folder, never outside it.
std::optional<std::filesystem::path> SchemaPath(Section& table, const std::filesystem::path& dir) {
  auto path = table.Path("file", dir, Section::PathKind::kFile, true);
  if (!path) return std::nullopt;
  const auto rel = path->lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") {
    table.Problem("file", "the schema file must be inside " + dir.string());
    return std::nullopt;
  }
  return path;
}

}  // namespace

Result<SchemaCatalog> LoadSchemaCatalog(const std::filesystem::path& file) {
  auto parsed = checked_toml::ParseTomlFile(file, "catalog.invalid");
  if (!parsed) return parsed.error();
  checked_toml::Problems problems(file);
  Section top(&*parsed, "", &problems);
  SchemaCatalog catalog;
  std::error_code ec;
  catalog.directory = std::filesystem::weakly_canonical(file.parent_path(), ec);
  auto& docs = catalog.documents;

  Section ns = top.Table("namespaces");
  if (!ns.present()) top.Problem("namespaces", "the table [namespaces] is required");
  docs.ccdo_ns = ns.String("ccdo", true).value_or("");
  docs.csdo_ns = ns.String("csdo", true).value_or("");
  docs.bdt_ns = ns.String("bdt", true).value_or("");
  docs.ds_ns = ns.String("ds", true).value_or("");
  ns.RejectUnknown();

  auto schemas = top.Tables("schema");
  if (schemas.empty()) top.Problem("schema", "at least one [[schema]] is required");
  for (Section& t : schemas) {
    SchemaFile schema;
    schema.ns = t.String("namespace", true).value_or("");
    if (auto path = SchemaPath(t, catalog.directory)) schema.path = *path;
    t.RejectUnknown();
    catalog.schemas.push_back(std::move(schema));
  }

  std::set<model::DocumentKind> seen;
  for (Section& t : top.Tables("document")) {
    model::DocumentInfo info;
    const auto kind_name = t.String("kind", true);
    const auto kind = kind_name ? model::KindFromName(*kind_name) : std::nullopt;
    if (kind_name && !kind) t.Problem("kind", "unknown document kind \"" + *kind_name + "\"");
    if (kind && !seen.insert(*kind).second) {
      t.Problem("kind", "\"" + *kind_name + "\" appears twice");
    }
    info.root = t.String("root", true).value_or("");
    info.ns = t.String("namespace", true).value_or("");
    info.structure_code = t.String("structure", true).value_or("");
    info.messages = t.Strings("messages");
    if (info.messages.empty()) t.Problem("messages", "must list the document's message codes");
    const auto path = SchemaPath(t, catalog.directory);
    t.RejectUnknown();
    if (!kind || !path) continue;
    info.kind = *kind;
    catalog.schemas.push_back(SchemaFile{info.ns, *path});
    docs.documents[static_cast<size_t>(info.kind)] = std::move(info);
  }
  for (int k = 0; k < model::kDocumentKindCount; ++k) {
    const auto kind = static_cast<model::DocumentKind>(k);
    if (!seen.contains(kind)) {
      top.Problem("document",
                  "no [[document]] for kind \"" + std::string(model::KindName(kind)) + "\"");
    }
  }
  top.RejectUnknown();
  if (!problems.empty()) return problems.ToError("catalog.invalid");
  return catalog;
}

}  // namespace eaeu::xml
