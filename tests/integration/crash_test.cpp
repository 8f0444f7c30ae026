// Durability of eaeu-gatewayd as a process: SIGKILL while 1,000 submissions are in flight, then a
// restart finds every message that got a 202 in the journal and takes it on; SIGTERM exits 0. Its
// JSON log and the level SIGHUP takes.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>  // before Asio

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "integration/daemon_process.hpp"
#include "integration/register_fixture.hpp"
#include "integration/sandbox_fixture.hpp"
#include "submit_many.hpp"

namespace eaeu::test {

TEST_CASE("Crash: every 202 survives SIGKILL with 1,000 submissions in flight", "[daemon][crash]") {
  GatewayFiles files;
  const auto c = files.Config();
  const auto config_file = files.dir / "gateway.toml";
  WriteText(config_file, TomlOf(c, "max_connections = 2048\n"));
  const auto log = files.dir / "daemon.log";
  const std::string report = ReadText(ExamplePath(model::DocumentKind::kInspectionReport));
  constexpr int kSubmissions = 1000;
  constexpr size_t kKillAfter = 150;

  std::set<std::string> acknowledged;  // ids answered 202
  {
    DaemonProcess daemon(config_file, log);
    const uint16_t port = daemon.WaitForPort(1);
    REQUIRE(port != 0);
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/documents";

    std::vector<std::string> bodies;
    for (int i = 0; i < kSubmissions; ++i) {
      bodies.push_back(WithEDocId(report, NumberedEDocId(static_cast<uint64_t>(i))));
    }
    bool killed = false;
    SubmitMany({url}, files.ru_token, bodies, 0,
               [&](size_t, long status, const std::string& reply) {
                 if (status == 202)
                   acknowledged.insert(Json::parse(reply)["id"].get<std::string>());
                 if (!killed && acknowledged.size() >= kKillAfter) {
                   daemon.Kill(SIGKILL);  // with most of the 1,000 still in flight
                   killed = true;
                 }
               });
    REQUIRE(killed);
    CHECK(daemon.WaitExit() == -SIGKILL);
  }
  INFO(acknowledged.size() << " submissions were answered 202 before the kill");
  REQUIRE(acknowledged.size() >= kKillAfter);
  REQUIRE(acknowledged.size() < static_cast<size_t>(kSubmissions));

  DaemonProcess again(config_file, log);
  const uint16_t port = again.WaitForPort(2);
  REQUIRE(port != 0);
  HttpCall get;
  get.token = files.ru_token;
  // Every acknowledged message is there; the restart takes it on to queued.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (const auto& id : acknowledged) {
    get.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/messages/" + id;
    Json m;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto reply = Http(get);
      REQUIRE(reply.status == 200);
      m = reply.json();
      if (m["state"] == "queued") break;
      REQUIRE((m["state"] == "validated" || m["state"] == "signed"));
      std::this_thread::yield();
    }
    REQUIRE(m["state"] == "queued");
    CHECK(m["history"].size() == 3);
  }
  // Nothing in the journal is half-done: every message is queued (or rejected, never here).
  get.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/messages?limit=1000";
  const Json page = Http(get).json();
  size_t queued = 0;
  for (const auto& item : page["items"]) queued += item["state"] == "queued" ? 1 : 0;
  CHECK(queued == page["items"].size());
  CHECK(page["items"].size() >= acknowledged.size());

  again.Kill(SIGTERM);
  const int exit_code = again.WaitExit();
  const std::string text = ReadText(log);
  // The end of the log: a sanitizer's report comes after the last line of the daemon's own.
  INFO("the daemon's log ends: " << text.substr(text.size() > 4000 ? text.size() - 4000 : 0));
  CHECK(exit_code == 0);
  CHECK(text.find("eaeu-gatewayd stopped") != std::string::npos);
}

