#include "gateway/store/sqlite/detail/connection.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eaeu::store::sqlite {
namespace {

// The journal writes its file and, beside it, the write-ahead log: both need a writable folder
// (SQLite's own word for either is "unable to open database file").
Status Writable(const std::filesystem::path& file) {
  std::error_code ec;
  const auto folder = std::filesystem::absolute(file, ec).parent_path();
  for (const auto& p : {folder, file}) {
    if (p == file && !std::filesystem::exists(file, ec)) continue;
    if (::access(p.c_str(), W_OK) != 0) {
      const int error = errno;
      return MakeError("journal.unwritable", p.string(),
                       std::string("the journal cannot write here: ") + std::strerror(error) +
                           (error == EROFS ? " (remount it read-write, or move the journal)" : ""));
    }
  }
  return Ok{};
}

Error ErrorOf(sqlite3* db, const std::string& what) {
  return MakeError("journal.sqlite", what, db != nullptr ? sqlite3_errmsg(db) : "out of memory");
}

// A cursor over a statement of the connection's cache (reset when it ends), or over one of its
// own when the cached one is in use by a query still open (finalised when it ends).
class SqliteCursor final : public sql::Cursor {
 public:
  SqliteCursor(sqlite3_stmt* stmt, Connection::Entry* cached) : stmt_(stmt), cached_(cached) {}
  ~SqliteCursor() override {
    if (cached_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
      cached_->in_use = false;
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  void Bind(int i, std::string_view text) override {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view bytes) override {
    sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) override { sqlite3_bind_int64(stmt_, i, v); }
  void BindNull(int i) override { sqlite3_bind_null(stmt_, i); }
  sql::Stepped Next() override {
    switch (sqlite3_step(stmt_)) {
      case SQLITE_ROW:
        return sql::Stepped::kRow;
      case SQLITE_DONE:
        return sql::Stepped::kDone;
      default:
        return sql::Stepped::kError;
    }
  }
  std::string Text(int col) const override {
    const auto* p = sqlite3_column_blob(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(static_cast<const char*>(p), static_cast<size_t>(n))
                        : std::string();
  }
  int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
  Connection::Entry* cached_;
};

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& file) {
  if (auto st = Writable(file); !st) return st.error();
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = ErrorOf(db, file.string());
    sqlite3_close(db);
    return e;
  }
  std::unique_ptr<Connection> c(new Connection(db));
  // A page cache of up to 8 MiB a connection (SQLite's default is 2 MiB): the indexes and the
  // recent rows a busy journal reads back stay in memory. Documents are rows of their own,
  // written once (migration 13), and do not need to: a larger cache only fills with the pages of
  // the last large one. The file is not memory-mapped: an I/O
  // error would then be a signal, not an error code.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=10000", "PRAGMA cache_size=-8192"}) {
    if (auto st = c->Exec(pragma); !st) {
      return MakeError(st.error().code, file.string(), st.error().message + " (" + pragma + ")");
    }
  }
  return c;
}

Connection::~Connection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
  sqlite3_close(db_);
}

std::unique_ptr<sql::Cursor> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      return nullptr;
    }
    it = cache_.emplace(sql, Entry{stmt, false}).first;  // the map's elements do not move
  }
  Entry& entry = it->second;
  if (!entry.in_use) {
    entry.in_use = true;
    return std::make_unique<SqliteCursor>(entry.stmt, &entry);
  }
  sqlite3_stmt* own = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &own, nullptr) != SQLITE_OK) {
    sqlite3_finalize(own);
    return nullptr;
  }
  return std::make_unique<SqliteCursor>(own, nullptr);
}

Status Connection::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return MakeError("journal.sqlite", sql, text);
  }
  return Ok{};
}

Error Connection::LastError(const std::string& what) const {
  return ErrorOf(db_, what);
}

int64_t Connection::Changes() const {
  return sqlite3_changes(db_);
}

bool Connection::LastWasUniqueViolation() const {
  const int code = sqlite3_extended_errcode(db_);
  return code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE;
}

Status Connection::BeginWrite() {
  return Exec("BEGIN IMMEDIATE");
}

Status Connection::BeginSnapshot() {
  return Exec("BEGIN");
}

}  // namespace eaeu::store::sqlite
