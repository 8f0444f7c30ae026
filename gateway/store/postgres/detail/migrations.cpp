#include "gateway/store/postgres/detail/migrations.hpp"

#include <vector>

#include "gateway/store/sql/migrate.hpp"

namespace eaeu::store::postgres {
namespace {

// Versioned migrations: entry i brings the schema from version i to i + 1. Version 1 is the
// schema of the SQLite journal's version 10 (the stores' SQL reads both alike): the same tables,
// columns in the same order, bytea for blobs, and an ordering column `rowid` (last, so that the
// stores' inserts without a column list fill it by default) where SQLite has its own.
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
  payload            BYTEA NOT NULL,
  canonical_xml      BYTEA NOT NULL,
  state              TEXT NOT NULL,
  violations         TEXT NOT NULL,
  signature_verdict  TEXT NOT NULL DEFAULT '',
  created_at         BIGINT NOT NULL,    -- microseconds since the epoch, UTC
  updated_at         BIGINT NOT NULL,
  process_code TEXT NOT NULL DEFAULT '', process_version TEXT NOT NULL DEFAULT '',
  procedure_code TEXT NOT NULL DEFAULT '', transaction_code TEXT NOT NULL DEFAULT '',
  message_code TEXT NOT NULL DEFAULT '', action TEXT NOT NULL DEFAULT '',
  to_address TEXT NOT NULL DEFAULT '', reply_to TEXT NOT NULL DEFAULT '',
  from_address TEXT NOT NULL DEFAULT '', fault_to TEXT NOT NULL DEFAULT '',
  wsa_message_id TEXT NOT NULL DEFAULT '', relates_to TEXT NOT NULL DEFAULT '',
  conversation_id TEXT NOT NULL DEFAULT '', message_type TEXT NOT NULL DEFAULT '',
  track_id TEXT NOT NULL DEFAULT '', accept_time TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '',
  error_text TEXT NOT NULL DEFAULT '',
  answer             BYTEA NOT NULL DEFAULT '',
  signed_document    BYTEA NOT NULL DEFAULT '',
  procedure_id       TEXT NOT NULL DEFAULT '',
  rowid              BIGSERIAL NOT NULL UNIQUE
);
CREATE INDEX messages_taken ON messages(created_at, rowid);
CREATE INDEX messages_state ON messages(state, created_at);
CREATE INDEX messages_direction ON messages(direction, state, created_at);
CREATE TABLE message_events (
  message_id TEXT NOT NULL REFERENCES messages(id),
  seq        BIGINT NOT NULL,
  state      TEXT NOT NULL,
  at         BIGINT NOT NULL,
  detail     TEXT NOT NULL,
  rowid      BIGSERIAL NOT NULL UNIQUE,
  PRIMARY KEY (message_id, seq)
);
CREATE TABLE deliveries (
  message_id      TEXT NOT NULL REFERENCES messages(id),
  destination     TEXT NOT NULL,
  state           TEXT NOT NULL,
  sends           BIGINT NOT NULL,
  failures        BIGINT NOT NULL,
  due             BIGINT,
  wire_id         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  error           TEXT NOT NULL,
  updated_at      BIGINT NOT NULL,
  rowid           BIGSERIAL NOT NULL UNIQUE,
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
  seq         BIGINT NOT NULL,
  destination TEXT NOT NULL,
  state       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  wire_id     TEXT NOT NULL,
  detail      TEXT NOT NULL,
  rowid       BIGSERIAL NOT NULL UNIQUE,
  PRIMARY KEY (message_id, seq)
);
CREATE TABLE cursors (
  name     TEXT PRIMARY KEY,
  position BIGINT NOT NULL
);
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
  days_late  BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  about      TEXT NOT NULL DEFAULT '',
  planned    TEXT NOT NULL DEFAULT '',
  origin     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deadlines_message ON deadlines(message_id);
CREATE INDEX deadlines_state ON deadlines(state, due);
CREATE INDEX deadlines_about ON deadlines(rule, about);
CREATE TABLE deadline_events (
  deadline_id TEXT NOT NULL,
  seq         BIGINT NOT NULL,
  state       TEXT NOT NULL,
  at          BIGINT NOT NULL,
  detail      TEXT NOT NULL,
  actor       TEXT NOT NULL DEFAULT '',
  rowid       BIGSERIAL NOT NULL UNIQUE,
  PRIMARY KEY (deadline_id, seq)
);
CREATE TABLE register_versions (
  id          BIGSERIAL PRIMARY KEY,
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
  at          BIGINT NOT NULL
);
CREATE INDEX register_versions_key ON register_versions(direction, record_key, id);
CREATE UNIQUE INDEX register_versions_message ON register_versions(message_id);
CREATE TABLE register_syncs (
  id        TEXT PRIMARY KEY,
  country   TEXT NOT NULL,
  source    TEXT NOT NULL,
  at        BIGINT NOT NULL,
  added     BIGINT NOT NULL,
  changed   BIGINT NOT NULL,
  withdrawn BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  invalid   BIGINT NOT NULL,
  sends     BIGINT NOT NULL,
  outcome   TEXT NOT NULL,
  detail    TEXT NOT NULL,
  rowid     BIGSERIAL NOT NULL UNIQUE
);
CREATE TABLE certificate_statuses (
  message_id  TEXT NOT NULL,
  seq         BIGINT NOT NULL,
  country     TEXT NOT NULL,
  certificate TEXT NOT NULL,
  status      TEXT NOT NULL,
  notice_date TEXT NOT NULL,
  rowid       BIGSERIAL NOT NULL UNIQUE,
  PRIMARY KEY (message_id, seq)
);
CREATE INDEX certificate_statuses_of ON certificate_statuses(country, certificate);
)sql",
    // Version 2: several gateways on the database. Each unfinished message names the instance
    // that holds it and its fencing token; the instances' leases, and the leader's.
    R"sql(
