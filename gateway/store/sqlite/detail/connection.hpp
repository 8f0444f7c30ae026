#pragma once
// SQLite for the journal's stores (sql::Connection): a file in WAL mode with synchronous=FULL,
// whose connection keeps the statements it prepared for the next use. Internal to store/.

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "gateway/store/sql/driver.hpp"

namespace eaeu::store::sqlite {

class Connection final : public sql::Connection {
 public:
  // Opens (or creates) the file in WAL mode with synchronous=FULL and foreign keys on; a folder or
  // file the journal cannot write is refused at once, naming it.
  static Result<std::unique_ptr<Connection>> Open(const std::filesystem::path& file);
  ~Connection() override;

  std::unique_ptr<sql::Cursor> Prepare(const std::string& sql) override;
  Status Exec(const char* sql) override;
  Error LastError(const std::string& what) const override;
  int64_t Changes() const override;
  bool LastWasUniqueViolation() const override;
  std::string HoldsBytes(std::string_view column, int param) const override {
    return "instr(" + std::string(column) + ", ?" + std::to_string(param) + ") > 0";
  }
  Status BeginWrite() override;
  Status BeginSnapshot() override;

  // A statement of the cache and whether a cursor uses it now.
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace eaeu::store::sqlite
