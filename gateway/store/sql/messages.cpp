// The journal's message store: taking in, moving, the outbound hand-off, reading and listing.
#include "gateway/store/sql/detail/shared.hpp"

namespace eaeu::store {

namespace sql {

// The signed form of a message from message_signatures' signature, signature_at and document,
// the columns from `col` on (NULL when the message was not handed off), around `xml`, the
// message's XML as the journal keeps it.
Result<SignedDocument> ReadSignedDocument(const Statement& q, int col,
                                          std::shared_ptr<const std::string> xml,
                                          std::string_view id) {
  SignedDocument out;
  if (q.IsNull(col + 2)) return out;
  if (q.IsNull(col + 1)) {
    out.xml = std::make_shared<const std::string>(q.Text(col + 2));
    out.whole = true;
    return out;
  }
  const int64_t at = q.Int(col + 1);
  if (at < 0 || !xml || static_cast<uint64_t>(at) > xml->size()) {
    return MakeError("journal.corrupt", std::string(id),
                     "the signature's place (byte " + std::to_string(at) +
                         ") lies outside the message's document");
  }
  out.xml = std::move(xml);
  out.signature = q.Text(col);
  out.at = static_cast<size_t>(at);
  return out;
}

// The message of an accepted EDocId (its dedup key), as a duplicate's outcome; false: none.
bool FindByKey(Connection& db, const std::string& key, AcceptOutcome& outcome) {
  Statement q(db, "SELECT id, state FROM messages WHERE dedup_key = ?");
  q.Bind(1, key);
  if (q.Step() != kRow) return false;
  outcome = {q.Text(0), StateFromName(q.Text(1)).value_or(MessageState::kReceived), true};
  return true;
}

Status InsertMessage(Connection& db, const NewMessage& m, const std::string& key,
                     AcceptOutcome& outcome) {
  if (!key.empty() && FindByKey(db, key, outcome)) return Ok{};
  // The unique key decides, not the look above: a writer of another gateway on the same database
  // may take the same EDocId between the two (PostgreSQL waits for it, then does nothing).
  Statement insert(db,
                   "INSERT INTO messages (id, direction, sender_country, sender_participant, "
                   "kind, e_doc_id, dedup_key, content_type, state, violations, created_at, "
                   "updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (dedup_key) DO NOTHING");
  const int64_t at = Micros(m.at);
  insert.Bind(1, m.id)
      .Bind(2, DirectionName(m.direction))
      .Bind(3, m.sender_country)
      .Bind(4, m.sender_participant)
      .Bind(5, m.kind)
      .Bind(6, m.e_doc_id);
  if (key.empty()) {
    insert.BindNull(7);
  } else {
    insert.Bind(7, key);
  }
  insert.Bind(8, m.content_type)
      .Bind(9, StateName(m.state))
      .Bind(10, m.violations)
      .Bind(11, at)
      .Bind(12, at);
  if (insert.Step() != kDone) {
    if (db.LastWasUniqueViolation()) {
      return MakeError("journal.duplicate-id", m.id, "a message with this id exists");
    }
    return SqlError(db, "insert message " + m.id);
  }
  if (db.Changes() == 0) {  // the key was taken meanwhile: that message answers
    if (FindByKey(db, key, outcome)) return Ok{};
    return MakeError("journal.conflict", m.id, "the message that took this EDocId is gone");
  }
  // The bytes apart, written once: the row's changes of state do not carry them.
  Statement document(db, "INSERT INTO message_documents VALUES (?, ?, ?)");
  document.Bind(1, m.id).BindBlob(2, m.payload).BindBlob(3, m.canonical_xml);
  if (document.Step() != kDone) return SqlError(db, "insert the document of " + m.id);
  if (m.diagnostics || !m.signature_verdict.empty() || !m.answer.empty()) {
    if (auto st = WriteReceivedFields(db, m); !st) return st;
  }
  if (m.state != MessageState::kRejected) {
    int seq = 0;
    for (const CertificateStatus& c : m.certificates) {
      Statement cert(db, "INSERT INTO certificate_statuses VALUES (?, ?, ?, ?, ?, ?)");
      cert.Bind(1, m.id)
          .Bind(2, static_cast<int64_t>(++seq))
          .Bind(3, c.country)
          .Bind(4, c.certificate)
          .Bind(5, c.status)
          .Bind(6, c.notice_date);
      if (cert.Step() != kDone) return SqlError(db, "certificate status of " + m.id);
    }
  }
  Statement event(db, "INSERT INTO message_events VALUES (?, 1, ?, ?, ?)");
  event.Bind(1, m.id).Bind(2, StateName(m.state)).Bind(3, at).Bind(4, std::string_view("taken in"));
  if (event.Step() != kDone) return SqlError(db, "insert event " + m.id);
  AuditRecord audit;
  audit.Add("direction", DirectionName(m.direction))
      .Add("kind", m.kind)
      .Add("e_doc_id", m.e_doc_id)
      .Add("sender",
           m.sender_country + (m.sender_participant.empty() ? "" : "/") + m.sender_participant)
      .Add("state", StateName(m.state))
      .Add("detail", "taken in");
  if (m.diagnostics) audit.Add(*m.diagnostics);
  const bool header_error = m.diagnostics && m.diagnostics->status == "header-error";
  if (auto st = AppendAudit(db, m.at,
                            header_error                         ? "header error"
                            : m.direction == Direction::kInbound ? "received"
                                                                 : "taken in",
                            m.id, audit);
      !st) {
    return st;
  }
  if (db.cluster != nullptr && IsUnfinished(m.state)) {
    if (auto held = db.cluster->Own(db, m.id); !held) return held;
  }
  outcome = {m.id, m.state, false};
  return Ok{};
}

}  // namespace sql

void SqlJournal::AcceptAsync(NewMessage message, JournalCallback<AcceptOutcome> done) {
  if (message.id.empty()) {
    done(MakeError("journal.argument", "id", "a message needs an id"));
    return;
  }
  struct State {
    NewMessage m;
    std::string key;
    AcceptOutcome outcome;
  };
  auto state = std::make_shared<State>();
  state->key = DedupKey(message);
  state->m = std::move(message);
  auto apply = [state](Connection& db) -> Status {
    return InsertMessage(db, state->m, state->key, state->outcome);
  };
  impl_->Submit(std::move(apply), [state, done = std::move(done)](Status status) {
    if (status) {
      done(std::move(state->outcome));
    } else {
      done(status.error());
    }
  });
}

void SqlJournal::TransitionAsync(std::string id, MessageState to, std::string detail, TimePoint at,
                                 TransitionData data, JournalCallback<Ok> done) {
  auto apply = [id = std::move(id), to, detail = std::move(detail), at,
                data = std::move(data)](Connection& db) -> Status {
    if (auto held = Held(db, id); !held) return held;
    return ApplyTransition(db, id, to, detail, at, data);
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::optional<CertificateStanding>> SqlJournal::CertificateStatusOf(
    std::string_view country, std::string_view certificate) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  // The latest notice by its date, then by the order the journal took the notices in.
  Statement q(db,
              "SELECT c.status, c.notice_date, c.message_id, m.direction FROM certificate_statuses "
              "c JOIN messages m ON m.id = c.message_id WHERE c.country = ? AND c.certificate = ? "
              "AND m.state != 'rejected' ORDER BY c.notice_date DESC, c.rowid DESC LIMIT 1");
  q.Bind(1, country).Bind(2, certificate);
  const Stepped rc = q.Step();
  if (rc == kDone) return std::optional<CertificateStanding>();
  if (rc != kRow) return SqlError(db, "certificate status");
  CertificateStanding out;
  out.latest = {std::string(country), std::string(certificate), q.Text(0), q.Text(1)};
  out.message_id = q.Text(2);
  out.direction = q.Text(3) == "inbound" ? Direction::kInbound : Direction::kOutbound;
  return std::optional<CertificateStanding>(std::move(out));
}

Result<std::optional<MessageRecord>> SqlJournal::Get(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  if (auto st = db.BeginSnapshot(); !st) return st.error();  // one snapshot for both queries
  std::string sql = std::string("SELECT ") + kSummaryColumns +
                    ", content_type, d.payload, d.canonical_xml, violations, signature_verdict, "
                    "answer, procedure_id, s.signature, s.signature_at, s.document";
  for (const char* column : kDiagnosticsColumns) sql += std::string(", ") + column;
  sql +=
      " FROM messages LEFT JOIN message_documents d ON d.message_id = id "
      "LEFT JOIN message_signatures s ON s.message_id = id WHERE id = ?";
  std::optional<MessageRecord> record;
  {
    Statement q(db, sql.c_str());
    q.Bind(1, id);
    if (q.Step() == kRow) {
      MessageRecord r;
      r.summary = ReadSummary(q);
      r.content_type = q.Text(9);
      r.payload = q.Text(10);
      r.canonical_xml = q.Text(11);
      r.violations = q.Text(12);
      r.signature_verdict = q.Text(13);
      r.answer = q.Text(14);
      r.procedure_id = q.Text(15);
      int col = 19;
      for (std::string* field : DiagnosticsFields(r.diagnostics)) *field = q.Text(col++);
      // The record's own XML, not a copy: a shared_ptr that owns nothing, for this call.
      const std::shared_ptr<const std::string> xml(std::shared_ptr<const std::string>(),
                                                   &r.CanonicalXml());
      auto document = ReadSignedDocument(q, 16, xml, id);
      if (!document) {
        (void)Exec(db, "COMMIT");
        return document.error();
      }
      r.signed_document = document->Joined();
      record = std::move(r);
    }
  }
  if (record) {
    Statement h(db,
                "SELECT state, at, detail FROM message_events WHERE message_id = ? ORDER BY seq");
    h.Bind(1, id);
    while (h.Step() == kRow) {
      record->history.push_back({StateFromName(h.Text(0)).value_or(MessageState::kReceived),
                                 FromMicros(h.Int(1)), h.Text(2)});
    }
  }
  (void)Exec(db, "COMMIT");
  return record;
}

Result<std::shared_ptr<const std::string>> SqlJournal::DocumentOf(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, std::string("SELECT ") + kDocumentXml +
                      " FROM message_documents d WHERE d.message_id = ?");
  q.Bind(1, id);
  const Stepped rc = q.Step();
  if (rc == kDone) return std::shared_ptr<const std::string>();
  if (rc != kRow) return SqlError(db, "document of " + std::string(id));
  return std::make_shared<const std::string>(q.Text(0));
}

Result<std::vector<MessageSummary>> SqlJournal::List(const MessageFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  if (!filter.after_id.empty()) {  // a page after a message that is not there is no page
    Statement known(db, "SELECT 1 FROM messages WHERE id = ?");
    known.Bind(1, filter.after_id);
    if (known.Step() != kRow) {
      return MakeError("journal.unknown", filter.after_id, "no such message to list after");
    }
  }
  std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM messages WHERE 1 = 1";
  if (filter.direction) sql += " AND direction = ?7";
  if (filter.state) sql += " AND state = ?1";
  sql += StateIn("state", filter.any_state);
  if (filter.kind) sql += " AND kind = ?2";
  if (filter.sender_country) sql += " AND sender_country = ?3";
  if (filter.since) sql += " AND updated_at >= ?4";
  if (filter.until) sql += " AND created_at < ?8";
  if (!filter.text.empty()) {
    // The document as it came (an XML one is kept once, there) or as XML (from JSON).
    sql +=
        " AND (id = ?9 OR e_doc_id = ?9 OR id IN (SELECT message_id FROM message_documents "
        "WHERE " +
        db.HoldsBytes("payload", 10) + " OR " + db.HoldsBytes("canonical_xml", 10) + "))";
  }
  if (!filter.after_id.empty()) {
    sql += " AND (created_at, rowid) > (SELECT created_at, rowid FROM messages WHERE id = ?5)";
  }
  // Taken-in order: the time, then the order of the commits (rowid) for equal times.
  sql += " ORDER BY created_at, rowid LIMIT ?6";
  Statement q(db, sql.c_str());
  if (!q.ok()) return SqlError(db, "list");
  if (filter.state) q.Bind(1, StateName(*filter.state));
  if (filter.kind) q.Bind(2, *filter.kind);
  if (filter.sender_country) q.Bind(3, *filter.sender_country);
  if (filter.since) q.Bind(4, Micros(*filter.since));
  if (!filter.after_id.empty()) q.Bind(5, filter.after_id);
  q.Bind(6, static_cast<int64_t>(filter.limit));
  if (filter.direction) q.Bind(7, DirectionName(*filter.direction));
  if (filter.until) q.Bind(8, Micros(*filter.until));
  if (!filter.text.empty()) {
    q.Bind(9, filter.text);
    q.BindBlob(10, filter.text);  // the document is kept as bytes
  }
  return q.All(ReadSummary, "list");
}

Result<std::vector<std::string>> SqlJournal::Unfinished() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT id FROM messages WHERE state NOT IN ('rejected', 'acknowledged', 'dead') "
              "ORDER BY created_at, rowid");
  return q.All([](Statement& row) { return row.Text(0); }, "unfinished");
}