ALTER TABLE messages ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN fence BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_held ON messages(owner, created_at)
  WHERE state NOT IN ('rejected', 'acknowledged', 'dead');
CREATE SEQUENCE fences;
CREATE TABLE instances (
  name        TEXT PRIMARY KEY,
  started_at  BIGINT NOT NULL,     -- microseconds since the epoch, by the database's clock
  lease_until BIGINT NOT NULL
);
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,    -- 'leader': the cluster-wide jobs
  owner       TEXT NOT NULL,
  fence       BIGINT NOT NULL,
  lease_until BIGINT NOT NULL
);
)sql",
    // Version 3: the audit chain (store/audit.hpp): every history line, each entry carrying the
    // hash of the one before. Gateways of a cluster append under the writers' lock, one at a time.
    R"sql(
CREATE TABLE audit (
  seq     BIGINT PRIMARY KEY,
  at      BIGINT NOT NULL,
  event   TEXT NOT NULL,
  subject TEXT NOT NULL,
  record  TEXT NOT NULL,
  prev    TEXT NOT NULL,
  hash    TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
)sql",
    // Version 4: the months of the audit chain moved to archive files (store/journal.hpp,
    // ArchivedAuditMonth), and the counts of messages and deliveries by kind, direction,
    // destination and state, kept by triggers as rows are written.
    R"sql(