TEST_CASE(
    "Crash: a register sync killed between its sends ends with every change acknowledged once",
    "[daemon][crash][registry][sandbox]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  auto c = files.Config();
  c.process_catalogue = ShortTimers(files.dir.path());
  const auto config_file = files.dir / "gateway.toml";
  WriteText(config_file,
            TomlOf(c, "",
                   SandboxRouted(files, sandbox.port(), "KZ",
                                 "backoff_initial = \"10ms\"\nbackoff_max = \"100ms\"\n")));
  const auto log = files.dir / "daemon.log";
  constexpr size_t kOrganizations = 100;
  RegisterCsv reg("KZ", kOrganizations, 1);
  const auto organizations = [&](uint16_t port) {
    HttpCall call;
    call.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/registry/organizations?limit=1000";
    call.token = files.kz_token;
    return call;
  };
  {
    DaemonProcess daemon(config_file, log);
    const uint16_t port = daemon.WaitForPort(1);
    REQUIRE(port != 0);
    sandbox->Join({"KZ", "http://127.0.0.1:" + std::to_string(daemon.WaitForInboundPort(1)) + "/"});
    HttpCall sync;
    sync.method = "POST";
    sync.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/registry/sync";
    sync.token = files.kz_token;
    sync.content_type = "text/csv";
    sync.body = reg.Text();
    const auto planned = Http(sync);
    // Killed once the Commission has taken some of the documents, with the others going out.
    HttpCall progress;
    progress.url = "http://127.0.0.1:" + std::to_string(sandbox.port()) + "/sandbox/state";
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (planned.status == 200 && std::chrono::steady_clock::now() < give_up &&
           Http(progress).json()["taken"].size() < kOrganizations / 4) {
      std::this_thread::yield();
    }
    daemon.Kill(SIGKILL);
    INFO(planned.body);
    REQUIRE(planned.status == 200);
    REQUIRE(planned.json()["added"] == kOrganizations);
    CHECK(daemon.WaitExit() == -SIGKILL);
  }
  HttpCall state;
  state.url = "http://127.0.0.1:" + std::to_string(sandbox.port()) + "/sandbox/state";
  const size_t before_restart = Http(state).json()["taken"].size();
  UNSCOPED_INFO("the Commission had taken " << before_restart << " of " << kOrganizations
                                            << " when the daemon was killed");
  DaemonProcess daemon(config_file, log);
  const uint16_t port = daemon.WaitForPort(2);
  REQUIRE(port != 0);
  sandbox->Join({"KZ", "http://127.0.0.1:" + std::to_string(daemon.WaitForInboundPort(2)) + "/"});
  WaitFor(organizations(port), [&](const Json& j) {
    if (!j.contains("items") || j["items"].size() != kOrganizations) return false;
    for (const auto& item : j["items"]) {
      if (item["state"] != "acknowledged") return false;
    }
    return true;
  });
  // The Commission took each document once (a resend is the same EDocId, answered as the first).
  const Json taken = Http(state).json();
  std::map<std::string, int> times;
  for (const auto& t : taken["taken"]) {
    if (t["kind"] == "register-entry") ++times[t["eDocId"].get<std::string>()];
  }
  CHECK(times.size() == kOrganizations);
  std::printf("register sync crash: %zu of %zu taken before the kill\n", before_restart,
              kOrganizations);
  for (const auto& [id, n] : times) CHECK(n == 1);
  // The same register again owes nothing.
  HttpCall again;
  again.method = "POST";
  again.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/registry/sync";
  again.token = files.kz_token;
  again.content_type = "text/csv";
  again.body = reg.Text();
  CHECK(Http(again).json()["outcome"] == "nothing-to-send");
}

namespace {

// Every item of a paged list of the API (following its "next" links).
std::vector<Json> AllItems(uint16_t port, const std::string& token, std::string path) {
  std::vector<Json> out;
  while (!path.empty()) {
    HttpCall call;
    call.url = "http://127.0.0.1:" + std::to_string(port) + path;
    call.token = token;
    const Json page = Http(call).json();
    if (!page.contains("items")) break;
    for (const auto& item : page["items"]) out.push_back(item);
    path = page["next"].is_string() ? page["next"].get<std::string>() : "";
  }
  return out;
}

int KillsWanted() {
  const char* text = std::getenv("EAEU_CRASH_KILLS");
  const int n = text != nullptr ? std::atoi(text) : 20;
  return n > 0 ? n : 20;
}

}  // namespace

