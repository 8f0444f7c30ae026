#include "gateway/store/sqlite_journal.hpp"

#include "gateway/store/detail/sqlite.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace eaeu::store {
namespace {

using sqlite::Connection;
using sqlite::Exec;
using sqlite::FromMicros;
using sqlite::Micros;
using sqlite::SqlError;
using sqlite::Statement;

// Versioned migrations: entry i brings the schema from version i to i + 1.
const std::vector<const char*> kMigrations = {
    R"sql(
CREATE TABLE messages (
  id                 TEXT PRIMARY KEY,
  direction          TEXT NOT NULL,
  sender_country     TEXT NOT NULL,
  sender_participant TEXT NOT NULL,
  kind               TEXT NOT NULL,
  e_doc_id           TEXT NOT NULL,
  dedup_key          TEXT UNIQUE,        -- accepted messages only: direction, sender, EDocId
  content_type       TEXT NOT NULL,
  payload            BLOB NOT NULL,
  canonical_xml      BLOB NOT NULL,
  signed_envelope    BLOB NOT NULL DEFAULT '',
  state              TEXT NOT NULL,
  violations         TEXT NOT NULL,
  signature_verdict  TEXT NOT NULL DEFAULT '',
  created_at         INTEGER NOT NULL,   -- microseconds since the epoch, UTC
  updated_at         INTEGER NOT NULL,
  -- exchange.md §6 (D5 appendix 4)
  process_code TEXT NOT NULL DEFAULT '', process_version TEXT NOT NULL DEFAULT '',
  procedure_code TEXT NOT NULL DEFAULT '', transaction_code TEXT NOT NULL DEFAULT '',
  message_code TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '',
  to_address TEXT NOT NULL DEFAULT '', reply_to TEXT NOT NULL DEFAULT '',
  from_address TEXT NOT NULL DEFAULT '', fault_to TEXT NOT NULL DEFAULT '',
  wsa_message_id TEXT NOT NULL DEFAULT '', relates_to TEXT NOT NULL DEFAULT '',
  conversation_id TEXT NOT NULL DEFAULT '', message_type TEXT NOT NULL DEFAULT '',
  track_id TEXT NOT NULL DEFAULT '', accept_time TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '',
  error_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_order ON messages(created_at, id);
CREATE INDEX messages_state ON messages(state, created_at);
CREATE TABLE message_events (
  message_id TEXT NOT NULL REFERENCES messages(id),
  seq        INTEGER NOT NULL,
  state      TEXT NOT NULL,
  at         INTEGER NOT NULL,
  detail     TEXT NOT NULL,
  PRIMARY KEY (message_id, seq)
);
)sql",
    // 2: messages are listed in the order they were taken in (time, then commit order).
    R"sql(
DROP INDEX messages_order;
CREATE INDEX messages_taken ON messages(created_at);
)sql",
    // 3: deliveries, one per destination of an outbound message, every send's wsa:MessageID, and
    // the history of each delivery.
    R"sql(
CREATE TABLE deliveries (
  message_id      TEXT NOT NULL REFERENCES messages(id),
  destination     TEXT NOT NULL,
  state           TEXT NOT NULL,
  sends           INTEGER NOT NULL,
  failures        INTEGER NOT NULL,
  due             INTEGER,             -- microseconds since the epoch; NULL when nothing is due
  wire_id         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  error           TEXT NOT NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (message_id, destination)
);
CREATE INDEX deliveries_open ON deliveries(state)
  WHERE state NOT IN ('acknowledged', 'rejected', 'dead');
CREATE TABLE delivery_sends (
  wire_id     TEXT PRIMARY KEY,
  message_id  TEXT NOT NULL,
  destination TEXT NOT NULL
);
CREATE TABLE delivery_events (
  message_id  TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  destination TEXT NOT NULL,
  state       TEXT NOT NULL,
  at          INTEGER NOT NULL,
  wire_id     TEXT NOT NULL,
  detail      TEXT NOT NULL,
  PRIMARY KEY (message_id, seq)
);
)sql",
    // 4: the signal a received message was answered with, kept to answer a duplicate the same.
    R"sql(
ALTER TABLE messages ADD COLUMN answer BLOB NOT NULL DEFAULT '';
CREATE INDEX messages_direction ON messages(direction, state, created_at);
)sql",
    // 5: where the readers of the changes of state (message_events, in rowid order) are.
    R"sql(
