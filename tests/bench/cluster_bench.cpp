// End to end: reports per second acknowledged by the sandbox, from the first POST /v1/documents to
// the last acknowledgement, with one gateway on SQLite and one, two and three gateways sharing one
// PostgreSQL database ($EAEU_BENCH_POSTGRES_URL, the server tests/bench/run.sh starts). Every
// gateway and the sandbox run in this process on the same machine, each gateway with 1 I/O thread
// and 2 workers; the submissions go round the gateways over 32 keep-alive connections; the sandbox
// answers each report's receipt and its reply (R.006) to the first gateway. Prints a table; run by
// tests/bench/run.sh.

#include <curl/curl.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <memory>
#include <thread>

#include "gateway/api/callers.hpp"
#include "gateway/app/daemon.hpp"
#include "gateway/sandbox/sandbox.hpp"
#include "gateway/sign/keys.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/submit_many.hpp"
#include "tests/support.hpp"

namespace {

using namespace eaeu;
using namespace eaeu::bench;

// One statement on a PostgreSQL database; its first value ("" for none).
std::string Pg(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  std::string out =
      PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  PQfinish(c);
  return out;
}

// Acknowledged outbound messages in a SQLite journal.
long SqliteAcknowledged(const fs::path& file) {
  sqlite3* db = nullptr;
  long n = -1;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT COUNT(*) FROM messages WHERE direction = 'outbound' AND "
                           "state = 'acknowledged'",
                           -1, &q, nullptr) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
      n = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return n;
}

// Posts `count` reports round the gateways with `connections` in flight; the 202s.
size_t Submit(const std::vector<std::string>& urls, const std::string& token,
              const std::string& report, size_t count, int connections, uint64_t& next) {
  std::vector<std::string> bodies;
  for (size_t i = 0; i < count; ++i) {
    bodies.push_back(test::WithEDocId(report, test::NumberedEDocId(next++)));
  }
  size_t accepted = 0;
  test::SubmitMany(urls, token, bodies, connections,
                   [&](size_t, long status, const std::string&) { accepted += status == 202; });
  return accepted;
}

struct Setup {
  fs::path source;
  fs::path dir;
  sign::DevelopmentKeys keys;
  std::string token_line;
  std::string token;
};

config::DaemonConfig GatewayConfig(const Setup& s, uint16_t sandbox_port) {
  config::DaemonConfig c;
  c.io_threads = 1;
  c.worker_threads = 2;
  c.openssl_config = s.source / "config/openssl-gost.cnf";
  c.process_catalogue = s.source / "config/process.toml";
  c.api.listen = {"127.0.0.1", 0};
  c.api.tokens = s.dir / "tokens";
  c.api.max_connections = 1024;
  c.signing.key = s.keys.signer_key;
  c.signing.certificate = s.keys.signer_certificate;
  c.validation.schema_catalog = s.source / "schemas/catalog.toml";
  c.validation.code_lists = {s.source / "config/codelists"};
  c.inbound.emplace();
  c.inbound->listen = {"127.0.0.1", 0};
  c.inbound->country = "RU";
  route::RouteSettings route;
  route.to = "*";
  route.endpoint = "http://127.0.0.1:" + std::to_string(sandbox_port) + "/";
  c.routes.push_back(route);
  return c;
}

