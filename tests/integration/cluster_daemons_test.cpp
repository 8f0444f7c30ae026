// Whole gateways in a cluster on one PostgreSQL database, as processes: 5,000 reports across
// three with one killed half-way and never restarted; a gateway paused past its lease (SIGSTOP)
// whose work another takes over and who, resumed, is fenced; the same document at two gateways at
// once; and the database stopped and started under a load of submissions.
#include <utility>  // before Asio

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "integration/daemon_process.hpp"
#include "integration/postgres_fixture.hpp"
#include "integration/sandbox_fixture.hpp"
#include "submit_many.hpp"

namespace eaeu::test {
namespace {

// The configuration of gateway `instance` of a cluster on `database`, delivering to the sandbox
// and receiving on an inbound endpoint of its own.
std::filesystem::path ClusterConfig(const GatewayFiles& files, const std::string& instance,
                                    const std::string& database, uint16_t sandbox_port,
                                    const std::string& lease = "2s") {
  auto c = files.Config();
  // Timers short enough that the sends a kill or a pause cut off go again soon, long enough that a
  // loaded machine answers within them: the Commission's reply, sent back to the first gateway
  // through a queue of thousands, may take tens of seconds after its receipt.
  c.process_catalogue = ShortTimers(files.dir.path(), "PT5S", "PT60S", "PT60S");
  std::string toml = TomlOf(c, "max_connections = 2048\n",
                            SandboxRouted(files, sandbox_port, "RU",
                                          "backoff_initial = \"10ms\"\nbackoff_max = \"200ms\"\n"));
  const std::string file_line = "[journal]\nfile = \"" + c.journal.file.string() + "\"\n";
  const auto at = toml.find(file_line);
  REQUIRE(at != std::string::npos);
  toml.replace(at, file_line.size(),
               "[journal]\nbackend = \"postgresql\"\nurl = \"" + database + "\"\ninstance = \"" +
                   instance + "\"\nlease = \"" + lease + "\"\n");
  const auto path = files.dir / (instance + ".toml");
  WriteText(path, toml);
  return path;
}

std::string ApiUrl(uint16_t port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

// Asks the database until `count_sql` counts `expected`, for up to `limit`.
// On a failure, the rows of `explain` say what is left.
void UntilCount(const std::string& database, const std::string& count_sql, size_t expected,
                std::chrono::seconds limit = std::chrono::seconds(300),
                const std::string& explain = "", const std::function<std::string()>& more = {}) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  std::string now;
  while (std::chrono::steady_clock::now() < give_up) {
    now = PostgresRows(database, count_sql).at(0).at(0);
    if (now == std::to_string(expected)) return;
    std::this_thread::yield();
  }
  std::string rows;
  if (!explain.empty()) {
    for (const auto& row : PostgresRows(database, explain)) {
      for (const auto& column : row) rows += column + " | ";
      rows += "\n";
    }
  }
  if (more) rows += more();
  FAIL(count_sql << " is " << now << ", not " << expected << "\n" << rows);
}

}  // namespace

TEST_CASE(
    "Cluster: three gateways take 5,000 reports, one is killed half-way and not restarted, and "
    "every accepted report is acknowledged by the sandbox once with its deadline tracked once",
    "[postgres][cluster][daemon][crash]") {
  PostgresDatabase database;
  GatewayFiles files;
  auto settings = SandboxOn();
  settings.redeliver_max = std::chrono::milliseconds(2'000);
  RunningSandbox sandbox(settings);
  std::vector<std::unique_ptr<DaemonProcess>> gateways;
  std::vector<uint16_t> ports;
  for (int i = 1; i <= 3; ++i) {
    const std::string name = "gw" + std::to_string(i);
    // A lease long enough that a gateway starved of CPU by the load (and a sanitizer) keeps it;
    // the killed gateway's work waits that long before the others take it.
    gateways.push_back(std::make_unique<DaemonProcess>(
        ClusterConfig(files, name, database.url(), sandbox.port(), "10s"),
        files.dir / (name + ".log")));
    ports.push_back(gateways.back()->WaitForPort(1));
    REQUIRE(ports.back() != 0);
  }
  // The Commission answers the first gateway's endpoint: answers about the others' sends reach
  // it, and it takes those messages over.
  sandbox->Join(
      {"RU", "http://127.0.0.1:" + std::to_string(gateways[0]->WaitForInboundPort(1)) + "/"});

  constexpr size_t kReports = 5000;
  std::vector<std::string> bodies;
  for (size_t i = 0; i < kReports; ++i) bodies.push_back(NumberedReport(i));
  std::vector<std::string> urls;
  for (const uint16_t port : ports) urls.push_back(ApiUrl(port, "/v1/documents"));
  std::map<std::string, std::string> accepted;  // EDocId -> message id
  std::map<long, size_t> statuses;              // of every answer, 0: none
  std::string refusal;                          // the first answer that was not a 202
  const auto take = [&](size_t i, long status, const std::string& reply) {
    ++statuses[status];
    if (status == 202) {
      accepted[NumberedEDocId(i)] = Json::parse(reply)["id"].get<std::string>();
    } else if (refusal.empty()) {
      refusal = std::to_string(status) + " " + reply.substr(0, 300);
    }
  };
  size_t answered = 0;
  bool killed = false;
  SubmitMany(urls, files.ru_token, bodies, 96,
             [&](size_t i, long status, const std::string& reply) {
               take(i, status, reply);
               if (!killed && ++answered >= kReports / 2) {
                 gateways[2]->Kill(SIGKILL);  // with its share of the rest in flight, never
                 killed = true;               // restarted
               }
             });
  REQUIRE(killed);
  CHECK(gateways[2]->WaitExit() == -SIGKILL);
  // As a client does, what was not taken (the killed gateway's, or a 503 with Retry-After under
  // load) is sent again to the gateways still up, a few times at most.
  for (int pass = 0; pass < 3 && accepted.size() < kReports; ++pass) {
    std::vector<size_t> again;
    std::vector<std::string> again_bodies;
    for (size_t i = 0; i < kReports; ++i) {
      if (accepted.contains(NumberedEDocId(i))) continue;
      again.push_back(i);
      again_bodies.push_back(bodies[i]);
    }
    SubmitMany(
        {urls[0], urls[1]}, files.ru_token, again_bodies, 32,
        [&](size_t j, long status, const std::string& reply) { take(again[j], status, reply); });
  }
  std::string counted;
  for (const auto& [status, n] : statuses) {
    counted += (counted.empty() ? "" : ", ") + std::to_string(n) + " answered " +
               (status == 0 ? std::string("nothing") : std::to_string(status));
  }
  std::printf("cluster: %s%s\n", counted.c_str(),
              refusal.empty() ? "" : ("; the first not taken: " + refusal).c_str());
  INFO(accepted.size() << " of " << kReports << " reports were accepted: " << counted
                       << "; the first not taken: " << refusal);
  REQUIRE(accepted.size() == kReports);

  // Every report the journal took reaches acknowledged, its gateway gone or not: the accepted
  // ones, and those the killed gateway committed without its 202 reaching the caller.
  const std::string outbound = "SELECT COUNT(*) FROM messages WHERE direction = 'outbound'";
  // What the journal and the gateways' logs say of a message left behind: the lines that name it,
  // its EDocId or one of its sends, and the answers received about it.
  const auto stuck_lines = [&] {
    std::string out;
    for (const auto& row : PostgresRows(database.url(),
                                        "SELECT id, e_doc_id FROM messages WHERE direction = "
                                        "'outbound' AND state <> 'acknowledged' LIMIT 2")) {
      std::vector<std::string> needles = {row[0], row[1]};
      for (const auto& send :
           PostgresRows(database.url(),
                        "SELECT wire_id FROM delivery_sends WHERE message_id = '" + row[0] + "'")) {
        needles.push_back(send[0].substr(send[0].rfind(':') + 1));
      }
      for (const auto& answer :
           PostgresRows(database.url(),
                        "SELECT id, kind, state, owner FROM messages WHERE direction = 'inbound' "
                        "AND convert_from(payload, 'UTF8') LIKE '%" +
                            row[1] + "%'")) {
        out += "answer " + answer[0] + " " + answer[1] + " " + answer[2] + " " + answer[3] + "\n";
        needles.push_back(answer[0]);
      }
      // Its audit trail, with the gateway that wrote each line.
      for (const auto& entry :
           PostgresRows(database.url(), "SELECT seq, event, record FROM audit WHERE subject = '" +
                                            row[0] + "' ORDER BY seq")) {
        out += "audit " + entry[0] + " " + entry[1] + " " + entry[2] + "\n";
      }
      // What the sandbox sent about it and how that ended (taken, refused); nothing: still trying.
      const Json state = sandbox.State();  // held: the loop reads into it
      for (const auto& sent : state["sent"]) {
        if (sent["what"].get<std::string>().find(row[1]) != std::string::npos) {
          out += "sandbox sent: " + sent.dump() + "\n";
        }
      }
      for (int i = 1; i <= 3; ++i) {
        std::istringstream lines(ReadText(files.dir / ("gw" + std::to_string(i) + ".log")));
        for (std::string line; std::getline(lines, line);) {
          for (const auto& needle : needles) {
            if (line.find(needle) != std::string::npos) {
              out += "gw" + std::to_string(i) + ": " + line + "\n";
              break;
            }
          }
        }
      }
    }
    return out;
  };
  // Under the sanitizer build with the suite's other tests beside it, the last of the 5,000
  // reports takes several minutes.
  UntilCount(database.url(), outbound + " AND state <> 'acknowledged'", 0,
             std::chrono::seconds(600),
             "SELECT m.id, m.state, m.owner, d.state, d.sends, d.failures, d.error, (SELECT "
             "string_agg(e.state || ' ' || e.detail, '; ' ORDER BY e.seq) FROM delivery_events e "
             "WHERE e.message_id = m.id) FROM messages m LEFT JOIN deliveries d ON d.message_id "
             "= m.id WHERE m.direction = 'outbound' AND m.state <> 'acknowledged' LIMIT 10",
             stuck_lines);
  const size_t kept = std::stoul(PostgresRows(database.url(), outbound).at(0).at(0));
  CHECK(kept == accepted.size());  // the killed gateway's unanswered ones were sent again
  std::map<std::string, std::string> journalled;  // EDocId -> message id
  for (const auto& row : PostgresRows(
           database.url(), "SELECT e_doc_id, id FROM messages WHERE direction = 'outbound'")) {
    journalled[row[0]] = row[1];
  }
  for (const auto& [e_doc_id, id] : accepted) {
    INFO(e_doc_id);
    CHECK(journalled[e_doc_id] == id);
  }

  // The Commission took each report once, and nothing else.
  const Json state = sandbox.State();
  std::map<std::string, int> taken;
  for (const auto& t : state["taken"]) {
    if (t["kind"] == "inspection-report") ++taken[t["eDocId"].get<std::string>()];
  }
  CHECK(taken.size() == kept);
  size_t twice = 0;
  for (const auto& [e_doc_id, times] : taken) {
    twice += times != 1 ? 1 : 0;
    CHECK(journalled.contains(e_doc_id));
  }
  CHECK(twice == 0);
  // Every report's deadline (DL-01) is tracked once, by the leader.
  UntilCount(database.url(),
             "SELECT COUNT(DISTINCT message_id) FROM deadlines WHERE rule = 'DL-01'", kept);
  CHECK(PostgresRows(database.url(), "SELECT COUNT(*) FROM deadlines WHERE rule = 'DL-01'")
            .at(0)
            .at(0) == std::to_string(kept));
  const auto envelopes = state["envelopes"].is_number() ? state["envelopes"].get<int64_t>() : -1;
  std::printf(
      "cluster: %zu of %zu reports accepted across 3 gateways (one killed at %zu), %lld "
      "envelopes taken by the sandbox\n",
      accepted.size(), kReports, kReports / 2, static_cast<long long>(envelopes));

  for (size_t i = 0; i < 2; ++i) {
    gateways[i]->Kill(SIGTERM);
    CHECK(gateways[i]->WaitExit() == 0);
  }

  // The three appended to one audit chain in turn, the killed one too: whole, one entry per
  // history line, and the seals the gateways that stopped put on it.
  const auto audit = RunCommand(
      std::string(EAEU_CLI) + " audit verify --config '" + (files.dir / "gw1.toml").string() + "'",
      files.dir.path());
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
  CHECK_THAT(audit.out,
             Catch::StartsWith(
                 "audit chain whole: " +
                 PostgresRows(database.url(),
                              "SELECT (SELECT COUNT(*) FROM message_events) + (SELECT COUNT(*) "
                              "FROM delivery_events) + (SELECT COUNT(*) FROM deadline_events) + "
                              "(SELECT COUNT(*) FROM audit WHERE event = 'seal')")
                     .at(0)
                     .at(0) +
                 " entries"));
}

TEST_CASE(
    "Cluster: a gateway paused past its lease loses its work to another and resumed it is fenced "
    "and sends nothing a second time",
    "[postgres][cluster][daemon]") {
  PostgresDatabase database;
  GatewayFiles files;
  auto settings = SandboxOn();
  settings.stall = std::chrono::milliseconds(4'000);
  RunningSandbox sandbox(settings);
  DaemonProcess first(ClusterConfig(files, "first", database.url(), sandbox.port()),
                      files.dir / "first.log");
  const uint16_t first_port = first.WaitForPort(1);
  REQUIRE(first_port != 0);
  sandbox->Join({"RU", "http://127.0.0.1:" + std::to_string(first.WaitForInboundPort(1)) + "/"});
  const auto second_log = files.dir / "second.log";
  DaemonProcess second(ClusterConfig(files, "second", database.url(), sandbox.port()), second_log);
  const uint16_t second_port = second.WaitForPort(1);
  REQUIRE(second_port != 0);

  // The same document at both gateways at the same moment: one message, one id.
  {
    const std::string body = NumberedReport(900);
    std::vector<std::pair<long, std::string>> answers(2);
    std::vector<std::thread> both;
    for (size_t i = 0; i < 2; ++i) {
      both.emplace_back([&, i] {
        HttpCall call;
        call.method = "POST";
        call.url = ApiUrl(i == 0 ? first_port : second_port, "/v1/documents");
        call.token = files.ru_token;
        call.body = body;
        const auto r = Http(call);
        answers[i] = {r.status, r.body};
      });
    }
    for (auto& t : both) t.join();
    INFO(answers[0].second << "\n" << answers[1].second);
    CHECK(answers[0].first == 202);
    CHECK(answers[1].first == 202);
    CHECK(Json::parse(answers[0].second)["id"] == Json::parse(answers[1].second)["id"]);
    CHECK(PostgresRows(database.url(), "SELECT COUNT(*) FROM messages").at(0).at(0) == "1");
  }

  // The second gateway sends a report the Commission stalls on; paused with it on the wire.
  sandbox.Misbehave("stall", 1);
  HttpCall submit;
  submit.method = "POST";
  submit.url = ApiUrl(second_port, "/v1/documents");
  submit.token = files.ru_token;
  submit.body = NumberedReport(901);
  const auto taken_in = Http(submit);
  REQUIRE(taken_in.status == 202);
  const std::string id = taken_in.json()["id"].get<std::string>();
  UntilCount(database.url(),
             "SELECT COUNT(*) FROM deliveries WHERE message_id = '" + id + "' AND sends = 1", 1);
  second.Kill(SIGSTOP);

  // Its lease runs out: the first gateway claims the report, sends it again and it is answered.
  UntilCount(database.url(),
             "SELECT COUNT(*) FROM messages WHERE id = '" + id + "' AND owner LIKE 'first-%'", 1,
             std::chrono::seconds(60), "SELECT id, owner, state, fence FROM messages", [&] {
               const std::string log = ReadText(files.dir / "first.log");
               return log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
             });
  UntilCount(database.url(),
             "SELECT COUNT(*) FROM messages WHERE id = '" + id + "' AND state = 'acknowledged'", 1,
             std::chrono::seconds(60));
  const std::string events_before =
      PostgresRows(database.url(),
                   "SELECT COUNT(*) FROM delivery_events WHERE message_id = '" + id + "'")
          .at(0)
          .at(0);

  // Resumed, the second gateway acts on what it still holds in memory: its write is refused.
  second.Kill(SIGCONT);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ReadText(second_log).find("is delivered by another gateway of the cluster now") ==
             std::string::npos &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  const std::string log = ReadText(second_log);
  INFO(log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  CHECK(log.find("is delivered by another gateway of the cluster now") != std::string::npos);
  // Nothing it did after its pause reached the journal, and the Commission has the report once.
  CHECK(PostgresRows(database.url(),
                     "SELECT COUNT(*) FROM delivery_events WHERE message_id = '" + id + "'")
            .at(0)
            .at(0) == events_before);
  CHECK(PostgresRows(database.url(), "SELECT state FROM messages WHERE id = '" + id + "'")
            .at(0)
            .at(0) == "acknowledged");
  const Json sandbox_state = sandbox.State();
  INFO(sandbox_state["taken"].dump());
  int times = 0;
  for (const auto& t : sandbox_state["taken"]) {
    times += t["eDocId"] == NumberedEDocId(901) ? 1 : 0;
  }
  CHECK(times == 1);

  second.Kill(SIGTERM);
  CHECK(second.WaitExit() == 0);
  first.Kill(SIGTERM);
  CHECK(first.WaitExit() == 0);
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE(
    "Cluster: PostgreSQL stopped and started under a load of submissions to two gateways loses "
    "no 202 and both take documents again by themselves",
    "[postgres][cluster][daemon][faults]") {
  OwnPostgresServer server;
  PostgresDatabase database(server.url());
  GatewayFiles files;
  auto config = files.Config();
  config.journal.backend = "postgresql";
  config.journal.url = database.url();
  config.journal.lease = std::chrono::milliseconds(2'000);
  config.journal.instance = "a";
  TestGateway a(config);
  config.journal.instance = "b";
  TestGateway b(config);

  // Four submitters, two on each gateway, until told to stop; the database goes away and comes
  // back meanwhile.
  std::mutex mutex;
  std::set<std::string> accepted;
  std::map<long, int> statuses;
  std::atomic<bool> stop{false};
  std::atomic<int> next{0};
  std::atomic<int> after_return{0};
  std::atomic<bool> returned{false};
  std::vector<std::thread> submitters;
  for (int s = 0; s < 4; ++s) {
    submitters.emplace_back([&, s] {
      TestGateway& g = s % 2 == 0 ? a : b;
      while (!stop) {
        HttpCall call;
        call.method = "POST";
        call.url = g.Url("/v1/documents");
        call.token = files.ru_token;
        call.body = WithEDocId(ExampleText(model::DocumentKind::kInspectionReport),
                               NumberedEDocId(static_cast<uint64_t>(++next)));
        const auto r = Http(call);
        std::lock_guard lock(mutex);
        ++statuses[r.status];
        if (r.status == 202) {
          accepted.insert(r.json()["id"].get<std::string>());
          if (returned) ++after_return;
        } else if (r.status == 503) {
          CHECK_THAT(r.headers, Catch::Contains("Retry-After"));
        } else {
          FAIL_CHECK(r.status << " " << r.body);
        }
      }
    });
  }
  const auto until = [&](const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!done() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    REQUIRE(done());
  };
  const auto count = [&](long status) {
    std::lock_guard lock(mutex);
    return statuses[status];
  };
  until([&] { return count(202) >= 50; });
  server.Halt();
  until([&] { return count(503) >= 20; });
  server.Resume();
  returned = true;
  until([&] { return after_return >= 50; });
  stop = true;
  for (auto& t : submitters) t.join();

  // Every 202 is in the journal, whichever gateway gave it.
  std::set<std::string> kept;
  for (const auto& row : PostgresRows(database.url(), "SELECT id FROM messages")) {
    kept.insert(row[0]);
  }
  INFO(statuses[202] << " accepted, " << statuses[503] << " answered 503");
  for (const auto& id : accepted) {
    INFO(id);
    CHECK(kept.contains(id));
  }
  std::printf("cluster: the database stopped under load: %d accepted, %d answered 503\n",
              statuses[202], statuses[503]);
}

}  // namespace eaeu::test