CREATE TABLE audit_archives (
  month   TEXT PRIMARY KEY,
  first   BIGINT NOT NULL,
  last    BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  head    TEXT NOT NULL,
  file    TEXT NOT NULL,
  sha256  TEXT NOT NULL,
  at      BIGINT NOT NULL
);
CREATE TABLE message_counts (
  kind        TEXT NOT NULL,
  direction   TEXT NOT NULL,
  destination TEXT NOT NULL,   -- a delivery's; '': the message's own state
  state       TEXT NOT NULL,
  n           BIGINT NOT NULL,
  PRIMARY KEY (kind, direction, destination, state)
);
CREATE FUNCTION count_message_state(a_kind TEXT, a_direction TEXT, a_destination TEXT,
                                    a_state TEXT, delta BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO message_counts AS c VALUES (a_kind, a_direction, a_destination, a_state, delta)
    ON CONFLICT (kind, direction, destination, state) DO UPDATE SET n = c.n + delta;
$$;
CREATE FUNCTION message_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.state = NEW.state THEN RETURN NULL; END IF;
    PERFORM count_message_state(OLD.kind, OLD.direction, '', OLD.state, -1);
  END IF;
  PERFORM count_message_state(NEW.kind, NEW.direction, '', NEW.state, 1);
  RETURN NULL;
END $$;
CREATE TRIGGER message_counted AFTER INSERT OR UPDATE OF state ON messages
  FOR EACH ROW EXECUTE FUNCTION message_counted();
CREATE FUNCTION delivery_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k TEXT;
  dir TEXT;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state = NEW.state THEN RETURN NULL; END IF;
  SELECT kind, direction INTO k, dir FROM messages WHERE id = NEW.message_id;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM count_message_state(k, dir, OLD.destination, OLD.state, -1);
  END IF;
  PERFORM count_message_state(k, dir, NEW.destination, NEW.state, 1);
  RETURN NULL;
END $$;
CREATE TRIGGER delivery_counted AFTER INSERT OR UPDATE OF state ON deliveries
  FOR EACH ROW EXECUTE FUNCTION delivery_counted();
INSERT INTO message_counts
  SELECT kind, direction, '', state, COUNT(*) FROM messages GROUP BY kind, direction, state;
INSERT INTO message_counts
  SELECT m.kind, m.direction, d.destination, d.state, COUNT(*)
  FROM deliveries d JOIN messages m ON m.id = d.message_id
  GROUP BY m.kind, m.direction, d.destination, d.state;
)sql",
    // Version 5: a message's bytes apart from its row, each written once (the SQLite journal's
    // version 13 says why); an outbound message's signed form as the signature and its place.
    R"sql(
CREATE TABLE message_documents (
  message_id    TEXT PRIMARY KEY REFERENCES messages(id),
  payload       BYTEA NOT NULL,
  canonical_xml BYTEA NOT NULL
);
CREATE TABLE message_signatures (
  message_id   TEXT PRIMARY KEY REFERENCES messages(id),
  signature    BYTEA NOT NULL,
  signature_at BIGINT,
  document     BYTEA NOT NULL
);
INSERT INTO message_documents SELECT id, payload, canonical_xml FROM messages;
INSERT INTO message_signatures
  SELECT id, '', NULL, signed_document FROM messages WHERE length(signed_document) > 0;
ALTER TABLE messages DROP COLUMN payload, DROP COLUMN canonical_xml, DROP COLUMN signed_document;
)sql",
    // Version 6: the earlier DL-05 deadlines a periodic report can meet, found by their event day
    // (the SQLite journal's version 14).
    R"sql(
DROP INDEX deadlines_about;
CREATE INDEX deadlines_about ON deadlines(rule, about, event);
)sql",
};

// The key of the advisory lock under which one instance migrates while the others wait.
constexpr const char* kLock = "SELECT pg_advisory_lock(7403127011)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(7403127011)";

}  // namespace

Status Migrate(Connection& db, int target) {
  if (auto st = db.Exec(kLock); !st) return st;
  Status applied = sql::Migrate(db, kMigrations, target, "postgresql");
  (void)db.Exec(kUnlock);
  return applied;
}

Status LockInstance(Connection& db, bool shared) {
  sql::Statement lock(db, shared ? "SELECT pg_try_advisory_lock_shared(7403127012)"
                                 : "SELECT pg_try_advisory_lock(7403127012)");
  if (lock.Step() != sql::kRow) return db.LastError("the instance lock");
  if (lock.Text(0) != "t") {
    return MakeError("journal.busy", "postgresql",
                     shared ? "a writer of its own (a journal migrate, say) holds this database; "
                              "the gateways join it when it is done"
                            : "gateways or another writer use this database; a writer of its own "
                              "(a copy, a lone gateway without an instance name) needs it alone");
  }
  return Ok{};
}

int CurrentSchemaVersion() {
  return static_cast<int>(kMigrations.size());
}

}  // namespace eaeu::store::postgres
