// Accepted documents per second over REST into the durable journal, with 1 to 64 keep-alive
// connections, and the latency of POST /v1/documents (p50, p99). One daemon in this process
// (GOST-256 keys, 1 I/O thread, 2 workers), a libcurl multi client in this process too, so the
// whole machine is shared by both. Every accepted document is then signed and queued; the
// figures count the 202s. Prints a table; run by tests/bench/run.sh.

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "gateway/api/callers.hpp"
#include "gateway/app/daemon.hpp"
#include "gateway/sign/keys.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/support.hpp"

namespace {

using namespace eaeu;
using namespace eaeu::bench;
using Clock = bench::Clock;

size_t Discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

struct Row {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  size_t accepted = 0;
  size_t other = 0;
};

Row Run(const std::string& url, const std::string& token, const std::string& report,
        int connections, double seconds, uint64_t& next) {
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(connections));
  struct Slot {
    CURL* easy = nullptr;
    std::string body;
    Clock::time_point started;
  };
  std::vector<Slot> slots(static_cast<size_t>(connections));
  curl_slist* headers = nullptr;
  const std::string auth = "Authorization: Bearer " + token;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/xml");
  auto start_one = [&](Slot& s) {
    s.body = test::WithEDocId(report, test::NumberedEDocId(next++));
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, s.body.data());
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(s.body.size()));
    s.started = Clock::now();
    curl_multi_add_handle(multi, s.easy);
  };
  for (auto& s : slots) {
    s.easy = curl_easy_init();
    curl_easy_setopt(s.easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
    start_one(s);
  }
  std::vector<double> latencies;
  Row row;
  const auto begin = Clock::now();
  const auto end = begin + std::chrono::duration<double>(seconds);
  int running = 1;
  bool stopping = false;
  while (running > 0) {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* s = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &s);
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      latencies.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - s->started).count());
      if (msg->data.result == CURLE_OK && status == 202) {
        ++row.accepted;
      } else {
        ++row.other;
      }
      curl_multi_remove_handle(multi, s->easy);
      if (Clock::now() < end) {
        start_one(*s);
        running = 1;
      } else {
        stopping = true;
      }
    }
    if (running > 0 || !stopping) curl_multi_poll(multi, nullptr, 0, 50, nullptr);
    if (stopping) {
      int still = 0;
      curl_multi_perform(multi, &still);
      running = still;
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  for (auto& s : slots) curl_easy_cleanup(s.easy);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  std::sort(latencies.begin(), latencies.end());
  row.per_second = static_cast<double>(row.accepted) / elapsed;
  if (!latencies.empty()) {
    row.p50_ms = latencies[latencies.size() / 2];
    row.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  const std::string report = ReadText(source / "schemas/examples/inspection-report.xml");
  std::string pattern = (fs::temp_directory_path() / "eaeu-rest-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return 2;
  const fs::path dir = pattern;

  if (auto st = sign::InitialiseCrypto(source / "config/openssl-gost.cnf"); !st) return 2;
  sign::DevelopmentKeyOptions key_options;
  key_options.now = std::time(nullptr) - 3600;
  auto keys = sign::GenerateDevelopmentKeys(key_options, dir / "keys");
  if (!keys) {
    std::fprintf(stderr, "%s\n", keys.error().ToString().c_str());
    return 2;
  }
  const auto token = api::MakeToken({"bench", "RU", "P.MM.00.ACT.001"});
  {
    std::FILE* f = std::fopen((dir / "tokens").c_str(), "w");
    std::fprintf(f, "%s\n", token.line.c_str());
    std::fclose(f);
  }
  config::DaemonConfig c;
  c.io_threads = 1;
  c.worker_threads = 2;
  c.openssl_config = source / "config/openssl-gost.cnf";
  c.process_catalogue = source / "config/process.toml";
  c.api.listen = {"127.0.0.1", 0};
  c.api.tokens = dir / "tokens";
  c.journal.file = dir / "journal.sqlite";
  c.signing.key = keys->signer_key;
  c.signing.certificate = keys->signer_certificate;
  c.validation.schema_catalog = source / "schemas/catalog.toml";
  c.validation.code_lists = {source / "config/codelists"};
  spdlog::set_level(spdlog::level::warn);  // no line per message in the measurement
  auto daemon = app::Daemon::Create(c, {});
  if (!daemon || !(*daemon)->Start().ok()) {
    std::fprintf(stderr, "the daemon did not start\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string url =
      "http://127.0.0.1:" + std::to_string((*daemon)->api_port()) + "/v1/documents";

  std::printf(
      "REST intake: POST /v1/documents (%zu-byte report, GOST-256 signing after the "
      "answer), %.1f s per row, whole machine\n\n",
      report.size(), seconds);
  std::printf(
      "| connections | accepted/s | p50 (ms) | p99 (ms) | not 202 |\n|---:|---:|---:|---:|---:|\n");
  uint64_t next = 0;
  for (const int connections : {1, 4, 16, 64}) {
    const Row r = Run(url, token.token, report, connections, seconds, next);
    std::printf("| %d | %.0f | %.2f | %.2f | %zu |\n", connections, r.per_second, r.p50_ms,
                r.p99_ms, r.other);
    std::fflush(stdout);
  }
  (*daemon)->Shutdown();
  (*daemon)->Wait();
  std::printf("\nPeak RSS %ld MB\n", PeakRssKb() / 1024);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