struct Row {
  double per_second = 0;
  size_t accepted = 0;
  double seconds = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  const size_t reports = argc > 2 ? std::stoul(argv[2]) : 1500;
  const char* pg = std::getenv("EAEU_BENCH_POSTGRES_URL");
  std::string pattern = (fs::temp_directory_path() / "eaeu-cluster-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return 2;
  Setup s;
  s.source = source;
  s.dir = pattern;
  if (auto st = sign::InitialiseCrypto(source / "config/openssl-gost.cnf"); !st) return 2;
  sign::DevelopmentKeyOptions key_options;
  key_options.now = std::time(nullptr) - 3600;
  auto keys = sign::GenerateDevelopmentKeys(key_options, s.dir / "keys");
  if (!keys) return 2;
  s.keys = *keys;
  const auto token = api::MakeToken({"bench", "RU", "P.MM.00.ACT.001"});
  s.token = token.token;
  {
    std::FILE* f = std::fopen((s.dir / "tokens").c_str(), "w");
    std::fprintf(f, "%s\n", token.line.c_str());
    std::fclose(f);
  }
  const std::string report = ReadText(source / "schemas/examples/inspection-report.xml");
  spdlog::set_level(spdlog::level::err);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  boost::asio::io_context sandbox_io;
  auto guard = boost::asio::make_work_guard(sandbox_io);
  sandbox::SandboxSettings ss;
  ss.listen = {"127.0.0.1", 0};
  ss.openssl_config = source / "config/openssl-gost.cnf";
  ss.process_catalogue = source / "config/process.toml";
  ss.schema_catalog = source / "schemas/catalog.toml";
  ss.code_lists = {source / "config/codelists"};
  ss.reply_after = std::chrono::milliseconds(0);
  SystemClock clock;
  auto sandbox = sandbox::Sandbox::Start(sandbox_io, ss, &clock, SystemRandom());
  if (!sandbox) {
    std::fprintf(stderr, "%s\n", sandbox.error().ToString().c_str());
    return 2;
  }
  std::thread sandbox_thread([&] { sandbox_io.run(); });

  std::printf(
      "End to end: %zu inspection reports submitted round the gateways (32 connections), "
      "signed (GOST-256), delivered to the sandbox and acknowledged by its reply; reports/s "
      "from the first POST to the last acknowledgement, whole machine\n\n",
      reports);
  std::printf(
      "| journal | gateways | acknowledged/s | accepted | seconds |\n|---|---:|---:|---:|---:|\n");
  uint64_t next = 0;
  struct Case {
    bool postgres;
    int gateways;
  };
  std::vector<Case> cases{{false, 1}};
  if (pg != nullptr && *pg != '\0') {
    cases.insert(cases.end(), {{true, 1}, {true, 2}, {true, 3}});
  } else {
    std::fprintf(stderr, "EAEU_BENCH_POSTGRES_URL is not set: the SQLite row only\n");
  }
  int round = 0;
  for (const Case& k : cases) {
    ++round;
    const std::string database =
        "eaeu_cluster_bench_" + std::to_string(::getpid()) + "_" + std::to_string(round);
    std::string url;
    auto config = GatewayConfig(s, (*sandbox)->port());
    config.journal.file = s.dir / ("journal-" + std::to_string(round) + ".sqlite");
    if (k.postgres) {
      (void)Pg(pg, "CREATE DATABASE " + database);
      url = std::string(pg).substr(0, std::string(pg).rfind('/') + 1) + database;
      config.journal.backend = "postgresql";
      config.journal.url = url;
    }
    std::vector<std::unique_ptr<app::Daemon>> gateways;
    std::vector<std::string> urls;
    for (int g = 0; g < k.gateways; ++g) {
      config.journal.instance = "bench" + std::to_string(g + 1);
      auto daemon = app::Daemon::Create(config, {});
      if (!daemon || !(*daemon)->Start().ok()) {
        std::fprintf(stderr, "gateway %d did not start%s\n", g + 1,
                     daemon ? "" : (": " + daemon.error().ToString()).c_str());
        return 2;
      }
      urls.push_back("http://127.0.0.1:" + std::to_string((*daemon)->api_port()) + "/v1/documents");
      gateways.push_back(std::move(*daemon));
    }
    (*sandbox)->Join(
        {"RU", "http://127.0.0.1:" + std::to_string(gateways[0]->inbound_port()) + "/"});
    const auto begin = bench::Clock::now();
    Row row;
    row.accepted = Submit(urls, s.token, report, reports, 32, next);
    const auto acknowledged = [&]() -> long {
      if (k.postgres) {
        const std::string n = Pg(url,
                                 "SELECT COUNT(*) FROM messages WHERE direction = 'outbound' "
                                 "AND state = 'acknowledged'");
        return n.empty() ? -1 : std::stol(n);
      }
      return SqliteAcknowledged(config.journal.file);
    };
    const auto give_up = bench::Clock::now() + std::chrono::minutes(10);
    while (acknowledged() < static_cast<long>(row.accepted) && bench::Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    row.seconds = std::chrono::duration<double>(bench::Clock::now() - begin).count();
    row.per_second = static_cast<double>(row.accepted) / row.seconds;
    std::printf("| %s | %d | %.0f | %zu | %.1f |\n", k.postgres ? "PostgreSQL" : "SQLite",
                k.gateways, row.per_second, row.accepted, row.seconds);
    std::fflush(stdout);
    for (auto& g : gateways) g->Shutdown();
    for (auto& g : gateways) g->Wait();
    gateways.clear();
    if (k.postgres) (void)Pg(pg, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }
  guard.reset();
  sandbox_io.stop();
  sandbox_thread.join();
  sandbox->reset();
  std::error_code ec;
  fs::remove_all(s.dir, ec);
  return 0;
}
