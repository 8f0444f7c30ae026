// The register sync of a national register of 2,000 organizations with 10,000 inspectors: the
// first sync (every organization added), the same register again (nothing to send) and the
// register with 1% of the organizations changed: seconds to read, validate, compare and journal
// the plan, and the documents it plans. Prints a table; run by tests/bench/run.sh.

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "gateway/registry/sync.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "integration/register_fixture.hpp"
#include "tests/bench/bench_support.hpp"

int main(int argc, char** argv) {
  using namespace eaeu;
  namespace fs = std::filesystem;
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  constexpr size_t kOrganizations = 2000;
  constexpr size_t kInspectors = 5;

  std::string pattern = (fs::temp_directory_path() / "eaeu-registry-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return 2;
  const fs::path dir = pattern;
  auto journal = store::SqliteJournal::Open({dir / "journal.sqlite"});
  validate::ValidatorSettings vs;
  vs.schema_catalog = source / "schemas/catalog.toml";
  vs.code_lists = {source / "config/codelists"};
  auto validator = validate::Validator::Create(vs);
  if (!journal || !validator) {
    std::fprintf(stderr, "cannot start: journal or validator\n");
    return 2;
  }
  SystemClock clock;
  registry::SyncDependencies deps;
  deps.journal = journal->get();
  deps.validator = validator->get();
  deps.clock = &clock;
  uint64_t n = 0x9E3779B97F4A7C15ull;
  deps.random = [&n] { return n = n * 6364136223846793005ull + 1442695040888963407ull; };
  deps.post = [](std::function<void()> job) { std::thread(std::move(job)).detach(); };
  registry::RegistrySync sync(deps, {});

  test::RegisterCsv reg("KZ", kOrganizations, kInspectors);
  const auto run = [&](const char* what) {
    registry::SyncRequest r;
    r.bytes = reg.Text();
    r.format = registry::SourceFormat::kCsv;
    r.source = "bench";
    r.sender = {"KZ", "P.MM.00.ACT.001", "bench"};
    const auto start = bench::Clock::now();
    auto report = sync.SyncAndWait(std::move(r));
    const double seconds = std::chrono::duration<double>(bench::Clock::now() - start).count();
    if (!report) {
      std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
      std::exit(2);
    }
    std::printf("| %s | %.2f | %u | %u | %u | %zu | %zu |\n", what, seconds, report->added,
                report->changed, report->unchanged, report->invalid.size(), report->items.size());
  };
  std::printf("Register sync: %zu organizations, %zu inspectors, %zu KB of CSV\n\n", kOrganizations,
              kOrganizations * kInspectors, reg.Text().size() / 1024);
  std::printf("| sync | seconds | added | changed | unchanged | invalid | documents planned |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  run("first (the whole register)");
  run("the same register again");
  for (size_t i = 0; i < kOrganizations; i += 100) reg.SetAll(i, "address_city", "Караганда");
  run("1% of the organizations changed");
  std::printf("\npeak memory: %ld MB\n", bench::PeakRssKb() / 1024);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