TEST_CASE(
    "Crash loop: killed with SIGKILL at random moments under load, restarted each time, nothing "
    "is lost or doubled",
    "[daemon][crash][crash-loop][sandbox]") {
  const int kills = KillsWanted();
  GatewayFiles files;
  sandbox::SandboxSettings sandbox_settings = SandboxOn();
  sandbox_settings.state_dir = files.dir / "sandbox";
  sandbox_settings.redeliver_initial = std::chrono::milliseconds(20);
  sandbox_settings.redeliver_max = std::chrono::milliseconds(200);
  RunningSandbox sandbox(sandbox_settings);
  auto c = files.Config();
  c.process_catalogue = ShortTimers(files.dir.path());
  const auto config_file = files.dir / "gateway.toml";
  WriteText(config_file, TomlOf(c, "max_connections = 2048\n",
                                SandboxRouted(files, sandbox.port(), "RU",
                                              "backoff_initial = \"10ms\"\nbackoff_max = "
                                              "\"100ms\"\n") +
                                    "[deadlines]\ncalendars = \"" +
                                    (SourceDir() / "config/calendars").string() + "\"\n"));
  const auto log = files.dir / "daemon.log";
  std::mt19937 random(20261205);  // the moments are random, and the same in every run
  std::mutex mutex;
  std::vector<std::string> accepted;  // the message ids answered 202
  std::atomic<uint64_t> next{1};

  std::unique_ptr<DaemonProcess> survivor;  // the run after the last kill, checked at the end
  for (int round = 1; round <= kills + 1; ++round) {
    auto process = std::make_unique<DaemonProcess>(config_file, log);
    DaemonProcess& daemon = *process;
    const uint16_t port = daemon.WaitForPort(static_cast<size_t>(round));
    INFO("start " << round << "\n" << ReadText(log).substr(0, 4000));
    REQUIRE(port != 0);
    sandbox->Join({"RU", "http://127.0.0.1:" +
                             std::to_string(daemon.WaitForInboundPort(static_cast<size_t>(round))) +
                             "/"});
    if (round > kills) {
      survivor = std::move(process);
      break;
    }
    // Clients submit while deliveries, receipts and replies are under way; the kill comes after a
    // random number of 202s of this run, with more submissions in flight.
    const size_t wanted = std::uniform_int_distribution<size_t>(1, 25)(random);
    std::atomic<size_t> this_run{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 2; ++t) {
      clients.emplace_back([&] {
        while (!stop) {
          HttpCall call;
          call.method = "POST";
          call.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/documents";
          call.token = files.ru_token;
          call.body = NumberedReport(next++);
          const auto reply = Http(call);
          if (reply.status != 202) continue;  // cut off by the kill: maybe taken, maybe not
          std::lock_guard lock(mutex);
          accepted.push_back(reply.json()["id"]);
          ++this_run;
        }
      });
    }
    while (this_run < wanted) std::this_thread::yield();
    daemon.Kill(SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    CHECK(daemon.WaitExit() == -SIGKILL);
  }

  // The last run: every 202 ends acknowledged.
  const uint16_t port = [&] {
    const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
    const std::string text = ReadText(log);
    uint16_t last = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), listening), end; it != end; ++it) {
      last = static_cast<uint16_t>(std::stoi((*it)[1]));
    }
    return last;
  }();
  std::set<std::string> ids(accepted.begin(), accepted.end());
  REQUIRE(ids.size() == accepted.size());
  UNSCOPED_INFO(kills << " kills, " << accepted.size() << " reports accepted");
  // Every message the journal holds (those answered 202, and those a kill cut off after their
  // commit) ends acknowledged.
  std::vector<Json> messages;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  for (;;) {
    messages = AllItems(port, files.ru_token, "/v1/messages?limit=1000");
    const bool done = std::all_of(messages.begin(), messages.end(),
                                  [](const Json& m) { return m["state"] == "acknowledged"; });
    if (done && messages.size() >= ids.size()) break;
    if (std::chrono::steady_clock::now() > give_up) {
      std::map<std::string, int> states;
      for (const auto& m : messages) ++states[m["state"].get<std::string>()];
      for (const auto& [state, n] : states) UNSCOPED_INFO(state << ": " << n);
      FAIL("not every message ended acknowledged");
    }
    std::this_thread::yield();
  }
  std::set<std::string> journalled;
  for (const auto& m : messages) journalled.insert(m["id"].get<std::string>());
  for (const auto& id : ids) {
    INFO("answered 202: " << id);
    CHECK(journalled.count(id) == 1);
  }
  // The Commission took each EDocId once, and every one the journal has.
  HttpCall state;
  state.url = "http://127.0.0.1:" + std::to_string(sandbox.port()) + "/sandbox/state";
  std::map<std::string, int> taken;
  const Json sandbox_state = Http(state).json();
  for (const auto& t : sandbox_state["taken"]) ++taken[t["eDocId"].get<std::string>()];
  for (const auto& [id, n] : taken) {
    INFO(id);
    CHECK(n == 1);
  }
  CHECK(taken.size() == messages.size());
  // One DL-01 per report in the journal: none lost, none doubled.
  std::vector<Json> deadlines;
  for (;;) {
    deadlines = AllItems(port, files.ru_token, "/v1/deadlines?kind=DL-01&limit=1000");
    if (deadlines.size() >= messages.size() || std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::yield();
  }
  std::set<std::string> subjects;
  for (const auto& d : deadlines) subjects.insert(d["subject"].get<std::string>());
  CHECK(subjects.size() == deadlines.size());
  CHECK(deadlines.size() == messages.size());
  std::printf(
      "crash loop: %d kills, %zu reports answered 202, %zu in the journal, %zu taken by "
      "the Commission once each, 0 lost\n",
      kills, ids.size(), messages.size(), taken.size());
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE(
    "Log: as JSON every line is an object with the message's fields, and SIGHUP takes a new level "
    "from [log]",
    "[daemon][log]") {
  GatewayFiles files;
  const auto c = files.Config();
  const auto config_file = files.dir / "gateway.toml";
  const auto with_level = [&](const std::string& level) {
    WriteText(config_file, TomlOf(c, "", "[log]\nformat = \"json\"\nlevel = \"" + level + "\"\n"));
  };
  with_level("info");
  const auto log = files.dir / "daemon.log";
  DaemonProcess daemon(config_file, log);
  const uint16_t port = daemon.WaitForPort(1);
  REQUIRE(port != 0);

  // Every line so far, each parsed (a line that is not a JSON object fails the test).
  const auto lines = [&] {
    std::vector<Json> out;
    std::istringstream text(ReadText(log));
    for (std::string line; std::getline(text, line);) {
      INFO(line);
      const Json j = Json::parse(line, nullptr, false);
      REQUIRE(j.is_object());
      out.push_back(j);
    }
    return out;
  };
  const auto wait_for = [&](const std::function<bool(const Json&)>& match) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < give_up) {
      for (const Json& j : lines()) {
        if (match(j)) return j;
      }
      std::this_thread::yield();
    }
    FAIL("no such line in\n" << ReadText(log));
    return Json();
  };
  const auto submit = [&](uint64_t n) {
    HttpCall call;
    call.method = "POST";
    call.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/documents";
    call.token = files.ru_token;
    call.body = WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(n));
    const auto r = Http(call);
    REQUIRE(r.status == 202);
    return r.json()["id"].get<std::string>();
  };

  // The intake line of a report: its id, EDocId, kind and outcome as fields.
  const std::string first = submit(1);
  const Json intake = wait_for(
      [&](const Json& j) { return j.value("message_id", "") == first && j.contains("outcome"); });
  CHECK(intake["level"] == "info");
  CHECK(intake["e_doc_id"] == NumberedEDocId(1));
  CHECK(intake["kind"] == "inspection-report");
  CHECK(intake["outcome"] == "accepted");
  CHECK_THAT(intake["time"].get<std::string>(),
             Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"));
  for (const Json& j : lines()) CHECK(j["level"] != "debug");

  // The level from [log], read again on SIGHUP: the next report's debug line is there.
  with_level("debug");
  daemon.Kill(SIGHUP);
  wait_for([](const Json& j) {
    return j["msg"].get<std::string>().find("log level debug from [log] level") !=
           std::string::npos;
  });
  const std::string second = submit(2);
  const Json queued = wait_for(
      [&](const Json& j) { return j.value("message_id", "") == second && j["level"] == "debug"; });
  CHECK(queued["msg"] == "message=" + second + " queued");

  daemon.Kill(SIGTERM);
  CHECK(daemon.WaitExit() == 0);
  CHECK(lines().size() > 5);
}

}  // namespace eaeu::test
