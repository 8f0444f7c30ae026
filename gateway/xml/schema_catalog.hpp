#pragma once
// The schema catalogue (schemas/catalog.toml): which XSD file serves which namespace, and the
// root, namespace and codes of each document. Loading it is the only place that reads those
// provisional codes, so an operator changes them without a rebuild.

#include <filesystem>
#include <string>
#include <vector>

#include "codecs/catalog.hpp"
#include "gateway/core/result.hpp"

namespace eaeu::xml {

struct SchemaFile {
  std::string ns;
  std::filesystem::path path;  // absolute
};

struct SchemaCatalog {
  std::filesystem::path directory;  // folder of the catalogue file; the only place XSDs load from
  std::vector<SchemaFile> schemas;  // basis schemas, then one per document
  model::DocumentCatalog documents;
};

// Reads and checks a catalogue file; errors name the key.
Result<SchemaCatalog> LoadSchemaCatalog(const std::filesystem::path& file);

}  // namespace eaeu::xml
