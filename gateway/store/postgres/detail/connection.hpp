#pragma once
// PostgreSQL for the journal's stores (sql::Connection), with libpq: statements prepared once
// per connection (the stores' "?N" and "?" become "$N"), parameters sent as text or, for
// documents, as bytes, results read as text (bytea decoded). A connection the server dropped is
// connected again at its next use. Internal to store/.

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/store/sql/driver.hpp"

struct pg_conn;

namespace eaeu::store::postgres {

// The statement with "?N" (and each bare "?" as the next number) written "$k", numbered in order
// of the numbers used; `slots[N]` is k (0 for a number it does not use).
std::string Numbered(std::string_view sql, std::vector<int>& slots);

// A libpq connection to `url` with `password` (none: libpq's own sources), named
// `application_name` in the server's views; its status says whether it is up. Null only when libpq
// is out of memory.
pg_conn* Connect(const std::string& url, const std::string& password, const char* application_name);

class Connection final : public sql::Connection {
 public:
  // Connects with a libpq connection string or URL ("postgresql://user@host:port/db?..."), and
  // the password when there is one.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                  const std::string& password = {});
  ~Connection() override;

  std::unique_ptr<sql::Cursor> Prepare(const std::string& sql) override;
  Status Exec(const char* sql) override;
  Error LastError(const std::string& what) const override;
  int64_t Changes() const override { return changes_; }
  bool LastWasUniqueViolation() const override { return sqlstate_ == "23505"; }
  std::string HoldsBytes(std::string_view column, int param) const override {
    return "position(?" + std::to_string(param) + " in " + std::string(column) + ") > 0";
  }
  Status BeginWrite() override;
  Status BeginSnapshot() override;

  // What a cursor reports back after it ran: the rows changed, or the failure.
  void Ran(int64_t changes) {
    changes_ = changes;
    message_.clear();
    sqlstate_.clear();
  }
  void Failed(std::string message, std::string sqlstate) {
    message_ = std::move(message);
    sqlstate_ = std::move(sqlstate);
  }
  pg_conn* handle() const { return conn_; }
  // What opens a writing transaction ("BEGIN" unless told otherwise).
  void SetBeginWrite(std::string sql) { begin_write_ = std::move(sql); }
  // Run after every reconnection (a session lock taken again); a failure leaves the connection
  // unusable until the next try.
  void OnReconnect(std::function<Status(Connection&)> hook) { on_reconnect_ = std::move(hook); }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  // Connects again when the server dropped the connection (its prepared statements go with it).
  bool Usable();

  pg_conn* conn_;
  std::function<Status(Connection&)> on_reconnect_;
  std::string begin_write_ = "BEGIN";
  bool hook_pending_ = false;  // reconnected, the hook not yet run through
  bool hooking_ = false;
  struct Prepared {
    std::string name;
    std::vector<int> slots;
  };
  std::unordered_map<std::string, Prepared> prepared_;
  int64_t changes_ = 0;
  std::string message_;
  std::string sqlstate_;
};

}  // namespace eaeu::store::postgres
