#pragma once
// A PostgreSQL database of its own for a test: on the server the test command started
// ($EAEU_TEST_POSTGRES_URL, deploy/postgres-test-server.sh), or else on one this process starts
// for itself and stops at exit; created empty for the test and dropped after it.
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace eaeu::test {

// A PostgreSQL server of this process's own (deploy/postgres-test-server.sh), in a temporary
// folder: halted and started again on the same port by a test of the database going away.
class OwnPostgresServer {
 public:
  OwnPostgresServer() {
    // The server runs as the postgres user when the tests run as root: it passes through here.
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    url_ = Run("start");
  }
  ~OwnPostgresServer() {
    try {
      Run("stop");
    } catch (const std::exception&) {  // nothing more to do at the end of a test
    }
  }
  OwnPostgresServer(const OwnPostgresServer&) = delete;
  OwnPostgresServer& operator=(const OwnPostgresServer&) = delete;

  const std::string& url() const { return url_; }  // its maintenance database, "postgres"
  void Halt() { Run("halt"); }
  void Resume() { Run("start"); }

 private:
  std::string Run(const std::string& command) {
    const auto script = SourceDir() / "deploy/postgres-test-server.sh";
    auto r = RunCommand(
        "'" + script.string() + "' " + command + " '" + (dir_ / "pg").string() + "'", dir_.path());
    if (r.exit_code != 0) {
      throw std::runtime_error("postgres-test-server.sh " + command + ": " + r.err);
    }
    return r.out.substr(0, r.out.find('\n'));
  }
  TempDir dir_;
  std::string url_;
};

// The server's URL (its maintenance database "postgres"): the test command's, or this process's
// own.
inline const std::string& PostgresServerUrl() {
  static const std::string url = []() -> std::string {
    if (const char* given = std::getenv("EAEU_TEST_POSTGRES_URL"); given && *given) return given;
    static OwnPostgresServer own;
    return own.url();
  }();
  return url;
}

// Runs one statement on a server's maintenance database.
inline void PostgresAdmin(const std::string& statement,
                          const std::string& server = PostgresServerUrl()) {
  PGconn* c = PQconnectdb(server.c_str());
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(c, PQfinish);
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c, statement.c_str()), PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(statement + ": " + PQerrorMessage(c));
  }
}

// The rows of one query on a database, each a row of its columns as text.
inline std::vector<std::vector<std::string>> PostgresRows(const std::string& url,
                                                          const std::string& query) {
  PGconn* c = PQconnectdb(url.c_str());
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(c, PQfinish);
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c, query.c_str()), PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error(query + ": " + PQerrorMessage(c));
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto& row = rows.emplace_back();
    for (int j = 0; j < PQnfields(r.get()); ++j) row.emplace_back(PQgetvalue(r.get(), i, j));
  }
  return rows;
}

// An empty database, dropped when this ends.
class PostgresDatabase {
 public:
  explicit PostgresDatabase(std::string server = PostgresServerUrl()) : server_(std::move(server)) {
    static std::atomic<int> count{0};
    name_ = "eaeu_test_" + std::to_string(::getpid()) + "_" + std::to_string(++count);
    PostgresAdmin("CREATE DATABASE " + name_, server_);
    url_ = server_.substr(0, server_.rfind('/') + 1) + name_;
  }
  ~PostgresDatabase() {
    try {
      PostgresAdmin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", server_);
    } catch (const std::exception&) {  // the server went first: nothing is left to drop
    }
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string server_;
  std::string name_;
  std::string url_;
};

}  // namespace eaeu::test
