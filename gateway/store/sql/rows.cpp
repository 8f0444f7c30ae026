#include "gateway/store/sql/detail/shared.hpp"

#include <spdlog/spdlog.h>

namespace eaeu::store::sql {

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TimePoint FromMicros(int64_t v) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(v)));
}

Status ApplyGuarded(const std::function<Status(Connection&)>& apply, Connection& db) {
  try {
    return apply(db);
  } catch (const std::exception& e) {
    return MakeError("journal.exception", "", std::string("the change failed: ") + e.what());
  } catch (...) {
    return MakeError("journal.exception", "", "the change failed");
  }
}

void CallGuarded(std::string_view what, const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& e) {
    spdlog::error("journal: {} failed and was dropped: {}", what, e.what());
  } catch (...) {
    spdlog::error("journal: {} failed and was dropped", what);
  }
}

std::string DedupKey(const NewMessage& m) {
  if (m.state == MessageState::kRejected || m.e_doc_id.empty()) return {};
  std::string key(DirectionName(m.direction));
  for (const std::string* part : {&m.sender_country, &m.sender_participant, &m.e_doc_id}) {
    key += '\x1f';
    key += *part;
  }
  return key;
}

// " AND <column> IN ('queued', ...)" for a list of states (state names are fixed words, safe to
// write into the SQL); empty for no states.
std::string StateIn(std::string_view column, const std::vector<MessageState>& states) {
  if (states.empty()) return {};
  std::string sql = " AND " + std::string(column) + " IN (";
  for (size_t i = 0; i < states.size(); ++i) {
    sql += (i == 0 ? "'" : ", '") + std::string(StateName(states[i])) + "'";
  }
  return sql + ")";
}

MessageSummary ReadSummary(const Statement& q) {
  MessageSummary s;
  s.id = q.Text(0);
  s.direction = q.Text(1) == "inbound" ? Direction::kInbound : Direction::kOutbound;
  s.sender_country = q.Text(2);
  s.sender_participant = q.Text(3);
  s.kind = q.Text(4);
  s.e_doc_id = q.Text(5);
  s.state = StateFromName(q.Text(6)).value_or(MessageState::kReceived);
  s.created_at = FromMicros(q.Int(7));
  s.updated_at = FromMicros(q.Int(8));
  return s;
}

std::vector<std::string*> DiagnosticsFields(Diagnostics& d) {
  return {&d.process_code,
          &d.process_version,
          &d.procedure_code,
          &d.transaction_code,
          &d.message_code,
          &d.action,
          &d.to,
          &d.reply_to,
          &d.from,
          &d.fault_to,
          &d.message_id,
          &d.relates_to,
          &d.conversation_id,
          &d.message_type,
          &d.track_id,
          &d.accept_time,
          &d.status,
          &d.error_code,
          &d.error_text};
}

Status Held(Connection& db, const std::string& id) {
  return db.cluster != nullptr ? db.cluster->Check(db, id) : Status(Ok{});
}