CREATE TABLE cursors (
  name     TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);
)sql",
    // 6: the legal deadlines messages started, where each stands, and its history.
    R"sql(
CREATE TABLE deadlines (
  id         TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  rule       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  country    TEXT NOT NULL,
  event      TEXT NOT NULL,
  due        TEXT NOT NULL,
  opens      TEXT NOT NULL,
  basis      TEXT NOT NULL,
  source     TEXT NOT NULL,
  state      TEXT NOT NULL,
  met_on     TEXT NOT NULL,
  days_late  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX deadlines_message ON deadlines(message_id);
CREATE INDEX deadlines_state ON deadlines(state, due);
CREATE TABLE deadline_events (
  deadline_id TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  state       TEXT NOT NULL,
  at          INTEGER NOT NULL,
  detail      TEXT NOT NULL,
  PRIMARY KEY (deadline_id, seq)
);
)sql",
    // 7: what a deadline is about, for a later document that meets it (DL-05: the manufacturer).
    R"sql(
ALTER TABLE deadlines ADD COLUMN about TEXT NOT NULL DEFAULT '';
CREATE INDEX deadlines_about ON deadlines(rule, about);
)sql",
    // 8: an outbound message keeps its signed document and its int:ProcedureID, not an envelope
    // addressed to one destination (each delivery builds its own). The envelopes that earlier
    // versions kept were all written by envelope::Build: the document is what lies between
    // "<soap:Body>" and the closing "</soap:Body></soap:Envelope>" (28 bytes), the ProcedureID
    // is the text of its header element. Bytes, not characters: the document is UTF-8.
    R"sql(
ALTER TABLE messages ADD COLUMN signed_document BLOB NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN procedure_id TEXT NOT NULL DEFAULT '';
UPDATE messages SET
  signed_document = substr(CAST(signed_envelope AS BLOB),
                           instr(CAST(signed_envelope AS BLOB), CAST('<soap:Body>' AS BLOB)) + 11,
                           length(CAST(signed_envelope AS BLOB)) -
                             instr(CAST(signed_envelope AS BLOB), CAST('<soap:Body>' AS BLOB)) - 38),
  procedure_id = CAST(substr(CAST(signed_envelope AS BLOB),
                        instr(CAST(signed_envelope AS BLOB), CAST('<int:ProcedureID>' AS BLOB)) + 17,
                        instr(CAST(signed_envelope AS BLOB), CAST('</int:ProcedureID>' AS BLOB)) -
                          instr(CAST(signed_envelope AS BLOB), CAST('<int:ProcedureID>' AS BLOB)) -
                          17) AS TEXT)
WHERE instr(CAST(signed_envelope AS BLOB), CAST('<soap:Body>' AS BLOB)) > 0
  AND instr(CAST(signed_envelope AS BLOB), CAST('<int:ProcedureID>' AS BLOB)) > 0;
ALTER TABLE messages DROP COLUMN signed_envelope;
)sql",
};

