#pragma once
// The journal in PostgreSQL: the stores of sql/journal.hpp (group commit on one writer
// connection; reads on a pool of reader connections, each read on one snapshot) over a database
// that an operator runs and backs up, alone or shared by a cluster of gateways. Versioned
// migrations, applied at start under an advisory lock; a database of a newer schema is refused.

#include <chrono>
#include <memory>
#include <string>

#include "gateway/store/sql/journal.hpp"

namespace eaeu::store {

struct PostgresJournalOptions {
  std::string url;         // libpq's connection string or URL, TLS options included
  std::string password;    // empty: none, or libpq's own sources (~/.pgpass, PGPASSWORD)
  size_t max_batch = 512;  // changes per commit at most
  size_t readers = 4;      // reader connections
  int migrate_to = 0;      // the schema version to bring the database to; 0: the current
  // The gateway's name in its cluster (unique among the gateways of the database): several
  // gateways share the database, each fenced in what it holds (journal.hpp ClusterStore). Empty:
  // this journal writes the database alone, and another writer is refused (journal.busy).
  std::string instance;
  std::chrono::milliseconds lease{15'000};  // how long an instance that stops renewing holds on
};

class PostgresJournal {
 public:
  static Result<std::unique_ptr<SqlJournal>> Open(const PostgresJournalOptions& options);
  static int SchemaVersion();
};

}  // namespace eaeu::store
