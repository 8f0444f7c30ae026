#include "gateway/store/postgres/detail/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace eaeu::store::postgres {
namespace {

constexpr Oid kByteaOid = 17;                       // pg_type.h: BYTEAOID
constexpr const char* kLockNotAvailable = "55P03";  // SQLSTATE lock_not_available

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A bytea column as the server writes it in text results: "\x" and two hex digits a byte.
std::string DecodeBytea(const char* text, int length) {
  std::string out;
  if (length < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, length);
  out.reserve(static_cast<size_t>(length - 2) / 2);
  for (int i = 2; i + 1 < length; i += 2) {
    out.push_back(static_cast<char>(HexValue(text[i]) * 16 + HexValue(text[i + 1])));
  }
  return out;
}

std::string ErrorMessageOf(const PGresult* r, pg_conn* conn) {
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary != nullptr ? primary : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

std::string SqlStateOf(const PGresult* r) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

class PgCursor final : public sql::Cursor {
 public:
  // `slots[i]`: the parameter "?i" is "$slots[i]" (0: the statement does not use it).
  PgCursor(Connection& db, std::string name, const std::vector<int>& slots)
      : db_(db), name_(std::move(name)), slots_(slots) {
    const int used = slots.empty() ? 0 : *std::max_element(slots.begin(), slots.end());
    values_.resize(static_cast<size_t>(used));
    null_.assign(static_cast<size_t>(used), true);
    binary_.assign(static_cast<size_t>(used), 0);
  }
  ~PgCursor() override { PQclear(result_); }

  void Bind(int i, std::string_view text) override { Set(i, text, false); }
  void BindBlob(int i, std::string_view bytes) override { Set(i, bytes, true); }
  void Bind(int i, int64_t v) override { Set(i, std::to_string(v), false); }
  void BindNull(int i) override {
    if (const int slot = Slot(i); slot > 0) null_[static_cast<size_t>(slot - 1)] = true;
  }

  sql::Stepped Next() override {
    if (result_ == nullptr) {
      if (!Run()) return sql::Stepped::kError;
    } else {
      ++row_;
    }
    return row_ < PQntuples(result_) ? sql::Stepped::kRow : sql::Stepped::kDone;
  }
  std::string Text(int col) const override {
    if (PQgetisnull(result_, row_, col) != 0) return {};
    const char* v = PQgetvalue(result_, row_, col);
    const int n = PQgetlength(result_, row_, col);
    if (PQftype(result_, col) == kByteaOid) return DecodeBytea(v, n);
    return std::string(v, static_cast<size_t>(n));
  }
  int64_t Int(int col) const override {
    if (PQgetisnull(result_, row_, col) != 0) return 0;
    const char* v = PQgetvalue(result_, row_, col);
    int64_t out = 0;
    std::from_chars(v, v + PQgetlength(result_, row_, col), out);
    return out;
  }
  bool IsNull(int col) const override { return PQgetisnull(result_, row_, col) != 0; }

 private:
  int Slot(int i) const {
    return i >= 1 && static_cast<size_t>(i) < slots_.size() ? slots_[static_cast<size_t>(i)] : 0;
  }
  void Set(int i, std::string_view value, bool binary) {
    const int slot = Slot(i);
    if (slot == 0) return;  // a parameter this form of the statement does not use
    const auto at = static_cast<size_t>(slot - 1);
    values_[at].assign(value.data(), value.size());
    null_[at] = false;
    binary_[at] = binary ? 1 : 0;
  }
  bool Run() {
    std::vector<const char*> values(values_.size());
    std::vector<int> lengths(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      values[i] = null_[i] ? nullptr : values_[i].data();
      lengths[i] = static_cast<int>(values_[i].size());
    }
    result_ = PQexecPrepared(db_.handle(), name_.c_str(), static_cast<int>(values.size()),
                             values.data(), lengths.data(), binary_.data(), 0);
    const ExecStatusType status = PQresultStatus(result_);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      db_.Failed(ErrorMessageOf(result_, db_.handle()), SqlStateOf(result_));
      return false;
    }
    int64_t changes = 0;
    const char* tuples = PQcmdTuples(result_);
    std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changes);
    db_.Ran(changes);
    return true;
  }

  Connection& db_;
  std::string name_;
  std::vector<int> slots_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> binary_;
  PGresult* result_ = nullptr;
  int row_ = 0;
};

}  // namespace