Status Migrate(sqlite3* db, const std::filesystem::path& file, int target) {
  if (auto st = Exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      !st) {
    return st;
  }
  int version = 0;
  {
    Statement q(db, "SELECT version FROM schema_version");
    if (!q.ok()) return SqlError(db, "schema_version");
    if (q.Step() == SQLITE_ROW) version = static_cast<int>(q.Int(0));
  }
  const int current = static_cast<int>(kMigrations.size());
  if (version > current) {
    return MakeError("journal.version", file.string(),
                     "the journal has schema version " + std::to_string(version) +
                         ", written by a newer gateway; this one knows up to " +
                         std::to_string(current));
  }
  const int last = target > 0 && target < current ? target : current;
  for (int v = version; v < last; ++v) {
    if (auto st = Exec(db, "BEGIN IMMEDIATE"); !st) return st;
    Status step = Exec(db, kMigrations[static_cast<size_t>(v)]);
    if (step) step = Exec(db, "DELETE FROM schema_version");
    if (step) {
      Statement u(db, "INSERT INTO schema_version VALUES (?)");
      u.Bind(1, static_cast<int64_t>(v + 1));
      if (u.Step() != SQLITE_DONE) step = SqlError(db, "schema_version");
    }
    if (!step) {
      (void)Exec(db, "ROLLBACK");
      return MakeError(
          "journal.migration", file.string(),
          "migration to version " + std::to_string(v + 1) + " failed: " + step.error().message);
    }
    if (auto st = Exec(db, "COMMIT"); !st) return st;
  }
  return Ok{};
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

constexpr const char* kSummaryColumns =
    "id, direction, sender_country, sender_participant, kind, e_doc_id, state, created_at, "
    "updated_at";

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

// The diagnostics columns, in the order of the struct.
constexpr const char* kDiagnosticsColumns[] = {
    "process_code",   "process_version", "procedure_code",  "transaction_code", "message_code",
    "action",         "to_address",      "reply_to",        "from_address",     "fault_to",
    "wsa_message_id", "relates_to",      "conversation_id", "message_type",     "track_id",
    "accept_time",    "status",          "error_code",      "error_text"};

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

// Moves message `id` to `to` inside the current transaction.
Status ApplyTransition(Connection& db, const std::string& id, MessageState to,
                       const std::string& detail, TimePoint at, const TransitionData& data) {
  Statement q(db,
              "SELECT state, (SELECT MAX(seq) FROM message_events WHERE message_id = ?1) "
              "FROM messages WHERE id = ?1");
  q.Bind(1, id);
  if (q.Step() != SQLITE_ROW) return MakeError("journal.unknown", id, "no such message");
  const auto from = StateFromName(q.Text(0)).value_or(MessageState::kReceived);
  const int64_t seq = q.Int(1) + 1;
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
  if (u.Step() != SQLITE_DONE) return SqlError(db, "update " + id);
  Statement event(db, "INSERT INTO message_events VALUES (?, ?, ?, ?, ?)");
  event.Bind(1, id).Bind(2, seq).Bind(3, StateName(to)).Bind(4, Micros(at)).Bind(5, detail);
  if (event.Step() != SQLITE_DONE) return SqlError(db, "insert event " + id);
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
  if (u.Step() != SQLITE_DONE) return SqlError(db, "update " + m.id);
  return Ok{};
}

constexpr const char* kDeliveryColumns =
    "message_id, destination, state, sends, failures, due, wire_id, conversation_id, error, "
    "updated_at";

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
  if (w.Step() != SQLITE_DONE) return SqlError(db, "write delivery " + d.message_id);
  if (!insert && sqlite3_changes(db) != 1) {
    return MakeError("journal.unknown", d.message_id + " " + d.destination, "no such delivery");
  }
  return Ok{};
}

Status AddDeliveryEvent(Connection& db, const Delivery& d, TimePoint at,
                        const std::string& detail) {
  Statement e(db,
              "INSERT INTO delivery_events VALUES (?1, (SELECT IFNULL(MAX(seq), 0) + 1 FROM "
              "delivery_events WHERE message_id = ?1), ?2, ?3, ?4, ?5, ?6)");
  e.Bind(1, d.message_id)
      .Bind(2, d.destination)
      .Bind(3, StateName(d.state))
      .Bind(4, Micros(at))
      .Bind(5, d.wire_id)
      .Bind(6, detail);
  if (e.Step() != SQLITE_DONE) return SqlError(db, "delivery event " + d.message_id);
  if (d.wire_id.empty()) return Ok{};
  Statement send(db, "INSERT OR IGNORE INTO delivery_sends VALUES (?, ?, ?)");
  send.Bind(1, d.wire_id).Bind(2, d.message_id).Bind(3, d.destination);
  if (send.Step() != SQLITE_DONE) return SqlError(db, "delivery send " + d.message_id);
  return Ok{};
}

}  // namespace

struct SqliteJournal::Impl {
  SqliteJournalOptions options;
  std::unique_ptr<Connection> writer;  // used by the writer thread only (and Open)
  std::unique_ptr<sqlite::ReaderPool> readers;

  // A change waiting for the next commit. `apply` runs on the writer thread inside the
  // transaction; its status is replaced by the commit's error if the commit fails.
  struct Change {
    std::function<Status(Connection&)> apply;
    std::function<void(Status)> done;  // called after the commit, on the writer thread
  };
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<Change*> queue;
  bool stopping = false;
  bool committing = false;  // a batch is being applied or its callbacks run
  std::condition_variable idle_cv;
  std::thread thread;

  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> changes{0};
  std::mutex listener_mutex;
  // Copied on change, so that a commit calls them without the lock.
  std::shared_ptr<const std::map<std::string, std::function<void()>, std::less<>>> listeners;

  ~Impl() {
    {
      std::lock_guard lock(queue_mutex);
      stopping = true;
    }
    queue_cv.notify_all();
    if (thread.joinable()) thread.join();
  }

