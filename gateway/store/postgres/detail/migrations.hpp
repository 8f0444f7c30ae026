#pragma once
// The PostgreSQL journal's schema and its versioned migrations, applied by one instance at a time
// under an advisory lock. Internal to store/postgres/.

#include "gateway/store/postgres/detail/connection.hpp"

namespace eaeu::store::postgres {

// Brings the database's schema to `target` (0: the current version); a newer one is refused.
Status Migrate(Connection& db, int target);
int CurrentSchemaVersion();

// Who writes the database: the gateways of a cluster side by side (`shared`), or one writer
// alone (a copy into the database, a gateway without an instance name). This connection's
// session takes the lock and keeps it while it lives; the other kind finds it taken.
Status LockInstance(Connection& db, bool shared);

}  // namespace eaeu::store::postgres