std::string Numbered(std::string_view sql, std::vector<int>& slots) {
  // First the numbers the statement uses ("?N", or each bare "?" the next one), then "$k" in the
  // order of those numbers: PostgreSQL wants a type for every parameter up to the last, and one
  // it never sees has none.
  std::vector<std::pair<size_t, size_t>> marks;  // where each "?N" is, and its length
  std::vector<int> numbers;
  int next = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '?') continue;
    size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
    int number = 0;
    if (end > i + 1) {
      std::from_chars(sql.data() + i + 1, sql.data() + end, number);
    } else {
      number = ++next;
    }
    marks.emplace_back(i, end - i);
    numbers.push_back(number);
    i = end - 1;
  }
  const int largest = numbers.empty() ? 0 : *std::max_element(numbers.begin(), numbers.end());
  slots.assign(static_cast<size_t>(largest) + 1, 0);
  int compact = 0;
  for (int n = 1; n <= largest; ++n) {
    if (std::find(numbers.begin(), numbers.end(), n) != numbers.end()) slots[n] = ++compact;
  }
  std::string out;
  out.reserve(sql.size() + 8);
  size_t copied = 0;
  for (size_t k = 0; k < marks.size(); ++k) {
    out.append(sql.substr(copied, marks[k].first - copied));
    out += '$';
    out += std::to_string(slots[static_cast<size_t>(numbers[k])]);
    copied = marks[k].first + marks[k].second;
  }
  out.append(sql.substr(copied));
  return out;
}

pg_conn* Connect(const std::string& url, const std::string& password,
                 const char* application_name) {
  // The URL expanded as libpq reads it, and the password beside it (never in the URL).
  std::vector<const char*> keywords{"dbname", "application_name"};
  std::vector<const char*> values{url.c_str(), application_name};
  if (!password.empty()) {
    keywords.push_back("password");
    values.push_back(password.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  return PQconnectdbParams(keywords.data(), values.data(), 1);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     const std::string& password) {
  pg_conn* conn = Connect(url, password, "eaeu-gatewayd");
  if (conn == nullptr) return MakeError("journal.unavailable", "", "libpq is out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(conn);
    return MakeError("journal.unavailable", "postgresql", "cannot connect: " + message);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
  std::unique_ptr<Connection> c(new Connection(conn));
  // Times are numbers and text is UTF-8, whatever the server's defaults.
  if (auto st = c->Exec("SET client_encoding = 'UTF8'"); !st) return st.error();
  return c;
}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::Usable() {
  if (hooking_) return PQstatus(conn_) == CONNECTION_OK;  // the hook's own statements
  if (PQstatus(conn_) == CONNECTION_OK && !hook_pending_) return true;
  if (PQstatus(conn_) != CONNECTION_OK) {
    PQreset(conn_);
    prepared_.clear();
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    hook_pending_ = static_cast<bool>(on_reconnect_);
  }
  if (!hook_pending_) return true;
  hooking_ = true;
  Status hooked = on_reconnect_(*this);
  hooking_ = false;
  if (!hooked) {
    Failed(hooked.error().message, kLockNotAvailable);  // tried again at the next use
    return false;
  }
  hook_pending_ = false;
  return true;
}

std::unique_ptr<sql::Cursor> Connection::Prepare(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    if (!Usable()) {
      if (sqlstate_ != kLockNotAvailable) {
        Failed("the connection to the database is lost: " + ErrorMessageOf(nullptr, conn_),
               "08006");
      }
      return nullptr;
    }
    Prepared p;
    p.name = "s" + std::to_string(prepared_.size() + 1);
    const std::string numbered = Numbered(sql, p.slots);
    PGresult* r = PQprepare(conn_, p.name.c_str(), numbered.c_str(), 0, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) Failed(ErrorMessageOf(r, conn_), SqlStateOf(r));
    PQclear(r);
    if (!ok) return nullptr;
    it = prepared_.emplace(sql, std::move(p)).first;
  }
  return std::make_unique<PgCursor>(*this, it->second.name, it->second.slots);
}

Status Connection::Exec(const char* sql) {
  if (!Usable()) {
    if (sqlstate_ != kLockNotAvailable) {
      Failed("the connection to the database is lost: " + ErrorMessageOf(nullptr, conn_), "08006");
    }
    return LastError(sql);
  }
  PGresult* r = PQexec(conn_, sql);
  const ExecStatusType status = PQresultStatus(r);
  const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (ok) {
    Ran(0);
  } else {
    Failed(ErrorMessageOf(r, conn_), SqlStateOf(r));
  }
  PQclear(r);
  if (!ok) return LastError(sql);
  return Ok{};
}

Error Connection::LastError(const std::string& what) const {
  // Class 08 (connection exceptions) and a server going away: the database, not the change.
  const bool unavailable = sqlstate_.starts_with("08") || sqlstate_.starts_with("57P") ||
                           PQstatus(conn_) != CONNECTION_OK;
  return MakeError(
      unavailable ? "journal.unavailable" : "journal.postgres", what,
      message_.empty()
          ? "the statement failed"
          : message_ + (sqlstate_.empty() ? std::string() : " (SQLSTATE " + sqlstate_ + ")"));
}

Status Connection::BeginWrite() {
  return Exec(begin_write_.c_str());
}

Status Connection::BeginSnapshot() {
  return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

}  // namespace eaeu::store::postgres
