#pragma once
// SQLite for the journal's stores: connections that keep their prepared statements, statements
// that bind and read, and a pool of reader connections (WAL lets readers work side by side,
// each on its own snapshot). Internal to store/.

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::store::sqlite {

using TimePoint = std::chrono::system_clock::time_point;

int64_t Micros(TimePoint t);
TimePoint FromMicros(int64_t v);

Error SqlError(sqlite3* db, const std::string& what);
Status Exec(sqlite3* db, const char* sql);

// One connection, used by one thread at a time, with the statements it prepared kept for the
// next use (prepared once, reset after each).
class Connection {
 public:
  // Opens the file in WAL mode with synchronous=FULL and foreign keys on.
  static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& file);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  operator sqlite3*() const { return db_; }  // NOLINT: the raw handle, for sqlite3_* calls

  // A statement of the cache and whether a Statement uses it now.
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  // The cached statement for `sql`, prepared now if it is new; null when it does not prepare.
  Entry* Cached(const std::string& sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, Entry> cache_;
};

// A statement: from a connection's cache (reset when this ends), or prepared on a raw handle
// for once (finalised when this ends).
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql);
  Statement(Connection& connection, const char* sql) : Statement(connection, std::string(sql)) {}
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& Bind(int i, std::string_view text);
  Statement& BindBlob(int i, std::string_view bytes);
  Statement& Bind(int i, int64_t v);
  Statement& BindNull(int i);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  std::string Text(int col) const;
  int64_t Int(int col) const;
  bool IsNull(int col) const;

  // Every row, each made by `read(statement)`; a failed step is an error naming `what`.
  template <class Read>
  auto All(Read read, const std::string& what)
      -> Result<std::vector<std::decay_t<std::invoke_result_t<Read&, Statement&>>>> {
    std::vector<std::decay_t<std::invoke_result_t<Read&, Statement&>>> out;
    int rc;
    while ((rc = Step()) == SQLITE_ROW) out.push_back(read(*this));
    if (rc != SQLITE_DONE) return SqlError(sqlite3_db_handle(stmt_), what);
    return out;
  }

 private:
  Connection::Entry* cached_ = nullptr;  // set: the statement is a connection's cached one
  sqlite3_stmt* stmt_ = nullptr;
};

// Reader connections lent one at a time; a reader waits when all are lent.
class ReaderPool {
 public:
  static Result<std::unique_ptr<ReaderPool>> Open(const std::filesystem::path& file, size_t count);

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    ~Lease() { pool_.Return(std::move(c_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const { return *c_; }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Connection> c_;
  };
  Lease Acquire();

 private:
  void Return(std::unique_ptr<Connection> c);
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace eaeu::store::sqlite