  void Submit(std::function<Status(Connection&)> apply, std::function<void(Status)> done) {
    auto change = std::make_unique<Change>(Change{std::move(apply), std::move(done)});
    {
      std::lock_guard lock(queue_mutex);
      if (!stopping) {
        queue.push_back(change.release());
        queue_cv.notify_one();
        return;
      }
    }
    change->done(MakeError("journal.closed", "", "the journal is closing"));
  }

  void Run() {
    std::vector<Change*> batch;
    for (;;) {
      {
        std::unique_lock lock(queue_mutex);
        queue_cv.wait(lock, [this] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and nothing left
        while (!queue.empty() && batch.size() < options.max_batch) {
          batch.push_back(queue.front());
          queue.pop_front();
        }
        committing = true;
      }
      Commit(batch);  // its callbacks may submit more: they are in the queue before it ends
      batch.clear();
      {
        std::lock_guard lock(queue_mutex);
        committing = false;
      }
      idle_cv.notify_all();
    }
  }

  void WaitIdle() {
    std::unique_lock lock(queue_mutex);
    idle_cv.wait(lock, [this] { return queue.empty() && !committing; });
  }

  void Commit(const std::vector<Change*>& batch) {
    std::vector<Status> results;
    results.reserve(batch.size());
    Status begin = Exec(*writer, "BEGIN IMMEDIATE");
    if (begin) {
      for (Change* c : batch) {
        // Each change in its own savepoint: one that fails leaves the others in the commit.
        Status sp = Exec(*writer, "SAVEPOINT change");
        Status applied = sp ? c->apply(*writer) : sp;
        if (applied) {
          (void)Exec(*writer, "RELEASE change");
        } else if (sp) {
          (void)Exec(*writer, "ROLLBACK TO change");
          (void)Exec(*writer, "RELEASE change");
        }
        results.push_back(std::move(applied));
      }
      Status commit = Exec(*writer, "COMMIT");
      if (!commit) {
        (void)Exec(*writer, "ROLLBACK");
        for (auto& r : results) {
          if (r) r = commit;
        }
      } else {
        ++commits;
        changes += batch.size();
      }
    } else {
      results.assign(batch.size(), begin);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      std::unique_ptr<Change> change(batch[i]);
      change->done(std::move(results[i]));
    }
    decltype(listeners) told;
    {
      std::lock_guard lock(listener_mutex);
      told = listeners;
    }
    if (told) {
      for (const auto& [name, listener] : *told) listener();
    }
  }
};

SqliteJournal::SqliteJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteJournal::~SqliteJournal() = default;

int SqliteJournal::SchemaVersion() {
  return static_cast<int>(kMigrations.size());
}

JournalStats SqliteJournal::stats() const {
  return {impl_->commits.load(), impl_->changes.load()};
}

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::Open(const SqliteJournalOptions& options) {
  if (sqlite3_threadsafe() == 0) {
    return MakeError("journal.sqlite", "", "SQLite was built without thread support");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.max_batch == 0) impl->options.max_batch = 1;
  auto writer = Connection::Open(options.file);
  if (!writer) return writer.error();
  impl->writer = std::move(*writer);
  if (auto migrated = Migrate(*impl->writer, options.file, options.migrate_to); !migrated) {
    return migrated.error();
  }
  auto readers = sqlite::ReaderPool::Open(options.file, options.readers);
  if (!readers) return readers.error();
  impl->readers = std::move(*readers);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<SqliteJournal>(new SqliteJournal(std::move(impl)));
}

void SqliteJournal::AcceptAsync(NewMessage message, JournalCallback<AcceptOutcome> done) {
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
    const NewMessage& m = state->m;
    const std::string& key = state->key;
    AcceptOutcome& outcome = state->outcome;
    if (!key.empty()) {
      Statement q(db, "SELECT id, state FROM messages WHERE dedup_key = ?");
      q.Bind(1, key);
      if (q.Step() == SQLITE_ROW) {
        outcome = {q.Text(0), StateFromName(q.Text(1)).value_or(MessageState::kReceived), true};
        return Ok{};
      }
    }
    Statement insert(db,
                     "INSERT INTO messages (id, direction, sender_country, sender_participant, "
                     "kind, e_doc_id, dedup_key, content_type, payload, canonical_xml, state, "
                     "violations, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
        .BindBlob(9, m.payload)
        .BindBlob(10, m.canonical_xml)
        .Bind(11, StateName(m.state))
        .Bind(12, m.violations)
        .Bind(13, at)
        .Bind(14, at);
    if (insert.Step() != SQLITE_DONE) {
      if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return MakeError("journal.duplicate-id", m.id, "a message with this id exists");
      }
      return SqlError(db, "insert message " + m.id);
    }
    if (m.diagnostics || !m.signature_verdict.empty() || !m.answer.empty()) {
      if (auto st = WriteReceivedFields(db, m); !st) return st;
    }
    Statement event(db, "INSERT INTO message_events VALUES (?, 1, ?, ?, ?)");
    event.Bind(1, m.id)
        .Bind(2, StateName(m.state))
        .Bind(3, at)
        .Bind(4, std::string_view("taken in"));
    if (event.Step() != SQLITE_DONE) return SqlError(db, "insert event " + m.id);
    outcome = {m.id, m.state, false};
    return Ok{};
  };
  impl_->Submit(std::move(apply), [state, done = std::move(done)](Status status) {
    if (status) {
      done(std::move(state->outcome));
    } else {
      done(status.error());
    }
  });
}

