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

#include "support.hpp"

namespace eaeu::test {

// The server's URL (its maintenance database "postgres").
inline const std::string& PostgresServerUrl() {
  struct Server {
    std::string url;
    std::unique_ptr<TempDir> dir;  // a server of this process's own
    Server() {
      if (const char* given = std::getenv("EAEU_TEST_POSTGRES_URL"); given && *given) {
        url = given;
        return;
      }
      dir = std::make_unique<TempDir>();
      // The server runs as the postgres user when the tests run as root: it passes through here.
      std::filesystem::permissions(dir->path(), std::filesystem::perms::others_exec,
                                   std::filesystem::perm_options::add);
      const auto script = SourceDir() / "deploy/postgres-test-server.sh";
      auto started = RunCommand("'" + script.string() + "' start '" + (*dir / "pg").string() + "'",
                                dir->path());
      if (started.exit_code != 0) {
        throw std::runtime_error("cannot start a PostgreSQL server: " + started.err);
      }
      url = started.out.substr(0, started.out.find('\n'));
    }
    ~Server() {
      if (dir) {
        const auto script = SourceDir() / "deploy/postgres-test-server.sh";
        RunCommand("'" + script.string() + "' stop '" + (*dir / "pg").string() + "'", dir->path());
      }
    }
  };
  static Server server;
  return server.url;
}

// Runs one statement on the server's maintenance database.
inline void PostgresAdmin(const std::string& statement) {
  PGconn* c = PQconnectdb(PostgresServerUrl().c_str());
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(c, PQfinish);
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c, statement.c_str()), PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(statement + ": " + PQerrorMessage(c));
  }
}

// An empty database, dropped when this ends.
class PostgresDatabase {
 public:
  PostgresDatabase() {
    static std::atomic<int> count{0};
    name_ = "eaeu_test_" + std::to_string(::getpid()) + "_" + std::to_string(++count);
    PostgresAdmin("CREATE DATABASE " + name_);
    const std::string& server = PostgresServerUrl();
    url_ = server.substr(0, server.rfind('/') + 1) + name_;
  }
  ~PostgresDatabase() {
    try {
      PostgresAdmin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // the server went first: nothing is left to drop
    }
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};

}  // namespace eaeu::test
