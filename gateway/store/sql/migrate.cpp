#include "gateway/store/sql/migrate.hpp"

namespace eaeu::store::sql {

Status Migrate(Connection& db, const std::vector<const char*>& migrations, int target,
               const std::string& where) {
  if (auto st = db.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      !st) {
    return st;
  }
  int version = 0;
  {
    Statement q(db, "SELECT version FROM schema_version");
    if (!q.ok()) return db.LastError("schema_version");
    if (q.Step() == kRow) version = static_cast<int>(q.Int(0));
  }
  const int current = static_cast<int>(migrations.size());
  if (version > current) {
    return MakeError("journal.version", where,
                     "the journal has schema version " + std::to_string(version) +
                         ", written by a newer gateway; this one knows up to " +
                         std::to_string(current));
  }
  const int last = target > 0 && target < current ? target : current;
  for (int v = version; v < last; ++v) {
    if (auto st = db.BeginWrite(); !st) return st;
    Status step = db.Exec(migrations[static_cast<size_t>(v)]);
    if (step) step = db.Exec("DELETE FROM schema_version");
    if (step) {
      Statement u(db, "INSERT INTO schema_version VALUES (?)");
      u.Bind(1, static_cast<int64_t>(v + 1));
      if (u.Step() != kDone) step = db.LastError("schema_version");
    }
    if (!step) {
      (void)db.Exec("ROLLBACK");
      return MakeError(
          "journal.migration", where,
          "migration to version " + std::to_string(v + 1) + " failed: " + step.error().message);
    }
    if (auto st = db.Exec("COMMIT"); !st) return st;
  }
  return Ok{};
}

}  // namespace eaeu::store::sql
