// The SQLite backend of the journal: opening and migrating the file, then the stores of sql/.
#include "gateway/store/sqlite/journal.hpp"

#include "gateway/store/sqlite/detail/connection.hpp"
#include "gateway/store/sqlite/detail/migrations.hpp"

namespace eaeu::store {

int SqliteJournal::SchemaVersion() {
  return sqlite::CurrentSchemaVersion();
}

Result<std::unique_ptr<SqlJournal>> SqliteJournal::Open(const SqliteJournalOptions& options) {
  if (sqlite3_threadsafe() == 0) {
    return MakeError("journal.sqlite", "", "SQLite was built without thread support");
  }
  auto writer = sqlite::Connection::Open(options.file);
  if (!writer) return writer.error();
  if (auto migrated = sqlite::Migrate(**writer, options.file, options.migrate_to); !migrated) {
    return migrated.error();
  }
  // The audit chain came with schema 11.
  (*writer)->audit = options.migrate_to == 0 || options.migrate_to >= 11;
  std::vector<std::unique_ptr<sql::Connection>> readers;
  for (size_t i = 0; i < std::max<size_t>(options.readers, 1); ++i) {
    auto reader = sqlite::Connection::Open(options.file);
    if (!reader) return reader.error();
    readers.push_back(std::move(*reader));
  }
  return SqlJournal::Start(std::move(*writer), std::move(readers), options.max_batch);
}

}  // namespace eaeu::store
