#pragma once
// What the validator loads: the schema catalogue and the code lists.

#include <filesystem>
#include <vector>

namespace eaeu::validate {

struct ValidationSettings {
  std::filesystem::path schema_catalog;
  std::vector<std::filesystem::path> code_lists;
};

}  // namespace eaeu::validate