void SqliteJournal::TransitionAsync(std::string id, MessageState to, std::string detail,
                                    TimePoint at, TransitionData data, JournalCallback<Ok> done) {
  auto apply = [id = std::move(id), to, detail = std::move(detail), at,
                data = std::move(data)](Connection& db) -> Status {
    return ApplyTransition(db, id, to, detail, at, data);
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::optional<MessageRecord>> SqliteJournal::Get(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  if (auto st = Exec(db, "BEGIN"); !st) return st.error();  // one snapshot for both queries
  std::string sql = std::string("SELECT ") + kSummaryColumns +
                    ", content_type, payload, canonical_xml, signed_document, violations, "
                    "signature_verdict, answer, procedure_id";
  for (const char* column : kDiagnosticsColumns) sql += std::string(", ") + column;
  sql += " FROM messages WHERE id = ?";
  std::optional<MessageRecord> record;
  {
    Statement q(db, sql.c_str());
    q.Bind(1, id);
    if (q.Step() == SQLITE_ROW) {
      MessageRecord r;
      r.summary = ReadSummary(q);
      r.content_type = q.Text(9);
      r.payload = q.Text(10);
      r.canonical_xml = q.Text(11);
      r.signed_document = q.Text(12);
      r.violations = q.Text(13);
      r.signature_verdict = q.Text(14);
      r.answer = q.Text(15);
      r.procedure_id = q.Text(16);
      int col = 17;
      for (std::string* field : DiagnosticsFields(r.diagnostics)) *field = q.Text(col++);
      record = std::move(r);
    }
  }
  if (record) {
    Statement h(db,
                "SELECT state, at, detail FROM message_events WHERE message_id = ? ORDER BY seq");
    h.Bind(1, id);
    while (h.Step() == SQLITE_ROW) {
      record->history.push_back({StateFromName(h.Text(0)).value_or(MessageState::kReceived),
                                 FromMicros(h.Int(1)), h.Text(2)});
    }
  }
  (void)Exec(db, "COMMIT");
  return record;
}

Result<std::vector<MessageSummary>> SqliteJournal::List(const MessageFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM messages WHERE 1";
  if (filter.direction) sql += " AND direction = ?7";
  if (filter.state) sql += " AND state = ?1";
  sql += StateIn("state", filter.any_state);
  if (filter.kind) sql += " AND kind = ?2";
  if (filter.sender_country) sql += " AND sender_country = ?3";
  if (filter.since) sql += " AND updated_at >= ?4";
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
  std::vector<MessageSummary> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadSummary(q));
  if (rc != SQLITE_DONE) return SqlError(db, "list");
  return out;
}

Result<std::vector<std::string>> SqliteJournal::Unfinished() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT id FROM messages WHERE state NOT IN ('rejected', 'acknowledged', 'dead') "
              "ORDER BY created_at, rowid");
  std::vector<std::string> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.Text(0));
  if (rc != SQLITE_DONE) return SqlError(db, "unfinished");
  return out;
}

