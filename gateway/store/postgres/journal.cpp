// The PostgreSQL backend of the journal: connecting and migrating, then the stores of sql/.
#include "gateway/store/postgres/journal.hpp"

#include <algorithm>

#include "gateway/store/postgres/detail/connection.hpp"
#include "gateway/store/postgres/detail/migrations.hpp"
#include "gateway/store/sql/driver.hpp"

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
  // One gateway writes a database at a time: the writer's session holds a lock that a second
  // instance finds taken (instances sharing a database need the leases of cluster mode).
  {
    sql::Statement lock(**writer, "SELECT pg_try_advisory_lock(7403127012)");
    if (lock.Step() != sql::kRow) return (*writer)->LastError("the instance lock");
    if (lock.Text(0) != "t") {
      return MakeError("journal.busy", "postgresql",
                       "another gateway writes this database; run one gateway per database");
    }
  }
  std::vector<std::unique_ptr<sql::Connection>> readers;
  for (size_t i = 0; i < std::max<size_t>(options.readers, 1); ++i) {
    auto reader = postgres::Connection::Open(options.url, options.password);
    if (!reader) return reader.error();
    readers.push_back(std::move(*reader));
  }
  return SqlJournal::Start(std::move(*writer), std::move(readers), options.max_batch);
}

}  // namespace eaeu::store
