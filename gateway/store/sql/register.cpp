// The journal's register store: the versions of the register's records, and the syncs that
// planned them.
#include "gateway/store/sql/detail/shared.hpp"

#include <cstdint>

namespace eaeu::store {

namespace {

constexpr const char* kVersionColumns =
    "v.id, v.direction, v.country, v.record_key, v.name, v.change, v.change_day, v.digest, "
    "v.record, v.groups, v.message_id, v.sync_id, v.at, m.state, m.updated_at";

// Every version with its message's state.
constexpr const char* kVersionsJoined =
    " FROM register_versions v JOIN messages m ON m.id = v.message_id ";

// The latest version of a record whose message was not refused: the record as it stands.
constexpr const char* kStandingVersion =
    "(SELECT max(w.id) FROM register_versions w JOIN messages n ON n.id = w.message_id "
    "WHERE w.direction = v.direction AND w.record_key = v.record_key AND n.state != 'rejected')";

RegisterVersion ReadVersion(const Statement& q) {
  RegisterVersion v;
  v.id = static_cast<uint64_t>(q.Int(0));
  v.direction = q.Text(1) == "inbound" ? Direction::kInbound : Direction::kOutbound;
  v.country = q.Text(2);
  v.key = q.Text(3);
  v.name = q.Text(4);
  v.change = RegisterChangeFromName(q.Text(5)).value_or(RegisterChange::kChanged);
  v.change_day = q.Text(6);
  v.digest = q.Text(7);
  v.record = q.Text(8);
  v.groups = q.Text(9);
  v.message_id = q.Text(10);
  v.sync_id = q.Text(11);
  v.at = FromMicros(q.Int(12));
  v.state = StateFromName(q.Text(13)).value_or(MessageState::kReceived);
  v.state_at = FromMicros(q.Int(14));
  return v;
}

Status InsertVersion(Connection& db, const RegisterVersion& v) {
  Statement insert(db,
                   "INSERT INTO register_versions (direction, country, record_key, name, change, "
                   "change_day, digest, record, groups, message_id, sync_id, at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.Bind(1, DirectionName(v.direction))
      .Bind(2, v.country)
      .Bind(3, v.key)
      .Bind(4, v.name)
      .Bind(5, RegisterChangeName(v.change))
      .Bind(6, v.change_day)
      .Bind(7, v.digest)
      .Bind(8, v.record)
      .Bind(9, v.groups)
      .Bind(10, v.message_id)
      .Bind(11, v.sync_id)
      .Bind(12, Micros(v.at));
  if (insert.Step() != kDone) return SqlError(db, "insert register version of " + v.key);
  return Ok{};
}

// The id of the record's standing version (0: not in the register).
Result<uint64_t> StandingVersion(Connection& db, Direction direction, const std::string& key) {
  Statement q(db,
              "SELECT max(w.id) FROM register_versions w JOIN messages n ON n.id = w.message_id "
              "WHERE w.direction = ? AND w.record_key = ? AND n.state != 'rejected'");
  q.Bind(1, DirectionName(direction)).Bind(2, key);
  if (q.Step() != kRow) return SqlError(db, "register version of " + key);
  return q.IsNull(0) ? 0 : static_cast<uint64_t>(q.Int(0));
}

}  // namespace

void SqlJournal::PlanSyncAsync(RegisterSync sync, JournalCallback<Ok> done) {
  auto apply = [sync = std::move(sync)](Connection& db) -> Status {
    for (const PlannedSend& send : sync.sends) {
      auto standing = StandingVersion(db, send.version.direction, send.version.key);
      if (!standing) return standing.error();
      if (*standing != send.base) {
        return MakeError("registry.conflict", send.version.key,
                         "the record changed in the register since the sync read it");
      }
      AcceptOutcome outcome;
      if (auto st = InsertMessage(db, send.message, DedupKey(send.message), outcome); !st) {
        return st;
      }
      if (outcome.duplicate) {
        return MakeError("journal.duplicate-id", send.message.e_doc_id,
                         "a message with this EDocId was accepted before");
      }
      RegisterVersion version = send.version;
      version.sync_id = sync.id;
      if (auto st = InsertVersion(db, version); !st) return st;
    }
    Statement insert(db,
                     "INSERT INTO register_syncs (id, country, source, at, added, changed, "
                     "withdrawn, unchanged, invalid, sends, outcome, detail) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.Bind(1, sync.id)
        .Bind(2, sync.country)
        .Bind(3, sync.source)
        .Bind(4, Micros(sync.at))
        .Bind(5, int64_t{sync.added})
        .Bind(6, int64_t{sync.changed})
        .Bind(7, int64_t{sync.withdrawn})
        .Bind(8, int64_t{sync.unchanged})
        .Bind(9, int64_t{sync.invalid})
        .Bind(10, static_cast<int64_t>(sync.sends.size()))
        .Bind(11, sync.outcome)
        .Bind(12, sync.detail);
    if (insert.Step() != kDone) return SqlError(db, "insert sync " + sync.id);
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::vector<SyncRecord>> SqlJournal::Syncs(uint64_t after, uint32_t limit) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT rowid, id, country, source, at, added, changed, withdrawn, unchanged, "
              "invalid, sends, outcome, detail FROM register_syncs WHERE rowid > ? "
              "ORDER BY rowid LIMIT ?");
  q.Bind(1, static_cast<int64_t>(after)).Bind(2, int64_t{limit});
  return q.All(
      [](const Statement& r) {
        SyncRecord s;
        s.position = static_cast<uint64_t>(r.Int(0));
        s.sync.id = r.Text(1);
        s.sync.country = r.Text(2);
        s.sync.source = r.Text(3);
        s.sync.at = FromMicros(r.Int(4));
        s.sync.added = static_cast<uint32_t>(r.Int(5));
        s.sync.changed = static_cast<uint32_t>(r.Int(6));
        s.sync.withdrawn = static_cast<uint32_t>(r.Int(7));
        s.sync.unchanged = static_cast<uint32_t>(r.Int(8));
        s.sync.invalid = static_cast<uint32_t>(r.Int(9));
        s.sends = static_cast<uint32_t>(r.Int(10));
        s.sync.outcome = r.Text(11);
        s.sync.detail = r.Text(12);
        return s;
      },
      "register syncs");
}

Result<uint64_t> SqlJournal::LastSyncPosition() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, "SELECT coalesce(max(rowid), 0) FROM register_syncs");
  if (q.Step() != kRow) return SqlError(db, "register syncs");
  return static_cast<uint64_t>(q.Int(0));
}

Result<std::vector<RegisterVersion>> SqlJournal::RegisterRecords(const RegisterFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kVersionColumns + kVersionsJoined +
                    "WHERE v.direction = ?1 AND v.record_key > ?2 AND v.id = " + kStandingVersion;
  if (filter.country) sql += " AND v.country = ?3";
  if (filter.group) sql += " AND v.groups LIKE '%|' || ?4 || '|%'";
  if (filter.active)
    sql += *filter.active ? " AND v.change != 'withdrawn'" : " AND v.change = 'withdrawn'";
  sql += " ORDER BY v.record_key LIMIT ?5";
  Statement q(db, sql);
  if (!q.ok()) return SqlError(db, "register records");
  q.Bind(1, DirectionName(filter.direction)).Bind(2, filter.after_key);
  if (filter.country) q.Bind(3, *filter.country);
  if (filter.group) q.Bind(4, *filter.group);
  // No limit: as many as a signed 64-bit count holds (both databases take that; not all take -1).
  q.Bind(5, filter.limit == 0 ? INT64_MAX : int64_t{filter.limit});
  return q.All(ReadVersion, "register records");
}

Result<std::vector<RegisterVersion>> SqlJournal::RegisterHistory(Direction direction,
                                                                 std::string_view key) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, std::string("SELECT ") + kVersionColumns + kVersionsJoined +
                      "WHERE v.direction = ? AND v.record_key = ? ORDER BY v.id");
  q.Bind(1, DirectionName(direction)).Bind(2, key);
  return q.All(ReadVersion, "register history");
}

Result<std::optional<RegisterVersion>> SqlJournal::RegisterVersionOf(std::string_view message_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(
      db, std::string("SELECT ") + kVersionColumns + kVersionsJoined + "WHERE v.message_id = ?");
  q.Bind(1, message_id);
  const Stepped rc = q.Step();
  if (rc == kRow) return std::optional<RegisterVersion>(ReadVersion(q));
  if (rc != kDone) return SqlError(db, "register version of message");
  return std::optional<RegisterVersion>();
}

}  // namespace eaeu::store
