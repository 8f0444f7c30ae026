#include "gateway/app/cli_journal.hpp"

#include <CLI/CLI.hpp>

#include <iomanip>
#include <ostream>

#include "gateway/app/cli.hpp"
#include "gateway/app/cli_common.hpp"
#include "gateway/config/daemon_config.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/store/backup.hpp"
#include "gateway/store/copy.hpp"

namespace eaeu::app {

JournalCommand AddJournalCommand(CLI::App& app, JournalCommand::Options& options) {
  JournalCommand j;
  j.options = &options;
  j.command = app.add_subcommand("journal", "The daemon's journal");
  j.command->require_subcommand(1);
  j.migrate = j.command->add_subcommand(
      "migrate",
      "Move a SQLite journal into an empty PostgreSQL database: every table copied in one "
      "transaction, then each table's row count and SHA-256 compared on both sides before it is "
      "committed. Stop the daemon first (the copy holds the file's write lock); then set "
      "[journal] backend = \"postgresql\"");
  j.migrate->add_option("--from", options.from, "The SQLite journal file")
      ->required()
      ->check(CLI::ExistingFile);
  j.migrate->add_option("--to", options.to, "The PostgreSQL URL (postgresql://user@host/db?...)")
      ->required();
  auto* file = j.migrate->add_option("--password-file", options.password_file,
                                     "The database password: the first line of this file");
  j.migrate
      ->add_option("--password-env", options.password_env,
                   "The database password: this environment variable")
      ->excludes(file);
  j.backup = j.command->add_subcommand(
      "backup",
      "Copy the SQLite journal the daemon's configuration names, while the daemon runs (one read "
      "snapshot; the daemon is not held up), then check the copy: SQLite's integrity check, its "
      "messages counted, its audit chain verified");
  j.backup->add_option("--config", options.config, "The daemon's configuration file")
      ->required()
      ->check(CLI::ExistingFile);
  j.backup->add_option("--to", options.backup_to, "The copy's file (must not exist)")->required();
  return j;
}

namespace {

int RunBackup(const JournalCommand::Options& o, std::ostream& out, std::ostream& err) {
  auto config = config::LoadDaemonConfig(o.config);
  if (!config) return Fail(err, config.error());
  if (config->journal.backend != "sqlite") {
    return Fail(err, MakeError("journal.backup", "[journal] backend",
                               "a PostgreSQL journal is backed up with the database's own tools "
                               "(pg_dump --format=custom, or a base backup with WAL archiving); "
                               "see the README's Operations"));
  }
  auto done = store::BackupSqlite(config->journal.file, o.backup_to);
  if (!done) return Fail(err, done.error());
  out << "journal backed up to " << o.backup_to << " (" << done->bytes
      << " bytes): " << done->messages << " messages, audit chain whole: " << done->audit_entries
      << " entries, head " << done->audit_head << "\n";
  return kExitOk;
}

}  // namespace

int RunJournal(const JournalCommand& journal, std::ostream& out, std::ostream& err) {
  const auto& o = *journal.options;
  if (journal.backup->parsed()) return RunBackup(o, out, err);
  store::SqliteJournalOptions from;
  from.file = o.from;
  store::PostgresJournalOptions to;
  to.url = o.to;
  if (!o.password_file.empty() || !o.password_env.empty()) {
    auto password = sign::ReadPassword({o.password_file, o.password_env});
    if (!password) return Fail(err, password.error());
    to.password = password->value_or("");
  }
  auto copied = store::CopySqliteToPostgres(from, to);
  if (!copied) return Fail(err, copied.error());
  uint64_t rows = 0;
  out << "journal moved into PostgreSQL, every table checked:\n";
  for (const auto& t : *copied) {
    out << "  " << std::left << std::setw(22) << t.table << std::right << std::setw(9) << t.rows
        << " rows  sha256 " << t.sha256 << "\n";
    rows += t.rows;
  }
  out << rows << " rows in " << copied->size() << " tables; set [journal] backend = \"postgresql\""
      << " and url, then start the daemon\n";
  return kExitOk;
}

}  // namespace eaeu::app
