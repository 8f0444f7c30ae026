#pragma once
// What the validator loads: the schema catalogue and the code lists.

#include <filesystem>
#include <vector>

namespace eaeu::validate {

struct ValidationSettings {
  std::filesystem::path schema_catalog;
  std::vector<std::filesystem::path> code_lists;
  // SN-04's history: false when this gateway took over from an earlier system, so that a
  // suspension sent before it may be missing from its journal (a resumption without one is then
  // a warning, not a refusal).
  bool suspension_history_complete = true;
};

}  // namespace eaeu::validate