// Moves message `id` to `to` inside the current transaction.
Status ApplyTransition(Connection& db, const std::string& id, MessageState to,
                       const std::string& detail, TimePoint at, const TransitionData& data) {
  Statement q(db,
              "SELECT state, (SELECT MAX(seq) FROM message_events WHERE message_id = ?1), "
              "direction FROM messages WHERE id = ?1");
  q.Bind(1, id);
  if (q.Step() != kRow) return MakeError("journal.unknown", id, "no such message");
  const auto from = StateFromName(q.Text(0)).value_or(MessageState::kReceived);
  const int64_t seq = q.Int(1) + 1;
  // A received document handed over has no work left either.
  const bool finished = !IsUnfinished(to) || (q.Text(2) == DirectionName(Direction::kInbound) &&
                                              to == MessageState::kDelivered);
  if (!IsAllowed(from, to)) {
    return MakeError("journal.transition", id,
                     "a message cannot go from " + std::string(StateName(from)) + " to " +
                         std::string(StateName(to)));
  }
  std::string sql = "UPDATE messages SET state = ?, updated_at = ?";
  if (to == MessageState::kRejected) sql += ", dedup_key = NULL";
  if (data.signature_verdict) sql += ", signature_verdict = ?4";
  if (data.diagnostics) {
    int index = 5;
    for (const char* column : kDiagnosticsColumns) {
      sql += std::string(", ") + column + " = ?" + std::to_string(index++);
    }
  }
  // Parameters: 1 state, 2 time, (3 unused), 4 verdict, then the diagnostics, then the id.
  const int id_index = 5 + static_cast<int>(std::size(kDiagnosticsColumns));
  sql += " WHERE id = ?" + std::to_string(id_index);
  Statement u(db, sql.c_str());
  if (!u.ok()) return SqlError(db, "update " + id);
  u.Bind(1, StateName(to)).Bind(2, Micros(at)).Bind(id_index, id);
  if (data.signature_verdict) u.Bind(4, *data.signature_verdict);
  if (data.diagnostics) {
    int index = 5;
    Diagnostics d = *data.diagnostics;
    for (const std::string* field : DiagnosticsFields(d)) u.Bind(index++, *field);
  }
  if (u.Step() != kDone) return SqlError(db, "update " + id);
  Statement event(db, "INSERT INTO message_events VALUES (?, ?, ?, ?, ?)");
  event.Bind(1, id).Bind(2, seq).Bind(3, StateName(to)).Bind(4, Micros(at)).Bind(5, detail);
  if (event.Step() != kDone) return SqlError(db, "insert event " + id);
  AuditRecord audit;
  audit.Add("from", StateName(from)).Add("state", StateName(to)).Add("detail", detail);
  if (data.signature_verdict) audit.Add("signature_verdict", *data.signature_verdict);
  if (data.diagnostics) audit.Add(*data.diagnostics);
  if (auto st = AppendAudit(db, at, StateName(to), id, audit); !st) return st;
  if (db.cluster != nullptr && finished) db.cluster->Finished(id);
  return Ok{};
}

// What a received message brings besides its payload (NewMessage).
Status WriteReceivedFields(Connection& db, const NewMessage& m) {
  std::string sql = "UPDATE messages SET signature_verdict = ?1, answer = ?2";
  int index = 3;
  for (const char* column : kDiagnosticsColumns) {
    sql += std::string(", ") + column + " = ?" + std::to_string(index++);
  }
  sql += " WHERE id = ?" + std::to_string(index);
  Statement u(db, sql.c_str());
  if (!u.ok()) return SqlError(db, "update " + m.id);
  u.Bind(1, m.signature_verdict).BindBlob(2, m.answer).Bind(index, m.id);
  Diagnostics d = m.diagnostics.value_or(Diagnostics{});
  int column = 3;
  for (const std::string* field : DiagnosticsFields(d)) u.Bind(column++, *field);
  if (u.Step() != kDone) return SqlError(db, "update " + m.id);
  return Ok{};
}

Delivery ReadDelivery(const Statement& q) {
  Delivery d;
  d.message_id = q.Text(0);
  d.destination = q.Text(1);
  d.state = StateFromName(q.Text(2)).value_or(MessageState::kQueued);
  d.sends = static_cast<uint32_t>(q.Int(3));
  d.failures = static_cast<uint32_t>(q.Int(4));
  if (!q.IsNull(5)) d.due = FromMicros(q.Int(5));
  d.wire_id = q.Text(6);
  d.conversation_id = q.Text(7);
  d.error = q.Text(8);
  d.updated_at = FromMicros(q.Int(9));
  return d;
}

