// Durable accepts per second into the journal (group commit), with 1 to 64 concurrent writers,
// for a 13.5 KB document (the example report kept twice: payload and canonical XML): the SQLite
// file (WAL, synchronous=FULL), and PostgreSQL when $EAEU_BENCH_POSTGRES_URL names a database
// (tests/bench/run.sh starts a server of its own on loopback, fsync on). Prints a table a backend.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <unistd.h>

#include <functional>

#include "gateway/store/postgres/journal.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "tests/bench/bench_support.hpp"

namespace {

using namespace eaeu;
using namespace eaeu::bench;
using Opener = std::function<Result<std::unique_ptr<store::SqlJournal>>(int writers)>;

// One table: a row per number of writers, each on a journal `open` gives.
bool Measure(const std::string& example, double seconds, const Opener& open) {
  std::printf("| writers | accepts/s | mean accepts per commit | p50 latency (ms) | p99 (ms) |\n");
  std::printf("|---:|---:|---:|---:|---:|\n");
  static std::atomic<uint64_t> next_id{0};
  for (const int writers : {1, 4, 16, 64}) {
    auto journal = open(writers);
    if (!journal) {
      std::fprintf(stderr, "%s\n", journal.error().ToString().c_str());
      return false;
    }
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> latencies(static_cast<size_t>(writers));
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        while (!stop.load()) {
          store::NewMessage m;
          m.id = std::to_string(next_id++) + "-" + std::to_string(::getpid());
          m.sender_country = "RU";
          m.sender_participant = "P.MM.00.ACT.001";
          m.kind = "inspection-report";
          m.e_doc_id = m.id;
          m.content_type = "application/xml";
          m.payload = example;
          m.canonical_xml = example;
          m.violations = "[]";
          m.at = std::chrono::system_clock::now();
          const auto t0 = Clock::now();
          if (!(*journal)->Accept(std::move(m)).ok()) std::exit(2);
          latencies[static_cast<size_t>(w)].push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
      });
    }
    while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop = true;
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    const auto stats = (*journal)->stats();
    std::printf("| %d | %.0f | %.1f | %.2f | %.2f |\n", writers,
                static_cast<double>(all.size()) / elapsed,
                static_cast<double>(stats.changes) / static_cast<double>(stats.commits),
                all[all.size() / 2], all[all.size() * 99 / 100]);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  const std::string example = ReadText(source / "schemas/examples/inspection-report.xml");
  // The journal's folder: $EAEU_BENCH_DIR (to measure a given disk), else the temp folder.
  const char* where = std::getenv("EAEU_BENCH_DIR");
  std::string pattern =
      ((where != nullptr ? fs::path(where) : fs::temp_directory_path()) / "eaeu-journal-XXXXXX")
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) return 2;
  const fs::path dir = pattern;

  std::printf("Journal: durable accepts, %.1f s per row, %zu-byte document\n\n", seconds,
              example.size());
  std::printf("SQLite, folder %s:\n\n", dir.c_str());
  const bool sqlite_ok = Measure(example, seconds, [&](int writers) {
    return store::SqliteJournal::Open({dir / ("journal-" + std::to_string(writers))});
  });
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!sqlite_ok) return 2;
  if (const char* url = std::getenv("EAEU_BENCH_POSTGRES_URL"); url != nullptr && *url != '\0') {
    std::printf("\nPostgreSQL 15 on loopback (fsync on):\n\n");
    if (!Measure(example, seconds, [&](int) {
          store::PostgresJournalOptions o;
          o.url = url;
          return store::PostgresJournal::Open(o);
        })) {
      return 2;
    }
  }
  return 0;
}
