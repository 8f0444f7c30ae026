#include "gateway/store/sqlite/detail/migrations.hpp"

#include <vector>

#include "gateway/store/sql/migrate.hpp"

namespace eaeu::store::sqlite {
namespace {

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
    // 9: the register of inspecting organizations as sent (and received): every version of each
    // record with the message that carried it, and every sync with its outcome (a feed: rowid
    // order).
    R"sql(
CREATE TABLE register_versions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  direction   TEXT NOT NULL,
  country     TEXT NOT NULL,
  record_key  TEXT NOT NULL,
  name        TEXT NOT NULL,
  change      TEXT NOT NULL,
  change_day  TEXT NOT NULL,
  digest      TEXT NOT NULL,
  record      TEXT NOT NULL,
  groups      TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  sync_id     TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX register_versions_key ON register_versions(direction, record_key, id);
CREATE UNIQUE INDEX register_versions_message ON register_versions(message_id);
CREATE TABLE register_syncs (
  id        TEXT PRIMARY KEY,
  country   TEXT NOT NULL,
  source    TEXT NOT NULL,
  at        INTEGER NOT NULL,
  added     INTEGER NOT NULL,
  changed   INTEGER NOT NULL,
  withdrawn INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  invalid   INTEGER NOT NULL,
  sends     INTEGER NOT NULL,
  outcome   TEXT NOT NULL,
  detail    TEXT NOT NULL
);
)sql",
    // 10: a deadline's planned day (what the document says meets it) and what it runs from; who
    // moved it (an operator's hand); the certificate statuses notices declare (SN-04).
    R"sql(
ALTER TABLE deadlines ADD COLUMN planned TEXT NOT NULL DEFAULT '';
ALTER TABLE deadlines ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE deadline_events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
CREATE TABLE certificate_statuses (
  message_id  TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  country     TEXT NOT NULL,
  certificate TEXT NOT NULL,
  status      TEXT NOT NULL,
  notice_date TEXT NOT NULL,
  PRIMARY KEY (message_id, seq)
);
CREATE INDEX certificate_statuses_of ON certificate_statuses(country, certificate);
)sql",
    // 11: the audit chain (store/audit.hpp): every history line, each entry carrying the hash of
    // the one before.
    R"sql(
CREATE TABLE audit (
  seq     INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  event   TEXT NOT NULL,
  subject TEXT NOT NULL,
  record  TEXT NOT NULL,
  prev    TEXT NOT NULL,
  hash    TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
)sql",
    // 12: the months of the audit chain moved to archive files (store/journal.hpp,
    // ArchivedAuditMonth), and the counts of messages and deliveries by kind, direction,
    // destination and state, kept by triggers as rows are written.
    R"sql(
CREATE TABLE audit_archives (
  month   TEXT PRIMARY KEY,
  first   INTEGER NOT NULL,
  last    INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  head    TEXT NOT NULL,
  file    TEXT NOT NULL,
  sha256  TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE TABLE message_counts (
  kind        TEXT NOT NULL,
  direction   TEXT NOT NULL,
  destination TEXT NOT NULL,   -- a delivery's; '': the message's own state
  state       TEXT NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (kind, direction, destination, state)
);
CREATE TRIGGER message_counted AFTER INSERT ON messages BEGIN
  INSERT INTO message_counts VALUES (NEW.kind, NEW.direction, '', NEW.state, 1)
    ON CONFLICT (kind, direction, destination, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER message_moved AFTER UPDATE OF state ON messages WHEN OLD.state <> NEW.state BEGIN
  UPDATE message_counts SET n = n - 1 WHERE kind = OLD.kind AND direction = OLD.direction
    AND destination = '' AND state = OLD.state;
  INSERT INTO message_counts VALUES (NEW.kind, NEW.direction, '', NEW.state, 1)
    ON CONFLICT (kind, direction, destination, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER delivery_counted AFTER INSERT ON deliveries BEGIN
  INSERT INTO message_counts
    SELECT kind, direction, NEW.destination, NEW.state, 1 FROM messages WHERE id = NEW.message_id
    ON CONFLICT (kind, direction, destination, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER delivery_moved AFTER UPDATE OF state ON deliveries WHEN OLD.state <> NEW.state
BEGIN
  UPDATE message_counts SET n = n - 1 WHERE destination = OLD.destination AND state = OLD.state
    AND (kind, direction) = (SELECT kind, direction FROM messages WHERE id = OLD.message_id);
  INSERT INTO message_counts
    SELECT kind, direction, NEW.destination, NEW.state, 1 FROM messages WHERE id = NEW.message_id
    ON CONFLICT (kind, direction, destination, state) DO UPDATE SET n = n + 1;
END;
INSERT INTO message_counts
  SELECT kind, direction, '', state, COUNT(*) FROM messages GROUP BY kind, direction, state;
INSERT INTO message_counts
  SELECT m.kind, m.direction, d.destination, d.state, COUNT(*)
  FROM deliveries d JOIN messages m ON m.id = d.message_id
  GROUP BY m.kind, m.direction, d.destination, d.state;
)sql",
    // 13: a message's bytes apart from its row, each written once. SQLite writes a row whole
    // whenever one of its columns changes, so every change of state carried the document (twice,
    // once signed) into the write-ahead log. An outbound message keeps its signed form as the
    // signature and the byte of its XML it goes in front of (signature_at); `document` holds a
    // signed document whole only where it is not the message's XML with the signature put in (a
    // source not in UTF-8, or a journal of an earlier version: signature_at NULL).
    R"sql(
CREATE TABLE message_documents (
  message_id    TEXT PRIMARY KEY REFERENCES messages(id),
  payload       BLOB NOT NULL,      -- as it came
  canonical_xml BLOB NOT NULL       -- as XML, where it came as JSON; '' where the payload is it
);
CREATE TABLE message_signatures (
  message_id   TEXT PRIMARY KEY REFERENCES messages(id),
  signature    BLOB NOT NULL,       -- the ds:Signature element; '': the document goes unsigned
  signature_at INTEGER,             -- a byte of the message's XML; NULL: `document` is all of it
  document     BLOB NOT NULL
);
INSERT INTO message_documents SELECT id, payload, canonical_xml FROM messages;
INSERT INTO message_signatures
  SELECT id, '', NULL, signed_document FROM messages WHERE length(signed_document) > 0;
ALTER TABLE messages DROP COLUMN payload;
ALTER TABLE messages DROP COLUMN canonical_xml;
ALTER TABLE messages DROP COLUMN signed_document;
)sql",
    // 14: a periodic report looks for the earlier DL-05 deadlines of its manufacturer it can meet:
    // those of reports issued before it (rule, about, then the event day, in the index).
    R"sql(
DROP INDEX deadlines_about;
CREATE INDEX deadlines_about ON deadlines(rule, about, event);
)sql",
};

}  // namespace

Status Migrate(Connection& db, const std::filesystem::path& file, int target) {
  return sql::Migrate(db, kMigrations, target, file.string());
}

int CurrentSchemaVersion() {
  return static_cast<int>(kMigrations.size());
}

}  // namespace eaeu::store::sqlite
