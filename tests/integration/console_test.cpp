// The web console in Debian's headless Chromium (tests/console/console.test.mjs, driven by
// playwright-core from npm), against eaeu-gatewayd as a process on the real clock and the sandbox
// on loopback; the screenshots of each page go to console-screenshots/ beside the test binary.
#include <cstdlib>
#include <ctime>

#include "integration/daemon_process.hpp"
#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

std::string UtcToday() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
  return day;
}

TEST_CASE(
    "Console: in headless Chromium an operator signs in, sees a report acknowledged, requeues a "
    "dead letter, reads the deadline board and the routes, and switches to Russian",
    "[console][daemon][sandbox]") {
  const auto module = SourceDir() / "tests/console/node_modules/playwright-core";
  if (!std::filesystem::exists(module)) {
    FAIL("playwright-core is not installed in tests/console: run deploy/install-deps.sh --tests");
  }
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  GatewayFiles files;
  RunningSandbox sandbox;
  auto c = files.Config();
  const auto config_file = files.dir / "gateway.toml";
  // One failed send makes a dead letter at once.
  WriteText(config_file,
            TomlOf(c, "",
                   SandboxRouted(files, sandbox.port(), "RU",
                                 "backoff_initial = \"10ms\"\nbackoff_max = \"100ms\"\n"
                                 "transport_attempts = 1\n")));
  const auto log = files.dir / "daemon.log";
  DaemonProcess daemon(config_file, log);
  const uint16_t port = daemon.WaitForPort(1);
  REQUIRE(port != 0);
  sandbox->Join({"RU", "http://127.0.0.1:" + std::to_string(daemon.WaitForInboundPort(1)) + "/"});

  const auto reports = files.dir / "reports";
  std::filesystem::create_directories(reports);
  WriteText(reports / "report-1.xml", NumberedReport(1));
  WriteText(reports / "report-2.xml", NumberedReport(2));
  const auto shots = std::filesystem::current_path() / "console-screenshots";
  const std::string command = "cd '" + (SourceDir() / "tests/console").string() +
                              "' && GATEWAY=http://127.0.0.1:" + std::to_string(port) +
                              " SANDBOX=http://127.0.0.1:" + std::to_string(sandbox.port()) +
                              " OPERATOR=" + files.operator_token +
                              " AUDITOR=" + files.auditor_token + " NATIONAL=" + files.ru_token +
                              " REPORTS='" + reports.string() + "' EDOC1=" + NumberedEDocId(1) +
                              " EDOC2=" + NumberedEDocId(2) + " REPORT_NUMBER=RU-IR-9100001" +
                              " TODAY=" + UtcToday() + " SHOTS='" + shots.string() +
                              "' node console.test.mjs";
  const auto run = RunCommand(command, files.dir.path());
  INFO("the browser's test said:\n" << run.out << run.err);
  INFO("the daemon's log ends:\n"
       << [&] {
            const std::string text = ReadText(log);
            return text.substr(text.size() > 6000 ? text.size() - 6000 : 0);
          }());
  CHECK(run.exit_code == 0);
  CHECK(run.out.find(" passed, 0 failed") != std::string::npos);
  for (const char* page : {"messages", "message", "dead-letters", "requeued", "deadlines",
                           "register", "health", "deadlines-ru", "message-ru"}) {
    const auto png = shots / (std::string(page) + ".png");
    INFO(png);
    std::error_code ec;
    CHECK(std::filesystem::file_size(png, ec) > 10'000);
  }
}

}  // namespace
}  // namespace eaeu::test
