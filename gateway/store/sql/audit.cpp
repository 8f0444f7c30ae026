// The audit chain (store/audit.hpp): appending inside the writer's transaction, and reading the
// chain back to check it or export it.
#include "gateway/store/audit.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "gateway/core/clock.hpp"
#include "gateway/core/hex.hpp"
#include "gateway/core/utf8.hpp"
#include "gateway/store/postgres/detail/connection.hpp"
#include "gateway/store/sql/cluster.hpp"
#include "gateway/store/sql/detail/shared.hpp"
#include "gateway/store/sql/journal.hpp"
#include "gateway/store/sqlite/detail/connection.hpp"

namespace eaeu::store {

namespace {

void Field(EVP_MD_CTX* ctx, std::string_view bytes) {
  const std::string length = std::to_string(bytes.size()) + ":";
  EVP_DigestUpdate(ctx, length.data(), length.size());
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
}

void JsonString(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          static constexpr char kDigits[] = "0123456789abcdef";
          out += "\\u00";
          out += kDigits[u >> 4];
          out += kDigits[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string AuditHash(std::string_view prev, uint64_t seq, int64_t at_micros,
                      std::string_view event, std::string_view subject, std::string_view record) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  Field(ctx, "eaeu-audit-1");
  Field(ctx, prev);
  Field(ctx, std::to_string(seq));
  Field(ctx, std::to_string(at_micros));
  Field(ctx, event);
  Field(ctx, subject);
  Field(ctx, record);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, digest, &size);
  EVP_MD_CTX_free(ctx);
  return HexLower(std::string_view(reinterpret_cast<const char*>(digest), size));
}

namespace sql {

AuditRecord& AuditRecord::Add(std::string_view key, std::string_view value) {
  if (body_.size() > 1) body_ += ',';
  JsonString(body_, key);
  body_ += ':';
  JsonString(body_, value);
  return *this;
}

AuditRecord& AuditRecord::Add(std::string_view key, int64_t value) {
  if (body_.size() > 1) body_ += ',';
  JsonString(body_, key);
  body_ += ':' + std::to_string(value);
  return *this;
}

AuditRecord& AuditRecord::Add(const Diagnostics& d) {
  Diagnostics copy = d;
  size_t i = 0;
  for (const std::string* field : DiagnosticsFields(copy)) {
    if (!field->empty()) Add(kDiagnosticsColumns[i], *field);
    ++i;
  }
  return *this;
}

namespace {

// The chain's last entry into db.audit_head, once a batch.
Status KnowHead(Connection& db) {
  auto& head = db.audit_head;
  if (head.known) return Ok{};
  Statement last(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  switch (last.Step()) {
    case kRow:
      head = {true, static_cast<uint64_t>(last.Int(0)), last.Text(1)};
      return Ok{};
    case kDone:
      break;
    default:
      return SqlError(db, "the audit chain's last entry");
  }
  // Every entry archived (or none written yet): the chain goes on from the last archived month.
  head = {true, 0, std::string(kAuditGenesis)};
  Statement archived(db, "SELECT last, head FROM audit_archives ORDER BY last DESC LIMIT 1");
  if (archived.ok() && archived.Step() == kRow) {
    head = {true, static_cast<uint64_t>(archived.Int(0)), archived.Text(1)};
  }
  return Ok{};
}

}  // namespace

Status SealAuditChain(Connection& db, TimePoint at, const AuditSealer& seal, bool& sealed) {
  sealed = false;
  if (!db.audit) return Ok{};
  if (auto st = KnowHead(db); !st) return st;
  const auto head = db.audit_head;
  if (head.seq == 0) return Ok{};
  Statement last(db, "SELECT event FROM audit WHERE seq = ?");
  last.Bind(1, static_cast<int64_t>(head.seq));
  if (last.Step() != kRow) return SqlError(db, "the audit chain's last entry");
  if (last.Text(0) == kAuditSealEvent) return Ok{};
  auto signature = seal(head.seq, head.hash);
  if (!signature) return signature.error();
  AuditRecord record;
  record.Add("head", head.hash)
      .Add("algorithm", signature->algorithm)
      .Add("signature", signature->signature)
      .Add("certificate", signature->certificate);
  if (auto st = AppendAudit(db, at, kAuditSealEvent, std::to_string(head.seq), record); !st) {
    return st;
  }
  sealed = true;
  return Ok{};
}

Status AppendAudit(Connection& db, TimePoint at, std::string_view event, std::string_view subject,
                   const AuditRecord& record) {
  if (!db.audit) return Ok{};
  if (auto st = KnowHead(db); !st) return st;
  auto& head = db.audit_head;
  const uint64_t seq = head.seq + 1;
  const int64_t micros = Micros(at);
  // The gateway of a cluster that wrote it.
  AuditRecord with_gateway = record;
  if (db.cluster != nullptr) with_gateway.Add("gateway", db.cluster->instance());
  const std::string json = with_gateway.json();
  std::string hash = AuditHash(head.hash, seq, micros, event, subject, json);
  Statement insert(db, "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.Bind(1, static_cast<int64_t>(seq))
      .Bind(2, micros)
      .Bind(3, event)
      .Bind(4, subject)
      .Bind(5, json)
      .Bind(6, head.hash)
      .Bind(7, hash);
  if (insert.Step() != kDone) return SqlError(db, "audit entry " + std::to_string(seq));
  head.seq = seq;
  head.hash = std::move(hash);
  return Ok{};
}

namespace {

Status RemoveArchivedMonth(Connection& db, const ArchivedAuditMonth& m, TimePoint at) {
  const auto refuse = [&](const std::string& why) {
    return MakeError("audit.retire", m.month, why + "; the month stays in the journal");
  };
  // The oldest part of the chain still here: it must start the month.
  Statement oldest(db, "SELECT MIN(seq), MAX(seq), COUNT(*) FROM audit WHERE seq <= ?");
  oldest.Bind(1, static_cast<int64_t>(m.last));
  if (oldest.Step() != kRow) return SqlError(db, "the audit chain's oldest entries");
  if (oldest.IsNull(0) || static_cast<uint64_t>(oldest.Int(0)) != m.first ||
      static_cast<uint64_t>(oldest.Int(1)) != m.last ||
      static_cast<uint64_t>(oldest.Int(2)) != m.entries || m.last - m.first + 1 != m.entries) {
    return refuse("entries " + std::to_string(m.first) + " to " + std::to_string(m.last) +
                  " are not the oldest " + std::to_string(m.entries) + " of the chain");
  }
  Statement last(db, "SELECT hash FROM audit WHERE seq = ?");
  last.Bind(1, static_cast<int64_t>(m.last));
  if (last.Step() != kRow || last.Text(0) != m.head) {
    return refuse("entry " + std::to_string(m.last) + " is not the archive's head");
  }
  Statement before(db, "SELECT last FROM audit_archives ORDER BY last DESC LIMIT 1");
  const Stepped got = before.Step();
  if (got != kRow && got != kDone) return SqlError(db, "the archived months");
  const uint64_t after = got == kRow ? static_cast<uint64_t>(before.Int(0)) : 0;
  if (after + 1 != m.first) {
    return refuse("the last month archived ends at entry " + std::to_string(after) +
                  ", this one starts at " + std::to_string(m.first));
  }
  Statement remove(db, "DELETE FROM audit WHERE seq >= ? AND seq <= ?");
  remove.Bind(1, static_cast<int64_t>(m.first)).Bind(2, static_cast<int64_t>(m.last));
  if (remove.Step() != kDone) return SqlError(db, "remove the entries of " + m.month);
  Statement insert(db, "INSERT INTO audit_archives VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.Bind(1, m.month)
      .Bind(2, static_cast<int64_t>(m.first))
      .Bind(3, static_cast<int64_t>(m.last))
      .Bind(4, static_cast<int64_t>(m.entries))
      .Bind(5, m.head)
      .Bind(6, m.file)
      .Bind(7, m.sha256)
      .Bind(8, Micros(at));
  if (insert.Step() != kDone) return SqlError(db, "record the archive of " + m.month);
  AuditRecord record;
  record.Add("file", m.file)
      .Add("sha256", m.sha256)
      .Add("first", static_cast<int64_t>(m.first))
      .Add("last", static_cast<int64_t>(m.last))
      .Add("head", m.head);
  return AppendAudit(db, at, kAuditArchiveEvent, m.month, record);
}

}  // namespace

}  // namespace sql

void SqlJournal::RetireAuditMonthAsync(ArchivedAuditMonth month, TimePoint at,
                                       JournalCallback<Ok> done) {
  auto apply = [m = std::move(month), at](Connection& db) -> Status {
    return RemoveArchivedMonth(db, m, at);
  };
  impl_->Submit(std::move(apply), std::move(done));
}

namespace {

ArchivedAuditMonth ReadArchivedMonth(const sql::Statement& q) {
  ArchivedAuditMonth m;
  m.month = q.Text(0);
  m.first = static_cast<uint64_t>(q.Int(1));
  m.last = static_cast<uint64_t>(q.Int(2));
  m.entries = static_cast<uint64_t>(q.Int(3));
  m.head = q.Text(4);
  m.file = q.Text(5);
  m.sha256 = q.Text(6);
  m.at = q.Int(7);
  return m;
}

constexpr const char* kArchivedMonths =
    "SELECT month, first, last, entries, head, file, sha256, at FROM audit_archives ORDER BY last";

}  // namespace

Result<std::vector<ArchivedAuditMonth>> SqlJournal::ArchivedAuditMonths() {
  auto reader = impl_->readers->Acquire();
  Statement q(*reader, kArchivedMonths);
  return q.All(ReadArchivedMonth, "the archived months");
}

Result<std::vector<MessageCount>> SqlJournal::MessageCounts() {
  auto reader = impl_->readers->Acquire();
  Statement q(*reader,
              "SELECT kind, direction, destination, state, n FROM message_counts "
              "ORDER BY kind, direction, destination, state");
  return q.All(
      [](Statement& row) {
        MessageCount c;
        c.kind = row.Text(0);
        c.direction = row.Text(1) == DirectionName(Direction::kInbound) ? Direction::kInbound
                                                                        : Direction::kOutbound;
        c.destination = row.Text(2);
        c.state = StateFromName(row.Text(3)).value_or(MessageState::kReceived);
        c.count = static_cast<uint64_t>(std::max<int64_t>(row.Int(4), 0));
        return c;
      },
      "message counts");
}

namespace {

// A reading connection to the journal `s` names; nothing is created.
Result<std::unique_ptr<sql::Connection>> OpenForReading(const JournalSettings& s,
                                                        const std::string& password) {
  if (s.backend == "postgresql") {
    auto c = postgres::Connection::Open(s.url, password);
    if (!c) return c.error();
    return std::unique_ptr<sql::Connection>(std::move(*c));
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(s.file, ec)) {
    return MakeError("file.open", s.file.string(), "no journal file here");
  }
  auto c = sqlite::Connection::Open(s.file);
  if (!c) return c.error();
  return std::unique_ptr<sql::Connection>(std::move(*c));
}

using Entry = AuditEntry;

// Every entry from `after` on, a page at a time, to `take` (false: stop).
template <class Take>
Status EachEntry(sql::Connection& db, const std::string& where, Take take) {
  uint64_t after = 0;
  for (;;) {
    sql::Statement page(db,
                        "SELECT seq, at, event, subject, record, prev, hash FROM audit WHERE seq > "
                        "?" +
                            where + " ORDER BY seq LIMIT 2000");
    page.Bind(1, static_cast<int64_t>(after));
    size_t rows = 0;
    for (sql::Stepped s = page.Step();; s = page.Step()) {
      if (s == sql::kDone) break;
      if (s != sql::kRow) return db.LastError("the audit chain");
      Entry e{static_cast<uint64_t>(page.Int(0)),
              page.Int(1),
              page.Text(2),
              page.Text(3),
              page.Text(4),
              page.Text(5),
              page.Text(6)};
      after = e.seq;
      ++rows;
      if (!take(e)) return Ok{};
    }
    if (rows < 2000) return Ok{};
  }
}

Status HasChain(sql::Connection& db) {
  sql::Statement q(db, "SELECT COUNT(*) FROM audit WHERE seq = 0");
  if (q.Step() != sql::kRow) {
    return MakeError("journal.schema", "audit",
                     "this journal has no audit chain yet: start the daemon of this version once "
                     "to bring its schema up to date");
  }
  return Ok{};
}

std::string When(int64_t micros) {
  return FormatUtc(sql::FromMicros(micros));
}

}  // namespace

Status EachAuditEntry(const JournalSettings& settings, const std::string& password,
                      int64_t from_micros, int64_t to_micros,
                      const std::function<bool(const AuditEntry&)>& take) {
  auto db = OpenForReading(settings, password);
  if (!db) return db.error();
  if (auto st = HasChain(**db); !st) return st.error();
  if (auto st = (*db)->BeginSnapshot(); !st) return st.error();
  const std::string where =
      " AND at >= " + std::to_string(from_micros) + " AND at < " + std::to_string(to_micros);
  auto st = EachEntry(**db, where, [&](const Entry& e) { return take(e); });
  (void)(*db)->Exec("ROLLBACK");
  return st;
}

std::string AuditSealText(uint64_t seq, std::string_view head) {
  return "eaeu-audit-seal-1 " + std::to_string(seq) + " " + std::string(head);
}

Result<AuditCheck> VerifyAudit(const JournalSettings& settings, const std::string& password) {
  auto db = OpenForReading(settings, password);
  if (!db) return db.error();
  if (auto st = HasChain(**db); !st) return st.error();
  if (auto st = (*db)->BeginSnapshot(); !st) return st.error();
  AuditCheck check;
  std::string prev(kAuditGenesis);
  uint64_t expected = 1;
  // The months archived: each starts where the one before ended, and the chain here goes on from
  // the last of them (a journal from before archives has none).
  if (sql::Statement months(**db, kArchivedMonths); months.ok()) {
    for (sql::Stepped s = months.Step(); s == sql::kRow; s = months.Step()) {
      ArchivedAuditMonth m = ReadArchivedMonth(months);
      if (m.first != expected || m.last < m.first || m.entries != m.last - m.first + 1) {
        check.broken_at = m.first;
        check.reason = "the archived month " + m.month + " (entries " + std::to_string(m.first) +
                       " to " + std::to_string(m.last) + ") does not follow entry " +
                       std::to_string(expected - 1) + ": the record of the archives was edited";
        (void)(*db)->Exec("ROLLBACK");
        return check;
      }
      expected = m.last + 1;
      prev = m.head;
      check.archived.push_back(std::move(m));
    }
  }
  auto st = EachEntry(**db, "", [&](const Entry& e) {
    const std::string where = "entry " + std::to_string(e.seq) + " (" + When(e.at) + ", " +
                              e.event + " of " + e.subject + ")";
    if (e.seq != expected) {
      check.broken_at = e.seq;
      check.reason = e.seq > expected
                         ? "entries " + std::to_string(expected) +
                               (e.seq - 1 > expected ? " to " + std::to_string(e.seq - 1) : "") +
                               " before " + where + " are missing: deleted"
                         : where + " comes again: inserted";
      return false;
    }
    if (e.prev != prev) {
      check.broken_at = e.seq;
      check.reason = where +
                     " does not follow the entry before it (its link is not that entry's hash): "
                     "an entry was replaced, moved or deleted";
      return false;
    }
    if (AuditHash(e.prev, e.seq, e.at, e.event, e.subject, e.record) != e.hash) {
      check.broken_at = e.seq;
      check.reason = where +
                     " is not what was written (its hash does not match its content): "
                     "edited";
      return false;
    }
    if (e.event == kAuditSealEvent) {
      const auto record = nlohmann::json::parse(e.record, nullptr, false);
      AuditSealEntry seal;
      seal.seq = e.seq;
      seal.at = e.at;
      seal.sealed = e.seq - 1;
      if (record.is_object()) {
        seal.head = record.value("head", "");
        seal.algorithm = record.value("algorithm", "");
        seal.signature = record.value("signature", "");
        seal.certificate = record.value("certificate", "");
      }
      if (e.subject != std::to_string(seal.sealed) || seal.head != e.prev) {
        check.broken_at = e.seq;
        check.reason = where + " does not seal the entry before it";
        return false;
      }
      check.seals.push_back(std::move(seal));
    }
    prev = e.hash;
    ++expected;
    ++check.entries;
    return true;
  });
  (void)(*db)->Exec("ROLLBACK");
  if (!st) return st.error();
  check.head = prev;
  return check;
}

namespace {

// The D5 appendix 4 fields of an export, in order: the entry's own, then the message's.
constexpr const char* kExportFields[] = {"seq",
                                         "time",
                                         "event",
                                         "subject",
                                         "state",
                                         "detail",
                                         "process_code",
                                         "process_version",
                                         "procedure_code",
                                         "transaction_code",
                                         "message_code",
                                         "action",
                                         "to_address",
                                         "reply_to",
                                         "from_address",
                                         "fault_to",
                                         "wsa_message_id",
                                         "relates_to",
                                         "conversation_id",
                                         "message_type",
                                         "track_id",
                                         "accept_time",
                                         "signature_verdict",
                                         "status",
                                         "error_code",
                                         "error_text",
                                         "actor",
                                         "hash"};

std::string CsvCell(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string XmlText(const std::string& v) {
  std::string out;
  AppendXmlEscaped(out, v);
  return out;
}

}  // namespace

Result<uint64_t> ExportAudit(const JournalSettings& settings, const std::string& password,
                             const AuditExport& what, std::ostream& out) {
  auto db = OpenForReading(settings, password);
  if (!db) return db.error();
  if (auto st = HasChain(**db); !st) return st.error();
  if (auto st = (*db)->BeginSnapshot(); !st) return st.error();
  std::string where;
  if (what.from_micros) where += " AND at >= " + std::to_string(*what.from_micros);
  if (what.to_micros) where += " AND at < " + std::to_string(*what.to_micros);

  // The envelope fields of a message as the journal keeps them, read once per message.
  std::string diagnostics_sql = "SELECT signature_verdict";
  for (const char* column : sql::kDiagnosticsColumns) diagnostics_sql += std::string(", ") + column;
  diagnostics_sql += " FROM messages WHERE id = ?";
  std::string cached_id;
  nlohmann::ordered_json cached;

  switch (what.format) {
    case AuditFormat::kCsv:
      for (const char* f : kExportFields) out << (f == kExportFields[0] ? "" : ",") << f;
      out << "\r\n";
      break;
    case AuditFormat::kJson:
      out << "[";
      break;
    case AuditFormat::kXml:
      out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<auditJournal>\n";
      break;
  }
  uint64_t written = 0;
  Status failed = Ok{};
  auto st = EachEntry(**db, where, [&](const Entry& e) {
    nlohmann::ordered_json row;
    const auto record = nlohmann::json::parse(e.record, nullptr, false);
    const auto field = [&](const char* name) -> std::string {
      if (record.is_object() && record.contains(name) && record[name].is_string()) {
        return record[name].get<std::string>();
      }
      return {};
    };
    if (e.subject != cached_id) {
      cached_id = e.subject;
      cached = nlohmann::ordered_json::object();
      sql::Statement q(**db, diagnostics_sql);
      q.Bind(1, e.subject);
      if (q.Step() == sql::kRow) {
        cached["signature_verdict"] = q.Text(0);
        int i = 1;
        for (const char* column : sql::kDiagnosticsColumns) cached[column] = q.Text(i++);
      }
    }
    for (const char* f : kExportFields) {
      const std::string name = f;
      std::string v;
      if (name == "seq") {
        v = std::to_string(e.seq);
      } else if (name == "time") {
        v = When(e.at);
      } else if (name == "event") {
        v = e.event;
      } else if (name == "subject") {
        v = e.subject;
      } else if (name == "hash") {
        v = e.hash;
      } else {
        // What the entry itself recorded wins over what the message holds now.
        v = field(f);
        if (v.empty() && cached.contains(name)) v = cached[name].get<std::string>();
      }
      row[name] = v;
    }
    switch (what.format) {
      case AuditFormat::kCsv: {
        bool first = true;
        for (const auto& [k, v] : row.items()) {
          out << (first ? "" : ",") << CsvCell(v.get<std::string>());
          first = false;
        }
        out << "\r\n";
        break;
      }
      case AuditFormat::kJson:
        out << (written == 0 ? "\n" : ",\n")
            << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        break;
      case AuditFormat::kXml:
        out << "  <entry>";
        for (const auto& [k, v] : row.items()) {
          const std::string text = v.get<std::string>();
          if (!text.empty()) out << "<" << k << ">" << XmlText(text) << "</" << k << ">";
        }
        out << "</entry>\n";
        break;
    }
    ++written;
    if (!out) {
      failed = MakeError("file.write", "audit export", "the output could not be written");
      return false;
    }
    return true;
  });
  (void)(*db)->Exec("ROLLBACK");
  if (!st) return st.error();
  if (!failed) return failed.error();
  switch (what.format) {
    case AuditFormat::kCsv:
      break;
    case AuditFormat::kJson:
      out << "\n]\n";
      break;
    case AuditFormat::kXml:
      out << "</auditJournal>\n";
      break;
  }
  return written;
}

}  // namespace eaeu::store
