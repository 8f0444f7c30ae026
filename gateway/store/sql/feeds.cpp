// The journal's feeds of changes readers follow, and their cursors.
#include "gateway/store/sql/detail/shared.hpp"

namespace eaeu::store {

Result<std::vector<MessageEvent>> SqlJournal::Events(const EventFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  // The events' rowids rise with every commit (one writer; rows are never deleted).
  std::string sql =
      "SELECT m.id, m.direction, m.sender_country, m.sender_participant, m.kind, m.e_doc_id, "
      "m.state, m.created_at, m.updated_at, e.rowid, e.state, e.at, e.detail "
      "FROM message_events e JOIN messages m ON m.id = e.message_id WHERE e.rowid > ?1";
  if (filter.direction) sql += " AND m.direction = ?2";
  sql += StateIn("e.state", filter.states);
  sql += " ORDER BY e.rowid LIMIT ?3";
  Statement q(db, sql.c_str());
  if (!q.ok()) return SqlError(db, "events");
  q.Bind(1, static_cast<int64_t>(filter.after)).Bind(3, static_cast<int64_t>(filter.limit));
  if (filter.direction) q.Bind(2, DirectionName(*filter.direction));
  std::vector<MessageEvent> out;
  Stepped rc;
  while ((rc = q.Step()) == kRow) {
    MessageEvent e;
    e.message = ReadSummary(q);
    e.position = static_cast<uint64_t>(q.Int(9));
    e.state = StateFromName(q.Text(10)).value_or(MessageState::kReceived);
    e.at = FromMicros(q.Int(11));
    e.detail = q.Text(12);
    out.push_back(std::move(e));
  }
  if (rc != kDone) return SqlError(db, "events");
  return out;
}

Result<uint64_t> SqlJournal::LastEventPosition() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, "SELECT COALESCE(MAX(rowid), 0) FROM message_events");
  if (q.Step() != kRow) return SqlError(db, "last event");
  return static_cast<uint64_t>(q.Int(0));
}

Result<std::optional<uint64_t>> SqlJournal::Cursor(std::string_view name) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, "SELECT position FROM cursors WHERE name = ?");
  q.Bind(1, name);
  const Stepped rc = q.Step();
  if (rc == kRow) return std::optional<uint64_t>(static_cast<uint64_t>(q.Int(0)));
  if (rc != kDone) return SqlError(db, "cursor " + std::string(name));
  return std::optional<uint64_t>();
}

void SqlJournal::SaveCursorAsync(std::string name, uint64_t position, JournalCallback<Ok> done) {
  auto apply = [name = std::move(name), position](Connection& db) -> Status {
    // The readers that keep cursors run on the cluster's leader only.
    if (db.cluster != nullptr) {
      if (auto leads = db.cluster->CheckLeader(db); !leads) return leads;
    }
    Statement q(db,
                "INSERT INTO cursors VALUES (?1, ?2) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position");
    q.Bind(1, name).Bind(2, static_cast<int64_t>(position));
    if (q.Step() != kDone) return SqlError(db, "cursor " + name);
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::vector<DeadlineMove>> SqlJournal::DeadlineMoves(const DeadlineMoveFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT e.rowid, e.state, e.at, e.detail, e.actor, ") +
                    kDeadlineColumnsOfD +
                    " FROM deadline_events e JOIN deadlines d ON d.id = e.deadline_id "
                    "WHERE e.rowid > ?1";
  if (!filter.states.empty()) {
    sql += " AND e.state IN (";
    for (size_t i = 0; i < filter.states.size(); ++i) {
      sql += (i == 0 ? "?" : ", ?") + std::to_string(10 + i);
    }
    sql += ")";
  }
  sql += " ORDER BY e.rowid LIMIT ?2";
  Statement q(db, sql.c_str());
  if (!q.ok()) return SqlError(db, "deadline moves");
  q.Bind(1, static_cast<int64_t>(filter.after)).Bind(2, static_cast<int64_t>(filter.limit));
  for (size_t i = 0; i < filter.states.size(); ++i) {
    q.Bind(10 + static_cast<int>(i), filter.states[i]);
  }
  std::vector<DeadlineMove> out;
  Stepped rc;
  while ((rc = q.Step()) == kRow) {
    DeadlineMove m;
    m.position = static_cast<uint64_t>(q.Int(0));
    m.state = q.Text(1);
    m.at = FromMicros(q.Int(2));
    m.detail = q.Text(3);
    m.actor = q.Text(4);
    m.deadline = DeadlineOf(q, 5);
    out.push_back(std::move(m));
  }
  if (rc != kDone) return SqlError(db, "deadline moves");
  return out;
}

Result<uint64_t> SqlJournal::LastDeadlineMove() {
  auto reader = impl_->readers->Acquire();
  Statement q(*reader, "SELECT COALESCE(MAX(rowid), 0) FROM deadline_events");
  if (q.Step() != kRow) return SqlError(*reader, "deadline moves");
  return static_cast<uint64_t>(q.Int(0));
}

}  // namespace eaeu::store
