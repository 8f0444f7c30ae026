#pragma once
// A copy of a SQLite journal taken while its daemon runs (SQLite's VACUUM INTO, from one read
// snapshot: the writer is not held up), checked before it is called a backup: the copy's
// integrity, its messages counted, its audit chain verified whole.

#include <cstdint>
#include <filesystem>
#include <string>

#include "gateway/core/result.hpp"

namespace eaeu::store {

struct BackupResult {
  uint64_t messages = 0;
  uint64_t audit_entries = 0;
  std::string audit_head;
  uint64_t bytes = 0;
};

// Copies `journal` into `to` (which must not exist; written beside it and renamed when checked).
Result<BackupResult> BackupSqlite(const std::filesystem::path& journal,
                                  const std::filesystem::path& to);

}  // namespace eaeu::store
