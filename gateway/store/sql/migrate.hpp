#pragma once
// Versioned migrations, whichever database: a table schema_version with one row, and entry i of a
// backend's list bringing its schema from version i to i + 1, each in a transaction of its own.

#include <string>
#include <vector>

#include "gateway/store/sql/driver.hpp"

namespace eaeu::store::sql {

// Brings the schema to `target` (0: the last of `migrations`); a schema newer than the list is
// refused (journal.version). `where` names the database in errors (a file, "postgresql").
Status Migrate(Connection& db, const std::vector<const char*>& migrations, int target,
               const std::string& where);

}  // namespace eaeu::store::sql
