#pragma once
// Moving a journal from one backend to another (a SQLite file into PostgreSQL): every table copied
// row by row in one transaction on each side, the feeds' positions kept, then checked — the same
// count of rows and the same SHA-256 of their contents in each table — before it is committed.

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/store/postgres/journal.hpp"
#include "gateway/store/sqlite/journal.hpp"

namespace eaeu::store {

struct CopiedTable {
  std::string table;
  uint64_t rows = 0;
  std::string sha256;  // of the rows in order, the same on both sides
};

// Copies the SQLite journal (brought to the current schema first; no gateway may write it
// meanwhile: the copy holds its write lock) into an empty PostgreSQL journal. Refused when the
// target holds a message already. Nothing is committed on the target unless every table checks.
Result<std::vector<CopiedTable>> CopySqliteToPostgres(const SqliteJournalOptions& from,
                                                      const PostgresJournalOptions& to);

}  // namespace eaeu::store
