#pragma once
// The PostgreSQL journal's schema and its versioned migrations, applied by one instance at a time
// under an advisory lock. Internal to store/postgres/.

#include "gateway/store/postgres/detail/connection.hpp"

namespace eaeu::store::postgres {

// Brings the database's schema to `target` (0: the current version); a newer one is refused.
Status Migrate(Connection& db, int target);
int CurrentSchemaVersion();

}  // namespace eaeu::store::postgres
