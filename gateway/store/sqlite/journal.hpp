#pragma once
// The embedded journal: one SQLite file in WAL mode with synchronous=FULL and versioned
// migrations, under the stores of sql/journal.hpp (group commit on one writer thread; reads on a
// few reader connections side by side, each on its own snapshot).

#include <filesystem>
#include <memory>

#include "gateway/store/sql/journal.hpp"

namespace eaeu::store {

struct SqliteJournalOptions {
  std::filesystem::path file;
  size_t max_batch = 512;  // changes per commit at most
  size_t readers = 4;      // reader connections: reads run side by side, each on its snapshot
  int migrate_to = 0;      // the schema version to bring the file to; 0: the current (tests only)
};

class SqliteJournal {
 public:
  // Opens (or creates) the file and brings its schema to the current version. A file written by
  // a newer gateway (a higher schema version) is refused.
  static Result<std::unique_ptr<SqlJournal>> Open(const SqliteJournalOptions& options);
  static int SchemaVersion();
};

}  // namespace eaeu::store