// Writes a delivery's row (insert or replace) inside the current transaction.
Status WriteDelivery(Connection& db, const Delivery& d, bool insert) {
  Statement w(db, insert ? "INSERT INTO deliveries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                         : "UPDATE deliveries SET state = ?3, sends = ?4, failures = ?5, due = ?6, "
                           "wire_id = ?7, conversation_id = ?8, error = ?9, updated_at = ?10 "
                           "WHERE message_id = ?1 AND destination = ?2");
  w.Bind(1, d.message_id)
      .Bind(2, d.destination)
      .Bind(3, StateName(d.state))
      .Bind(4, static_cast<int64_t>(d.sends))
      .Bind(5, static_cast<int64_t>(d.failures));
  if (d.due) {
    w.Bind(6, Micros(*d.due));
  } else {
    w.BindNull(6);
  }
  w.Bind(7, d.wire_id).Bind(8, d.conversation_id).Bind(9, d.error).Bind(10, Micros(d.updated_at));
  if (w.Step() != kDone) return SqlError(db, "write delivery " + d.message_id);
  if (!insert && db.Changes() != 1) {
    return MakeError("journal.unknown", d.message_id + " " + d.destination, "no such delivery");
  }
  return Ok{};
}

Status AddDeliveryEvent(Connection& db, const Delivery& d, TimePoint at,
                        const std::string& detail) {
  Statement e(db,
              "INSERT INTO delivery_events VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM "
              "delivery_events WHERE message_id = ?1), ?2, ?3, ?4, ?5, ?6)");
  e.Bind(1, d.message_id)
      .Bind(2, d.destination)
      .Bind(3, StateName(d.state))
      .Bind(4, Micros(at))
      .Bind(5, d.wire_id)
      .Bind(6, detail);
  if (e.Step() != kDone) return SqlError(db, "delivery event " + d.message_id);
  AuditRecord audit;
  audit.Add("to_address", d.destination)
      .Add("state", StateName(d.state))
      .Add("detail", detail)
      .Add("wsa_message_id", d.wire_id)
      .Add("conversation_id", d.conversation_id)
      .Add("sends", static_cast<int64_t>(d.sends));
  if (auto st =
          AppendAudit(db, at, "delivery " + std::string(StateName(d.state)), d.message_id, audit);
      !st) {
    return st;
  }
  if (d.wire_id.empty()) return Ok{};
  Statement send(db, "INSERT INTO delivery_sends VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  send.Bind(1, d.wire_id).Bind(2, d.message_id).Bind(3, d.destination);
  if (send.Step() != kDone) return SqlError(db, "delivery send " + d.message_id);
  return Ok{};
}

TrackedDeadline DeadlineOf(Statement& q, int at) {
  TrackedDeadline d;
  d.id = q.Text(at + 0);
  d.message_id = q.Text(at + 1);
  d.rule = q.Text(at + 2);
  d.subject = q.Text(at + 3);
  d.country = q.Text(at + 4);
  d.event = q.Text(at + 5);
  d.due = q.Text(at + 6);
  d.opens = q.Text(at + 7);
  d.basis = q.Text(at + 8);
  d.source = q.Text(at + 9);
  d.state = q.Text(at + 10);
  d.met_on = q.Text(at + 11);
  d.days_late = static_cast<int>(q.Int(at + 12));
  d.updated_at = FromMicros(q.Int(at + 13));
  d.about = q.Text(at + 14);
  d.planned = q.Text(at + 15);
  d.origin = q.Text(at + 16);
  return d;
}

Status AddDeadlineEvent(Connection& db, const std::string& id, const std::string& state,
                        TimePoint at, const std::string& detail, const std::string& actor) {
  Statement e(
      db,
      "INSERT INTO deadline_events (deadline_id, seq, state, at, detail, actor) VALUES (?1, "
      "(SELECT COALESCE(MAX(seq), 0) + 1 FROM deadline_events WHERE deadline_id = ?1), ?2, "
      "?3, ?4, ?5)");
  e.Bind(1, id).Bind(2, state).Bind(3, Micros(at)).Bind(4, detail).Bind(5, actor);
  if (e.Step() != kDone) return SqlError(db, "deadline event " + id);
  AuditRecord audit;
  audit.Add("state", state).Add("detail", detail);
  if (!actor.empty()) audit.Add("actor", actor);
  return AppendAudit(db, at, "deadline " + state, id, audit);
}

}  // namespace eaeu::store::sql
