#pragma once
// The journal's settings: its backend and where it lives.

#include <cstdint>
#include <filesystem>
#include <string>

namespace eaeu::store {

struct JournalSettings {
  std::string backend = "sqlite";
  std::filesystem::path file;  // sqlite
  uint32_t max_batch = 512;
};

}  // namespace eaeu::store
