// The PostgreSQL backend of the journal: connecting and migrating, then the stores of sql/.
#include "gateway/store/postgres/journal.hpp"

#include <algorithm>

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
  if (auto locked = postgres::LockInstance(**writer); !locked) return locked.error();
  // A session the server dropped lost its lock: taken again before the writer writes again (and
  // refused, journal.busy, while another gateway holds it).
  (*writer)->OnReconnect([](postgres::Connection& db) { return postgres::LockInstance(db); });
  std::vector<std::unique_ptr<sql::Connection>> readers;
  for (size_t i = 0; i < std::max<size_t>(options.readers, 1); ++i) {
    auto reader = postgres::Connection::Open(options.url, options.password);
    if (!reader) return reader.error();
    readers.push_back(std::move(*reader));
  }
  return SqlJournal::Start(std::move(*writer), std::move(readers), options.max_batch);
}

}  // namespace eaeu::store