Result<std::vector<ActivityCount>> SqlJournal::Activity(TimePoint since) {
  auto reader = impl_->readers->Acquire();
  constexpr int64_t kHour = 3'600'000'000;  // microseconds
  Statement q(*reader,
              "SELECT created_at / 3600000000, direction, state, COUNT(*) FROM messages "
              "WHERE created_at >= ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
  q.Bind(1, Micros(since));
  return q.All(
      [](Statement& row) {
        ActivityCount c;
        c.hour = FromMicros(row.Int(0) * kHour);
        c.direction = row.Text(1) == DirectionName(Direction::kInbound) ? Direction::kInbound
                                                                        : Direction::kOutbound;
        c.state = StateFromName(row.Text(2)).value_or(MessageState::kReceived);
        c.count = static_cast<uint64_t>(row.Int(3));
        return c;
      },
      "activity");
}

void SqlJournal::RecordActionAsync(OperatorAction action, TimePoint at, JournalCallback<Ok> done) {
  auto apply = [a = std::move(action), at](Connection& db) -> Status {
    AuditRecord record;
    record.Add("who", a.who).Add("role", a.role);
    if (!a.detail.empty()) record.Add("detail", a.detail);
    return AppendAudit(db, at, "operator " + a.action, a.subject, record);
  };
  impl_->Submit(std::move(apply), std::move(done));
}

void SqlJournal::SealAuditAsync(AuditSealer seal, TimePoint at, JournalCallback<bool> done) {
  auto sealed = std::make_shared<bool>(false);
  auto apply = [seal = std::move(seal), at, sealed](Connection& db) -> Status {
    return SealAuditChain(db, at, seal, *sealed);
  };
  impl_->Submit(std::move(apply), [done = std::move(done), sealed](Status st) {
    if (!st) {
      done(st.error());
      return;
    }
    done(*sealed);
  });
}

void SqlJournal::HandOffAsync(Handoff handoff, TimePoint at, JournalCallback<Ok> done) {
  auto apply = [h = std::move(handoff), at](Connection& db) -> Status {
    const std::string& id = h.message_id;
    if (auto held = Held(db, id); !held) return held;
    Statement q(db, "SELECT state FROM messages WHERE id = ?");
    q.Bind(1, id);
    if (q.Step() != kRow) return MakeError("journal.unknown", id, "no such message");
    const auto from = StateFromName(q.Text(0)).value_or(MessageState::kReceived);
    // A journal of an earlier version may have left a message signed, its envelope kept.
    if (from == MessageState::kValidated && !h.signature.empty()) {
      if (auto st = ApplyTransition(db, id, MessageState::kSigned, h.signature, at, {}); !st) {
        return st;
      }
    }
    TransitionData data;
    data.diagnostics = h.diagnostics;
    const bool signed_now = from == MessageState::kSigned || !h.signature.empty();
    if (auto st = ApplyTransition(db, id, MessageState::kQueued,
                                  signed_now ? "for delivery" : h.unsigned_detail, at, data);
        !st) {
      return st;
    }
    Statement u(db, "UPDATE messages SET procedure_id = ?1 WHERE id = ?2");
    u.Bind(1, h.procedure_id).Bind(2, id);
    if (u.Step() != kDone) return SqlError(db, "hand-off " + id);
    // The signature and its place; the document itself only where it is not the message's XML.
    const SignedDocument& document = h.document;
    Statement sig(db,
                  "INSERT INTO message_signatures VALUES (?1, ?2, ?3, ?4) "
                  "ON CONFLICT (message_id) DO UPDATE SET signature = excluded.signature, "
                  "signature_at = excluded.signature_at, document = excluded.document");
    constexpr std::string_view kNone = "";  // an empty blob, not NULL
    sig.Bind(1, id).BindBlob(2, document.signature);
    if (document.whole) {
      sig.BindNull(3).BindBlob(4, document.xml ? std::string_view(*document.xml) : kNone);
    } else {
      sig.Bind(3, static_cast<int64_t>(document.at)).BindBlob(4, kNone);
    }
    if (sig.Step() != kDone) return SqlError(db, "the signature of " + id);
    for (Delivery d : h.deliveries) {
      d.message_id = id;
      d.updated_at = at;
      if (auto st = WriteDelivery(db, d, true); !st) return st;
      if (auto st = AddDeliveryEvent(db, d, at, "planned"); !st) return st;
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::optional<OutboundMessage>> SqlJournal::Outbound(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  if (auto st = db.BeginSnapshot(); !st) return st.error();  // one snapshot for both queries
  std::optional<OutboundMessage> out;
  Status status = Ok{};
  {
    Statement q(db, (std::string("SELECT ") + kSummaryColumns +
                     ", procedure_id, reply_to, s.signature, s.signature_at, s.document, "
                     "CASE WHEN s.signature_at IS NULL THEN NULL ELSE " +
                     kDocumentXml +
                     " END FROM messages LEFT JOIN message_signatures s ON s.message_id = id "
                     "LEFT JOIN message_documents d ON d.message_id = id WHERE id = ?")
                        .c_str());
    q.Bind(1, id);
    if (q.Step() == kRow) {
      OutboundMessage m;
      m.summary = ReadSummary(q);
      m.procedure_id = q.Text(9);
      m.reply_to = q.Text(10);
      auto document = ReadSignedDocument(
          q, 11, q.IsNull(14) ? nullptr : std::make_shared<const std::string>(q.Text(14)), id);
      if (document) {
        m.document = std::move(*document);
        out = std::move(m);
      } else {
        status = document.error();
      }
    }
  }
  if (out && status) {
    Statement q(db, (std::string("SELECT ") + kDeliveryColumns +
                     " FROM deliveries WHERE message_id = ? ORDER BY rowid")
                        .c_str());
    q.Bind(1, id);
    Stepped rc;
    while ((rc = q.Step()) == kRow) out->deliveries.push_back(ReadDelivery(q));
    if (rc != kDone) status = SqlError(db, "deliveries");
  }
  (void)Exec(db, "COMMIT");
  if (!status) return status.error();
  return out;
}

}  // namespace eaeu::store
