// Durable accepts per second into the SQLite journal (WAL, synchronous=FULL, group commit), with
// 1 to 64 concurrent writers, for a 13.5 KB document (the example report kept twice: payload and
// canonical XML). Prints a table; run by tests/bench/run.sh.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "gateway/store/sqlite/journal.hpp"
#include "tests/bench/bench_support.hpp"

int main(int argc, char** argv) {
  using namespace eaeu;
  using namespace eaeu::bench;
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

  std::printf("Journal: durable accepts, %.1f s per row, %zu-byte document, folder %s\n\n", seconds,
              example.size(), dir.c_str());
  std::printf("| writers | accepts/s | mean accepts per commit | p50 latency (ms) | p99 (ms) |\n");
  std::printf("|---:|---:|---:|---:|---:|\n");
  std::atomic<uint64_t> next_id{0};
  for (const int writers : {1, 4, 16, 64}) {
    auto journal = store::SqliteJournal::Open({dir / ("journal-" + std::to_string(writers))});
    if (!journal) {
      std::fprintf(stderr, "%s\n", journal.error().ToString().c_str());
      return 2;
    }
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> latencies(static_cast<size_t>(writers));
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        while (!stop.load()) {
          store::NewMessage m;
          m.id = std::to_string(next_id++);
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
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
