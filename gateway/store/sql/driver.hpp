#pragma once
// What the journal's stores need of a SQL database, whichever it is (SQLite, PostgreSQL): a
// connection that prepares statements, binds parameters by number ("?1", or "?" counted from 1)
// and reads rows, says what went wrong, and opens the transactions the stores ask for. The stores
// (store/sql/) are written once against this; each backend (store/sqlite/, store/postgres/)
// implements it and brings its own schema. Internal to store/.
//
// The SQL the stores write is the dialect both databases speak: COALESCE, ON CONFLICT DO NOTHING,
// row values, and an ordering column named rowid (SQLite's own; a bigserial in PostgreSQL).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::store::sql {

using TimePoint = std::chrono::system_clock::time_point;

// Times are kept as microseconds since the epoch, UTC.
int64_t Micros(TimePoint t);
TimePoint FromMicros(int64_t v);

enum class Stepped : uint8_t { kRow, kDone, kError };
inline constexpr Stepped kRow = Stepped::kRow;
inline constexpr Stepped kDone = Stepped::kDone;

// One use of a prepared statement: its parameters, then its rows. Made by a Connection.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void Bind(int i, std::string_view text) = 0;
  virtual void BindBlob(int i, std::string_view bytes) = 0;
  virtual void Bind(int i, int64_t v) = 0;
  virtual void BindNull(int i) = 0;
  // The next row; kDone after the last (a statement without rows: once it ran); kError.
  virtual Stepped Next() = 0;
  virtual std::string Text(int col) const = 0;  // a text or a blob column's bytes
  virtual int64_t Int(int col) const = 0;
  virtual bool IsNull(int col) const = 0;
};

class Cluster;

// One connection, used by one thread at a time.
class Connection {
 public:
  // The writer's connection of a clustered journal: the instance whose writes it fences
  // (sql/cluster.hpp); null otherwise.
  Cluster* cluster = nullptr;
  // The audit chain's last entry as the writer's transaction sees it (store/audit.hpp): read once
  // a batch, carried from change to change, taken back with a change that rolls back.
  struct AuditHead {
    bool known = false;
    uint64_t seq = 0;
    std::string hash;
  };
  AuditHead audit_head;
  // False for a journal kept at a schema from before the chain (a test's migrate_to).
  bool audit = true;

  virtual ~Connection() = default;
  // A cursor of `sql` (prepared once per connection and kept); null when it does not prepare
  // (LastError says why).
  virtual std::unique_ptr<Cursor> Prepare(const std::string& sql) = 0;
  // Runs statements without parameters or rows ("COMMIT", a migration).
  virtual Status Exec(const char* sql) = 0;
  // The last failure, as an error that names `what` it was doing.
  virtual Error LastError(const std::string& what) const = 0;
  // Rows the last statement inserted, changed or deleted.
  virtual int64_t Changes() const = 0;
  // The last failure was a unique or primary key constraint.
  virtual bool LastWasUniqueViolation() const = 0;
  // A condition: the bytes of `column` (a blob) hold those of parameter `param` (bound as a blob)
  // somewhere, as written (each database has its own function for it).
  virtual std::string HoldsBytes(std::string_view column, int param) const = 0;
  // A transaction that writes (the writer's batch), or one snapshot to read from.
  virtual Status BeginWrite() = 0;
  virtual Status BeginSnapshot() = 0;
};

inline Error SqlError(const Connection& db, const std::string& what) {
  return db.LastError(what);
}
inline Status Exec(Connection& db, const char* sql) {
  return db.Exec(sql);
}

// A statement as the stores write it: prepared on construction, parameters bound by number,
// rows read in order.
class Statement {
 public:
  Statement(Connection& db, const std::string& sql) : db_(db), cursor_(db.Prepare(sql)) {}
  Statement(Connection& db, const char* sql) : Statement(db, std::string(sql)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return cursor_ != nullptr; }
  Statement& Bind(int i, std::string_view text) {
    if (cursor_) cursor_->Bind(i, text);
    return *this;
  }
  Statement& Bind(int i, const std::string& text) { return Bind(i, std::string_view(text)); }
  Statement& Bind(int i, const char* text) { return Bind(i, std::string_view(text)); }
  Statement& BindBlob(int i, std::string_view bytes) {
    if (cursor_) cursor_->BindBlob(i, bytes);
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    if (cursor_) cursor_->Bind(i, v);
    return *this;
  }
  Statement& BindNull(int i) {
    if (cursor_) cursor_->BindNull(i);
    return *this;
  }
  Stepped Step() { return cursor_ ? cursor_->Next() : Stepped::kError; }
  // A statement that did not prepare reads as empty (its Step said kError already).
  std::string Text(int col) const { return cursor_ ? cursor_->Text(col) : std::string(); }
  int64_t Int(int col) const { return cursor_ ? cursor_->Int(col) : 0; }
  bool IsNull(int col) const { return cursor_ ? cursor_->IsNull(col) : true; }

  // Every row, each made by `read(statement)`; a failed step is an error naming `what`.
  template <class Read>
  auto All(Read read, const std::string& what)
      -> Result<std::vector<std::decay_t<std::invoke_result_t<Read&, Statement&>>>> {
    std::vector<std::decay_t<std::invoke_result_t<Read&, Statement&>>> out;
    Stepped rc;
    while ((rc = Step()) == kRow) out.push_back(read(*this));
    if (rc != kDone) return SqlError(db_, what);
    return out;
  }

 private:
  Connection& db_;
  std::unique_ptr<Cursor> cursor_;
};

// Reader connections lent one at a time; a reader waits when all are lent.
class ReaderPool {
 public:
  explicit ReaderPool(std::vector<std::unique_ptr<Connection>> connections)
      : idle_(std::move(connections)) {}

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
  Lease Acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }

 private:
  void Return(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(c));
    }
    available_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace eaeu::store::sql
