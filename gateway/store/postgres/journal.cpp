// The PostgreSQL backend of the journal: connecting and migrating, then the stores of sql/.
#include "gateway/store/postgres/journal.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "gateway/store/postgres/detail/cluster.hpp"
#include "gateway/store/postgres/detail/connection.hpp"
#include "gateway/store/postgres/detail/migrations.hpp"

namespace eaeu::store {

int PostgresJournal::SchemaVersion() {
  return postgres::CurrentSchemaVersion();
}

Result<std::unique_ptr<SqlJournal>> PostgresJournal::Open(const PostgresJournalOptions& options) {
  auto writer = postgres::Connection::Open(options.url, options.password);
  if (!writer) return writer.error();
  if (auto migrated = postgres::Migrate(**writer, options.migrate_to); !migrated) {
    return migrated.error();
  }
  // The audit chain came with schema 3.
  (*writer)->audit = options.migrate_to == 0 || options.migrate_to >= 3;
  const bool shared = !options.instance.empty();
  // A writer that just closed may hold the lock a moment longer: the server ends its session
  // after the client goes. Asked again for up to 3 s before the database is said to be in use.
  Status locked = postgres::LockInstance(**writer, shared);
  for (int tries = 0; !locked && locked.error().code == "journal.busy" && tries < 60; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    locked = postgres::LockInstance(**writer, shared);
  }
  if (!locked) return locked.error();
  // A session the server dropped lost its lock and its settings: both again before the writer
  // writes again.
  const std::string session = shared ? postgres::ClusteredSession(options.lease) : std::string();
  (*writer)->OnReconnect([shared, session](postgres::Connection& db) -> Status {
    if (auto st = postgres::LockInstance(db, shared); !st) return st;
    if (!session.empty()) return db.Exec(session.c_str());
    return Ok{};
  });
  std::unique_ptr<sql::Cluster> cluster;
  if (shared) {
    if (auto st = (*writer)->Exec(session.c_str()); !st) return st.error();
    (*writer)->SetBeginWrite(postgres::ClusteredBegin());
    cluster =
        postgres::MakeCluster({options.instance, options.lease, options.url, options.password});
  }
  std::vector<std::unique_ptr<sql::Connection>> readers;
  for (size_t i = 0; i < std::max<size_t>(options.readers, 1); ++i) {
    auto reader = postgres::Connection::Open(options.url, options.password);
    if (!reader) return reader.error();
    readers.push_back(std::move(*reader));
  }
  return SqlJournal::Start(std::move(*writer), std::move(readers), options.max_batch,
                           std::move(cluster));
}

}  // namespace eaeu::store
