#pragma once
// The PostgreSQL journal's schema and its versioned migrations, applied by one instance at a time
// under an advisory lock. Internal to store/postgres/.

#include "gateway/store/postgres/detail/connection.hpp"

namespace eaeu::store::postgres {

// Brings the database's schema to `target` (0: the current version); a newer one is refused.
Status Migrate(Connection& db, int target);
int CurrentSchemaVersion();

// One gateway writes a database at a time: this connection's session takes a lock that a second
// instance (or a copy into the database) finds taken, and keeps it while it lives.
Status LockInstance(Connection& db);

}  // namespace eaeu::store::postgres
