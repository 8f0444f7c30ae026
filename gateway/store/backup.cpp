#include "gateway/store/backup.hpp"

#include "gateway/store/audit.hpp"
#include "gateway/store/sql/driver.hpp"
#include "gateway/store/sqlite/detail/connection.hpp"

namespace eaeu::store {

namespace {

Status Check(const std::filesystem::path& copy, BackupResult& result) {
  {
    auto db = sqlite::Connection::Open(copy);
    if (!db) return db.error();
    sql::Statement integrity(**db, "PRAGMA integrity_check");
    if (integrity.Step() != sql::kRow) return (*db)->LastError("the copy's integrity check");
    if (integrity.Text(0) != "ok") {
      return MakeError("journal.backup", copy.string(),
                       "the copy fails SQLite's integrity check: " + integrity.Text(0));
    }
    sql::Statement messages(**db, "SELECT COUNT(*) FROM messages");
    if (messages.Step() != sql::kRow) return (*db)->LastError("the copy's messages");
    result.messages = static_cast<uint64_t>(messages.Int(0));
  }
  JournalSettings settings;
  settings.file = copy;
  auto audit = VerifyAudit(settings, {});
  if (!audit) return audit.error();
  if (audit->broken_at) {
    return MakeError("journal.backup", copy.string(),
                     "the audit chain of the copy is broken at entry " +
                         std::to_string(*audit->broken_at) + ": " + audit->reason);
  }
  result.audit_entries = audit->entries;
  result.audit_head = audit->head;
  return Ok{};
}

}  // namespace

Result<BackupResult> BackupSqlite(const std::filesystem::path& journal,
                                  const std::filesystem::path& to) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(journal, ec)) {
    return MakeError("file.open", journal.string(), "no journal file here");
  }
  if (std::filesystem::exists(to, ec)) {
    return MakeError("journal.backup", to.string(), "exists already: a backup is not written over");
  }
  const auto partial = to.parent_path() / ("." + to.filename().string() + ".partial");
  std::filesystem::remove(partial, ec);
  {
    auto db = sqlite::Connection::Open(journal);
    if (!db) return db.error();
    sql::Statement vacuum(**db, "VACUUM INTO ?");
    vacuum.Bind(1, partial.string());
    if (vacuum.Step() != sql::kDone) {
      Error e = (*db)->LastError("the copy into " + partial.string());
      std::filesystem::remove(partial, ec);
      return e;
    }
  }
  BackupResult result;
  if (auto st = Check(partial, result); !st) {
    std::filesystem::remove(partial, ec);
    return st.error();
  }
  // The copy opened in WAL mode: its own write-ahead files go before it is renamed.
  for (const char* suffix : {"-wal", "-shm"}) {
    std::filesystem::remove(partial.string() + suffix, ec);
  }
  std::filesystem::rename(partial, to, ec);
  if (ec) return MakeError("file.write", to.string(), ec.message());
  result.bytes = std::filesystem::file_size(to, ec);
  return result;
}

}  // namespace eaeu::store