void SqliteJournal::PlanDeliveriesAsync(std::string message_id, std::vector<Delivery> deliveries,
                                        TimePoint at, JournalCallback<Ok> done) {
  auto apply = [message_id = std::move(message_id), deliveries = std::move(deliveries),
                at](Connection& db) -> Status {
    Statement planned(db, "SELECT COUNT(*) FROM deliveries WHERE message_id = ?");
    planned.Bind(1, message_id);
    if (planned.Step() != SQLITE_ROW) return SqlError(db, "deliveries of " + message_id);
    if (planned.Int(0) > 0) return Ok{};
    for (Delivery d : deliveries) {
      d.message_id = message_id;
      d.updated_at = at;
      if (auto st = WriteDelivery(db, d, true); !st) return st;
      if (auto st = AddDeliveryEvent(db, d, at, "planned"); !st) return st;
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

void SqliteJournal::UpdateDeliveryAsync(DeliveryChange change, TimePoint at,
                                        JournalCallback<Ok> done) {
  auto apply = [change = std::move(change), at](Connection& db) mutable -> Status {
    Delivery& d = change.delivery;
    d.updated_at = at;
    Statement q(db, "SELECT state FROM deliveries WHERE message_id = ? AND destination = ?");
    q.Bind(1, d.message_id).Bind(2, d.destination);
    if (q.Step() != SQLITE_ROW) {
      return MakeError("journal.unknown", d.message_id + " " + d.destination, "no such delivery");
    }
    const auto from = StateFromName(q.Text(0)).value_or(MessageState::kQueued);
    if (from != d.state && !IsAllowed(from, d.state)) {
      return MakeError("journal.transition", d.message_id + " " + d.destination,
                       "a delivery cannot go from " + std::string(StateName(from)) + " to " +
                           std::string(StateName(d.state)));
    }
    if (auto st = WriteDelivery(db, d, false); !st) return st;
    if (auto st = AddDeliveryEvent(db, d, at, change.detail); !st) return st;
    if (change.message_state) {
      return ApplyTransition(db, d.message_id, *change.message_state,
                             d.destination + ": " + change.detail, at, {});
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

void SqliteJournal::HandOffAsync(Handoff handoff, TimePoint at, JournalCallback<Ok> done) {
  auto apply = [h = std::move(handoff), at](Connection& db) -> Status {
    const std::string& id = h.message_id;
    Statement q(db, "SELECT state FROM messages WHERE id = ?");
    q.Bind(1, id);
    if (q.Step() != SQLITE_ROW) return MakeError("journal.unknown", id, "no such message");
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
    Statement u(db, "UPDATE messages SET signed_document = ?1, procedure_id = ?2 WHERE id = ?3");
    u.BindBlob(1, h.signed_document ? std::string_view(*h.signed_document) : std::string_view())
        .Bind(2, h.procedure_id)
        .Bind(3, id);
    if (u.Step() != SQLITE_DONE) return SqlError(db, "hand-off " + id);
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

Result<std::optional<OutboundMessage>> SqliteJournal::Outbound(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  if (auto st = Exec(db, "BEGIN"); !st) return st.error();  // one snapshot for both queries
  std::optional<OutboundMessage> out;
  Status status = Ok{};
  {
    Statement q(db, (std::string("SELECT ") + kSummaryColumns +
                     ", signed_document, procedure_id, reply_to FROM messages WHERE id = ?")
                        .c_str());
    q.Bind(1, id);
    if (q.Step() == SQLITE_ROW) {
      OutboundMessage m;
      m.summary = ReadSummary(q);
      m.document = std::make_shared<const std::string>(q.Text(9));
      m.procedure_id = q.Text(10);
      m.reply_to = q.Text(11);
      out = std::move(m);
    }
  }
  if (out) {
    Statement q(db, (std::string("SELECT ") + kDeliveryColumns +
                     " FROM deliveries WHERE message_id = ? ORDER BY rowid")
                        .c_str());
    q.Bind(1, id);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out->deliveries.push_back(ReadDelivery(q));
    if (rc != SQLITE_DONE) status = SqlError(db, "deliveries");
  }
  (void)Exec(db, "COMMIT");
  if (!status) return status.error();
  return out;
}

Result<std::vector<Delivery>> SqliteJournal::Deliveries(std::string_view message_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, (std::string("SELECT ") + kDeliveryColumns +
                   " FROM deliveries WHERE message_id = ? ORDER BY rowid")
                      .c_str());
  q.Bind(1, message_id);
  std::vector<Delivery> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadDelivery(q));
  if (rc != SQLITE_DONE) return SqlError(db, "deliveries");
  return out;
}

Result<std::vector<DeliveryEvent>> SqliteJournal::DeliveryHistory(std::string_view message_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT destination, state, at, wire_id, detail FROM delivery_events "
              "WHERE message_id = ? ORDER BY seq");
  q.Bind(1, message_id);
  std::vector<DeliveryEvent> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back({q.Text(0), StateFromName(q.Text(1)).value_or(MessageState::kQueued),
                   FromMicros(q.Int(2)), q.Text(3), q.Text(4)});
  }
  if (rc != SQLITE_DONE) return SqlError(db, "delivery history");
  return out;
}

Result<std::optional<Delivery>> SqliteJournal::DeliveryByWireId(std::string_view wire_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kDeliveryColumns +
                    " FROM deliveries WHERE (message_id, destination) = "
                    "(SELECT message_id, destination FROM delivery_sends WHERE wire_id = ?)";
  Statement q(db, sql.c_str());
  q.Bind(1, wire_id);
  const int rc = q.Step();
  if (rc == SQLITE_ROW) return std::optional<Delivery>(ReadDelivery(q));
  if (rc != SQLITE_DONE) return SqlError(db, "delivery by wire id");
  return std::optional<Delivery>();
}

Result<std::vector<Delivery>> SqliteJournal::OpenDeliveries() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kDeliveryColumns +
                    " FROM deliveries WHERE state NOT IN ('acknowledged', 'rejected', 'dead') "
                    "ORDER BY rowid";
  Statement q(db, sql.c_str());
  std::vector<Delivery> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadDelivery(q));
  if (rc != SQLITE_DONE) return SqlError(db, "open deliveries");
  return out;
}

void SqliteJournal::WaitIdle() {
  impl_->WaitIdle();
}

void SqliteJournal::OnCommit(std::string_view name, std::function<void()> listener) {
  std::lock_guard lock(impl_->listener_mutex);
  auto next = impl_->listeners
                  ? std::make_shared<std::map<std::string, std::function<void()>, std::less<>>>(
                        *impl_->listeners)
                  : std::make_shared<std::map<std::string, std::function<void()>, std::less<>>>();
  if (listener) {
    (*next)[std::string(name)] = std::move(listener);
  } else {
    next->erase(std::string(name));
  }
  impl_->listeners = std::move(next);
}

Result<std::vector<MessageEvent>> SqliteJournal::Events(const EventFilter& filter) {
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
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    MessageEvent e;
    e.message = ReadSummary(q);
    e.position = static_cast<uint64_t>(q.Int(9));
    e.state = StateFromName(q.Text(10)).value_or(MessageState::kReceived);
    e.at = FromMicros(q.Int(11));
    e.detail = q.Text(12);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return SqlError(db, "events");
  return out;
}

Result<uint64_t> SqliteJournal::LastEventPosition() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, "SELECT COALESCE(MAX(rowid), 0) FROM message_events");
  if (q.Step() != SQLITE_ROW) return SqlError(db, "last event");
  return static_cast<uint64_t>(q.Int(0));
}

