// The journal's deadline store: tracked deadlines, their moves and counts.
#include "gateway/store/sql/detail/shared.hpp"

namespace eaeu::store {

void SqlJournal::TrackDeadlinesAsync(std::vector<TrackedDeadline> deadlines, TimePoint at,
                                     JournalCallback<Ok> done) {
  auto apply = [deadlines = std::move(deadlines), at](Connection& db) -> Status {
    for (const TrackedDeadline& d : deadlines) {
      Statement insert(db, std::string("INSERT INTO deadlines (") + kDeadlineColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                               "ON CONFLICT DO NOTHING");
      insert.Bind(1, d.id)
          .Bind(2, d.message_id)
          .Bind(3, d.rule)
          .Bind(4, d.subject)
          .Bind(5, d.country)
          .Bind(6, d.event)
          .Bind(7, d.due)
          .Bind(8, d.opens)
          .Bind(9, d.basis)
          .Bind(10, d.source)
          .Bind(11, d.state)
          .Bind(12, d.met_on)
          .Bind(13, static_cast<int64_t>(d.days_late))
          .Bind(14, Micros(at))
          .Bind(15, d.about)
          .Bind(16, d.planned)
          .Bind(17, d.origin);
      if (insert.Step() != kDone) return SqlError(db, "track deadline " + d.id);
      if (db.Changes() == 0) continue;  // tracked already
      if (auto st = AddDeadlineEvent(db, d.id, d.state, at, "due " + d.due + " (" + d.basis + ")");
          !st) {
        return st;
      }
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

void SqlJournal::UpdateDeadlineAsync(DeadlineChange change, TimePoint at,
                                     JournalCallback<Ok> done) {
  auto apply = [c = std::move(change), at](Connection& db) -> Status {
    Statement u(db,
                "UPDATE deadlines SET state = ?1, met_on = ?2, days_late = ?3, updated_at = ?4, "
                "due = COALESCE(NULLIF(?6, ''), due), basis = COALESCE(NULLIF(?7, ''), basis), "
                "planned = COALESCE(?8, planned), origin = COALESCE(?9, origin) "
                "WHERE id = ?5");
    u.Bind(1, c.state)
        .Bind(2, c.met_on)
        .Bind(3, static_cast<int64_t>(c.days_late))
        .Bind(4, Micros(at))
        .Bind(5, c.id)
        .Bind(6, c.due)
        .Bind(7, c.basis);
    if (c.planned) {
      u.Bind(8, *c.planned);
    } else {
      u.BindNull(8);
    }
    if (c.origin) {
      u.Bind(9, *c.origin);
    } else {
      u.BindNull(9);
    }
    if (u.Step() != kDone) return SqlError(db, "update deadline " + c.id);
    if (db.Changes() != 1) {
      return MakeError("journal.unknown", c.id, "no such deadline");
    }
    return AddDeadlineEvent(db, c.id, c.state, at, c.detail, c.actor);
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::vector<TrackedDeadline>> SqlJournal::Deadlines(const DeadlineFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kDeadlineColumns + " FROM deadlines WHERE id > ?1";
  if (!filter.any_state.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < filter.any_state.size(); ++i) {
      sql += (i == 0 ? "?" : ", ?") + std::to_string(10 + i);
    }
    sql += ")";
  }
  if (filter.rule) sql += " AND rule = ?2";
  if (filter.country) sql += " AND country = ?3";
  if (filter.message_id) sql += " AND message_id = ?4";
  if (filter.id) sql += " AND id = ?6";
  if (filter.about) sql += " AND about = ?7";
  if (filter.event_before) sql += " AND event < ?8";
  sql += " ORDER BY id LIMIT ?5";
  Statement q(db, sql.c_str());
  if (!q.ok()) return SqlError(db, "deadlines");
  q.Bind(1, filter.after_id).Bind(5, static_cast<int64_t>(filter.limit));
  for (size_t i = 0; i < filter.any_state.size(); ++i) {
    q.Bind(10 + static_cast<int>(i), filter.any_state[i]);
  }
  if (filter.rule) q.Bind(2, *filter.rule);
  if (filter.country) q.Bind(3, *filter.country);
  if (filter.message_id) q.Bind(4, *filter.message_id);
  if (filter.id) q.Bind(6, *filter.id);
  if (filter.about) q.Bind(7, *filter.about);
  if (filter.event_before) q.Bind(8, *filter.event_before);
  return q.All([](Statement& row) { return DeadlineOf(row, 0); }, "deadlines");
}

Result<std::vector<DeadlineEvent>> SqlJournal::DeadlineHistory(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT state, at, detail, actor FROM deadline_events WHERE deadline_id = ? ORDER BY "
              "seq");
  q.Bind(1, id);
  std::vector<DeadlineEvent> out;
  Stepped rc;
  while ((rc = q.Step()) == kRow) {
    out.push_back({q.Text(0), FromMicros(q.Int(1)), q.Text(2), q.Text(3)});
  }
  if (rc != kDone) return SqlError(db, "deadline history");
  return out;
}

Result<std::map<std::pair<std::string, std::string>, uint64_t>> SqlJournal::DeadlineCounts() {
  auto reader = impl_->readers->Acquire();
  Statement q(*reader, "SELECT state, rule, COUNT(*) FROM deadlines GROUP BY state, rule");
  std::map<std::pair<std::string, std::string>, uint64_t> out;
  Stepped rc;
  while ((rc = q.Step()) == kRow) out[{q.Text(0), q.Text(1)}] = static_cast<uint64_t>(q.Int(2));
  if (rc != kDone) return SqlError(*reader, "deadline counts");
  return out;
}

}  // namespace eaeu::store
