#pragma once
// The SQLite journal's schema and its versioned migrations. Internal to store/sqlite/.

#include <filesystem>

#include "gateway/store/sqlite/detail/connection.hpp"

namespace eaeu::store::sqlite {

// Brings the file's schema to `target` (0: the current version); a newer one is refused.
Status Migrate(Connection& db, const std::filesystem::path& file, int target);
int CurrentSchemaVersion();

}  // namespace eaeu::store::sqlite
