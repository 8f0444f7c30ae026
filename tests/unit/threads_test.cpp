// A validator shared by threads from its first use: Xerces completes parts of a cached grammar on
// first use, so the first documents of a process, met by several workers at once, are where a race
// would show (LeakSanitizer sees the copy one thread built and lost).
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "support.hpp"

namespace eaeu::test {

TEST_CASE("a fresh validator meets its first documents on many threads at once", "[threads]") {
  const auto validator = MakeValidator(true);
  std::vector<std::string> documents;
  for (auto kind : {model::DocumentKind::kInspectionReport, model::DocumentKind::kSuspensionNotice,
                    model::DocumentKind::kRegisterEntry, model::DocumentKind::kSummaryReport}) {
    documents.push_back(ReadText(ExamplePath(kind)));
  }
  constexpr int kThreads = 8;
  std::atomic<int> waiting{kThreads};
  std::atomic<int> valid{0};
  std::mutex mutex;
  std::vector<std::string> refusals;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // All threads start together so that the first uses meet.
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      for (size_t i = 0; i < documents.size(); ++i) {
        const auto& xml = documents[(i + static_cast<size_t>(t)) % documents.size()];
        const auto v = validator->Validate(xml, validate::InputFormat::kXml, Context());
        if (v.verdict.valid()) {
          valid.fetch_add(1);
          continue;
        }
        std::lock_guard lock(mutex);
        for (const auto& violation : v.verdict.violations) {
          refusals.push_back(violation.rule_id + " " + violation.path + ": " +
                             violation.message_en);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : refusals) UNSCOPED_INFO(r);
  CHECK(valid.load() == kThreads * static_cast<int>(documents.size()));
}

}  // namespace eaeu::test