Result<std::optional<uint64_t>> SqliteJournal::Cursor(std::string_view name) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, "SELECT position FROM cursors WHERE name = ?");
  q.Bind(1, name);
  const int rc = q.Step();
  if (rc == SQLITE_ROW) return std::optional<uint64_t>(static_cast<uint64_t>(q.Int(0)));
  if (rc != SQLITE_DONE) return SqlError(db, "cursor " + std::string(name));
  return std::optional<uint64_t>();
}

void SqliteJournal::SaveCursorAsync(std::string name, uint64_t position, JournalCallback<Ok> done) {
  auto apply = [name = std::move(name), position](Connection& db) -> Status {
    Statement q(db,
                "INSERT INTO cursors VALUES (?1, ?2) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position");
    q.Bind(1, name).Bind(2, static_cast<int64_t>(position));
    if (q.Step() != SQLITE_DONE) return SqlError(db, "cursor " + name);
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

namespace {

constexpr const char* kDeadlineColumns =
    "id, message_id, rule, subject, country, event, due, opens, basis, source, state, met_on, "
    "days_late, updated_at, about";
// The same, of the table named d.
constexpr const char* kDeadlineColumnsOfD =
    "d.id, d.message_id, d.rule, d.subject, d.country, d.event, d.due, d.opens, d.basis, "
    "d.source, d.state, d.met_on, d.days_late, d.updated_at, d.about";

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
  return d;
}

Status AddDeadlineEvent(Connection& db, const std::string& id, const std::string& state,
                        TimePoint at, const std::string& detail) {
  Statement e(db,
              "INSERT INTO deadline_events VALUES (?1, (SELECT IFNULL(MAX(seq), 0) + 1 FROM "
              "deadline_events WHERE deadline_id = ?1), ?2, ?3, ?4)");
  e.Bind(1, id).Bind(2, state).Bind(3, Micros(at)).Bind(4, detail);
  if (e.Step() != SQLITE_DONE) return SqlError(db, "deadline event " + id);
  return Ok{};
}

}  // namespace

void SqliteJournal::TrackDeadlinesAsync(std::vector<TrackedDeadline> deadlines, TimePoint at,
                                        JournalCallback<Ok> done) {
  auto apply = [deadlines = std::move(deadlines), at](Connection& db) -> Status {
    for (const TrackedDeadline& d : deadlines) {
      Statement insert(db, (std::string("INSERT OR IGNORE INTO deadlines (") + kDeadlineColumns +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                               .c_str());
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
          .Bind(15, d.about);
      if (insert.Step() != SQLITE_DONE) return SqlError(db, "track deadline " + d.id);
      if (sqlite3_changes(db) == 0) continue;  // tracked already
      if (auto st = AddDeadlineEvent(db, d.id, d.state, at, "due " + d.due + " (" + d.basis + ")");
          !st) {
        return st;
      }
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

void SqliteJournal::UpdateDeadlineAsync(DeadlineChange change, TimePoint at,
                                        JournalCallback<Ok> done) {
  auto apply = [c = std::move(change), at](Connection& db) -> Status {
    Statement u(db,
                "UPDATE deadlines SET state = ?1, met_on = ?2, days_late = ?3, updated_at = ?4, "
                "due = IIF(?6 = '', due, ?6), basis = IIF(?7 = '', basis, ?7) WHERE id = ?5");
    u.Bind(1, c.state)
        .Bind(2, c.met_on)
        .Bind(3, static_cast<int64_t>(c.days_late))
        .Bind(4, Micros(at))
        .Bind(5, c.id)
        .Bind(6, c.due)
        .Bind(7, c.basis);
    if (u.Step() != SQLITE_DONE) return SqlError(db, "update deadline " + c.id);
    if (sqlite3_changes(db) != 1) {
      return MakeError("journal.unknown", c.id, "no such deadline");
    }
    return AddDeadlineEvent(db, c.id, c.state, at, c.detail);
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::vector<TrackedDeadline>> SqliteJournal::Deadlines(const DeadlineFilter& filter) {
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
  std::vector<TrackedDeadline> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(DeadlineOf(q, 0));
  if (rc != SQLITE_DONE) return SqlError(db, "deadlines");
  return out;
}

Result<std::vector<DeadlineEvent>> SqliteJournal::DeadlineHistory(std::string_view id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT state, at, detail FROM deadline_events WHERE deadline_id = ? ORDER BY seq");
  q.Bind(1, id);
  std::vector<DeadlineEvent> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back({q.Text(0), FromMicros(q.Int(1)), q.Text(2)});
  }
  if (rc != SQLITE_DONE) return SqlError(db, "deadline history");
  return out;
}

Result<std::vector<DeadlineMove>> SqliteJournal::DeadlineMoves(const DeadlineMoveFilter& filter) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT e.rowid, e.state, e.at, e.detail, ") + kDeadlineColumnsOfD +
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
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    DeadlineMove m;
    m.position = static_cast<uint64_t>(q.Int(0));
    m.state = q.Text(1);
    m.at = FromMicros(q.Int(2));
    m.detail = q.Text(3);
    m.deadline = DeadlineOf(q, 4);
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return SqlError(db, "deadline moves");
  return out;
}

Result<uint64_t> SqliteJournal::LastDeadlineMove() {
  auto reader = impl_->readers->Acquire();
  Statement q(*reader, "SELECT IFNULL(MAX(rowid), 0) FROM deadline_events");
  if (q.Step() != SQLITE_ROW) return SqlError(*reader, "deadline moves");
  return static_cast<uint64_t>(q.Int(0));
}

Result<std::map<std::string, uint64_t>> SqliteJournal::DeadlineCounts() {
  auto reader = impl_->readers->Acquire();
  Statement q(*reader, "SELECT state, COUNT(*) FROM deadlines GROUP BY state");
  std::map<std::string, uint64_t> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out[q.Text(0)] = static_cast<uint64_t>(q.Int(1));
  if (rc != SQLITE_DONE) return SqlError(*reader, "deadline counts");
  return out;
}

}  // namespace eaeu::store
