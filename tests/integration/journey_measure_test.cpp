// How many journal changes and commits a report costs on its whole way (REST in, signed, sent to
// the sandbox, its receipt, the R.006 reply through the inbound endpoint, acknowledged, and the
// deadline it starts met), per report, from the gateway's own metrics. A measurement, not a
// check: hidden from the suite, run by hand —
//   build/release/tests/eaeu_tests "[.measure]"
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <cstdio>
#include <regex>

#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

double Metric(TestGateway& g, const GatewayFiles& files, const std::string& name) {
  HttpCall metrics;
  metrics.url = g.Url("/metrics");
  metrics.token = files.operator_token;
  const std::string text = Http(metrics).body;
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\n" + name + " ([0-9.]+)\n"))) return -1;
  return std::stod(m[1]);
}

}  // namespace

TEST_CASE("Measure: journal changes and commits per acknowledged report", "[.measure]") {
  constexpr int kReports = 50;
  GatewayFiles files;
  RunningSandbox sandbox;
  TestGateway ru(GatewayOf(files, "RU", sandbox->port()));
  sandbox->Join({"RU", InboundUrl(ru)});
  const double changes0 = Metric(ru, files, "eaeu_journal_changes_total");
  const double commits0 = Metric(ru, files, "eaeu_journal_commits_total");
  std::vector<HttpCall> reports;
  for (int i = 0; i < kReports; ++i) {
    reports.push_back(Submitted(
        ru, files.ru_token,
        WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(500 + i))));
  }
  for (const auto& r : reports) {
    Until(ru, r, [](const Json& j) { return j["state"] == "acknowledged"; });
  }
  // The tracker meets the reports' DL-01 (one deadline: the reports share their number) on the
  // receipt day; then the journal settles (no change in 50 looks at the metrics).
  HttpCall met;
  met.url = ru.Url("/v1/deadlines?state=met&limit=1000");
  met.token = files.ru_token;
  Until(ru, met, [](const Json& j) { return !j["items"].empty(); });
  for (int quiet = 0; quiet < 50;) {
    const double before = Metric(ru, files, "eaeu_journal_changes_total");
    std::this_thread::yield();
    quiet = Metric(ru, files, "eaeu_journal_changes_total") == before ? quiet + 1 : 0;
  }
  const double changes = Metric(ru, files, "eaeu_journal_changes_total") - changes0;
  const double commits = Metric(ru, files, "eaeu_journal_commits_total") - commits0;
  std::printf("%d reports: %.1f journal changes and %.1f commits per acknowledged report\n",
              kReports, changes / kReports, commits / kReports);
  CHECK(changes > 0);
}

}  // namespace eaeu::test
