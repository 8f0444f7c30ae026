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

}  // namespace

using std::chrono::duration_cast;
using std::chrono::microseconds;

int64_t Micros(TimePoint t) {
  return duration_cast<microseconds>(t.time_since_epoch()).count();
}

TimePoint FromMicros(int64_t v) {
  return TimePoint(duration_cast<TimePoint::duration>(microseconds(v)));
}

Error SqlError(sqlite3* db, const std::string& what) {
  return MakeError("journal.sqlite", what, db != nullptr ? sqlite3_errmsg(db) : "out of memory");
}

Status Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return MakeError("journal.sqlite", sql, text);
  }
  return Ok{};
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::filesystem::path& file) {
  if (auto st = Writable(file); !st) return st.error();
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = SqlError(db, file.string());
    sqlite3_close(db);
    return e;
  }
  std::unique_ptr<Connection> c(new Connection(db));
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"}) {
    if (auto st = Exec(db, pragma); !st) {
      return MakeError(st.error().code, file.string(), st.error().message + " (" + pragma + ")");
    }
  }
  return c;
}

Connection::~Connection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
  sqlite3_close(db_);
}

Connection::Entry* Connection::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      return nullptr;
    }
    it = cache_.emplace(sql, Entry{stmt, false}).first;
  }
  return &it->second;  // stays where it is: the map's elements do not move
}

Statement::Statement(Connection& connection, const std::string& sql) {
  Connection::Entry* entry = connection.Cached(sql);
  if (entry != nullptr && !entry->in_use) {
    entry->in_use = true;
    cached_ = entry;
    stmt_ = entry->stmt;
  } else if (entry != nullptr) {  // in use by a query still open: one of its own
    if (sqlite3_prepare_v2(connection, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt_);
      stmt_ = nullptr;
    }
  }
}

Statement::Statement(sqlite3* db, const char* sql) {
  if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

Statement::~Statement() {
  if (cached_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    cached_->in_use = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

int Statement::Step() {
  return sqlite3_step(stmt_);
}

std::string Statement::Text(int col) const {
  const auto* p = sqlite3_column_blob(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p != nullptr ? std::string(static_cast<const char*>(p), static_cast<size_t>(n))
                      : std::string();
}

int64_t Statement::Int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

bool Statement::IsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

Result<std::unique_ptr<ReaderPool>> ReaderPool::Open(const std::filesystem::path& file,
                                                     size_t count) {
  auto pool = std::make_unique<ReaderPool>();
  for (size_t i = 0; i < std::max<size_t>(count, 1); ++i) {
    auto c = Connection::Open(file);
    if (!c) return c.error();
    pool->idle_.push_back(std::move(*c));
  }
  return pool;
}

ReaderPool::Lease ReaderPool::Acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  auto c = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(c));
}

void ReaderPool::Return(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));
  }
  available_.notify_one();
}

}  // namespace eaeu::store::sqlite
