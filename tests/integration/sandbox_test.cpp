// The sandbox peer with two running gateways (Russia and Kazakhstan) on 127.0.0.1: a report goes
// from the Russian gateway to the sandbox, comes back acknowledged by the R.006 reply through the
// inbound endpoint, and reaches the Kazakh gateway's inbox (TRN.002); the misbehaviours the
// sandbox is asked for are survived.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <boost/asio/ip/tcp.hpp>
#include <regex>

#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {

TEST_CASE(
    "Sandbox: a report travels to the Commission, comes back acknowledged, and reaches "
    "the other state's inbox, and misbehaviour is survived",
    "[sandbox][daemon][inbound][delivery]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  const uint16_t port = sandbox->port();
  TestGateway ru(GatewayOf(files, "RU", port));
  TestGateway kz(GatewayOf(files, "KZ", port));
  sandbox->Join({"RU", InboundUrl(ru)});
  sandbox->Join({"KZ", InboundUrl(kz)});

  auto submit = [&](const std::string& xml) { return Submitted(ru, files.ru_token, xml); };
  auto misbehave = [&](const std::string& what) { sandbox.Misbehave(what); };
  auto acknowledged = [](const Json& j) { return j["state"] == "acknowledged"; };

  // End to end: receipt, then the R.006 reply through the inbound endpoint.
  const auto report = submit(ExampleText(model::DocumentKind::kInspectionReport));
  const Json m = Until(ru, report, acknowledged);
  CHECK(m["deliveries"][0]["to"] == "EAEU://EEC/CP/P.MM.00/P.ACT.001");
  CHECK(m["deliveries"][0]["sends"] == 1);

  // The Commission distributed it to Kazakhstan (TRN.002), signed by the sandbox.
  HttpCall kz_inbox;
  kz_inbox.url = kz.Url("/v1/inbox");
  kz_inbox.token = files.kz_token;
  const Json inbox = Until(kz, kz_inbox, [](const Json& j) { return j["items"].size() == 1; });
  CHECK(inbox["items"][0]["kind"] == "inspection-report");
  CHECK(inbox["items"][0]["sender"]["country"] == "EEC");

  // The reply sent twice: the Russian gateway keeps it once and the report is acknowledged once.
  misbehave("duplicate");
  const auto twice =
      submit(WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(1)));
  Until(ru, twice, acknowledged);
  // A 5xx on the first send: sent again after the back-off.
  misbehave("5xx");
  const auto failed =
      submit(WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(2)));
  CHECK(Until(ru, failed, acknowledged)["deliveries"][0]["sends"] == 2);
  // The reply before the receipt.
  misbehave("out-of-order");
  const auto early =
      submit(WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(3)));
  Until(ru, early, acknowledged);

  // The Russian inbox holds one R.006 per report: the duplicate reply was answered, not kept.
  HttpCall ru_inbox;
  ru_inbox.url = ru.Url("/v1/inbox?kind=processing-result&limit=100");
  ru_inbox.token = files.ru_token;
  CHECK(Until(ru, ru_inbox, [](const Json& j) { return j["items"].size() == 4; })["items"].size() ==
        4);

  // A summary request (TRN.005) for the first half of 2026: the Commission's summary lists the
  // report once, however many times it was sent.
  const std::string request = ExampleText(model::DocumentKind::kSummaryRequest);
  Until(ru, submit(request), acknowledged);
  HttpCall summaries;
  summaries.url = ru.Url("/v1/inbox?kind=summary-report");
  summaries.token = files.ru_token;
  const Json got = Until(ru, summaries, [](const Json& j) { return j["items"].size() == 1; });
  HttpCall summary;
  summary.url = ru.Url("/v1/inbox/" + got["items"][0]["id"].get<std::string>());
  summary.token = files.ru_token;
  const std::string xml = Http(summary).body;
  INFO(xml);
  size_t lines = 0;
  for (auto at = xml.find("RU-IR-2026-0417"); at != std::string::npos;
       at = xml.find("RU-IR-2026-0417", at + 1)) {
    ++lines;
  }
  CHECK(lines == 1);
  CHECK(xml.find(">5b7e2f90-1c4d-4a8b-b3e6-d9f0a2c5e714</csdo:EDocRefId>") != std::string::npos);
  // A period without reports is answered with R.006 (T4-R2).
  std::string empty = WithEDocId(request, NumberedEDocId(4));
  empty.replace(empty.find("2026-01-01T00:00:00"), 19, "2025-01-01T00:00:00");
  empty.replace(empty.find("2026-06-30T23:59:59"), 19, "2025-06-30T23:59:59");
  Until(ru, submit(empty), acknowledged);
  Until(ru, ru_inbox, [](const Json& j) { return j["items"].size() == 5; });
}

namespace {

// A port on loopback that nothing listens on (bound, then closed).
uint16_t ClosedPort() {
  PeerLoop loop;
  boost::asio::ip::tcp::acceptor acceptor(
      loop.io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

// The delivery history lines of a message, in one text.
std::string HistoryOf(const Json& m) {
  std::string out;
  for (const auto& step : m["deliveries"][0]["history"]) {
    out += step["state"].get<std::string>() + ": " + step["detail"].get<std::string>() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "Sandbox: a ProcessingReceipt before the reply, a Receiver fault sent again, and a "
    "signature the Commission does not trust refused",
    "[sandbox][daemon][delivery]") {
  GatewayFiles files;
  sandbox::SandboxSettings settings = SandboxOn();
  settings.trust = files.keys.ca_certificate.parent_path();
  RunningSandbox sandbox(settings);
  TestGateway ru(GatewayOf(files, "RU", sandbox.port()));
  sandbox->Join({"RU", InboundUrl(ru)});
  auto acknowledged = [](const Json& j) { return j["state"] == "acknowledged"; };

  // On demand: the receipt, the ProcessingReceipt, then the R.006 reply.
  sandbox.Misbehave("processing-receipt");
  const Json processed =
      Until(ru, Submitted(ru, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport)),
            acknowledged);
  const std::string steps = HistoryOf(processed);
  INFO(steps);
  CHECK(steps.find("delivered: DeliveryReceipt") != std::string::npos);
  CHECK(steps.find("delivered: ProcessingReceipt") != std::string::npos);
  CHECK(steps.find("acknowledged: answered: ProcessingResultDetails 01") != std::string::npos);
  CHECK(steps.find("ProcessingReceipt") < steps.find("acknowledged"));

  // A fault of the Receiver (int:InternalError): the gateway sends again and is answered.
  sandbox.Misbehave("fault");
  const Json faulted = Until(
      ru,
      Submitted(ru, files.ru_token,
                WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(1))),
      acknowledged);
  CHECK(faulted["deliveries"][0]["sends"] == 2);
  CHECK(HistoryOf(faulted).find("the peer answered with a fault: int:InternalError") !=
        std::string::npos);

  // The Commission checked the signatures it accepted.
  const Json state = sandbox.State();
  CHECK(state["taken"].size() == 2);
}

TEST_CASE("Sandbox: a document signed by a key the Commission does not trust is refused",
          "[sandbox][daemon][delivery]") {
  GatewayFiles files;
  // The sandbox trusts another CA only.
  const auto trust = files.dir / "strangers";
  std::filesystem::create_directories(trust);
  const auto made = RunCommand(
      Openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '" +
              (files.dir / "strangers.key").string() + "' -out '" + (trust / "ca.pem").string() +
              "' -subj /CN=strangers -days 3650 -addext basicConstraints=critical,CA:TRUE "
              "-addext keyUsage=critical,keyCertSign,cRLSign"),
      files.dir.path());
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  sandbox::SandboxSettings settings = SandboxOn();
  settings.trust = trust;
  RunningSandbox sandbox(settings);
  TestGateway ru(GatewayOf(files, "RU", sandbox.port()));
  sandbox->Join({"RU", InboundUrl(ru)});
  const Json refused =
      Until(ru, Submitted(ru, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport)),
            [](const Json& j) { return j["state"] == "rejected"; });
  INFO(refused.dump(2));
  CHECK(refused["deliveries"][0]["error"].get<std::string>().starts_with(
      "ValidationError signature."));
  CHECK(sandbox.State()["taken"].empty());
}

TEST_CASE(
    "Sandbox: in its load mode (check_documents = false) it takes a document as it is, reads its "
    "EDocId from the text and replies",
    "[sandbox][daemon][delivery]") {
  GatewayFiles files;
  // A Commission that trusts another CA only: in this mode it checks nothing.
  const auto trust = files.dir / "strangers";
  std::filesystem::create_directories(trust);
  REQUIRE(RunCommand(Openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                             "-keyout '" +
                             (files.dir / "strangers.key").string() + "' -out '" +
                             (trust / "ca.pem").string() +
                             "' -subj /CN=strangers -days 3650 -addext "
                             "basicConstraints=critical,CA:TRUE"),
                     files.dir.path())
              .exit_code == 0);
  sandbox::SandboxSettings settings = SandboxOn();
  settings.trust = trust;
  settings.check_documents = false;
  RunningSandbox sandbox(settings);
  TestGateway ru(GatewayOf(files, "RU", sandbox.port()));
  sandbox->Join({"RU", InboundUrl(ru)});
  for (uint64_t i : {5, 6}) {
    Until(ru,
          Submitted(
              ru, files.ru_token,
              WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(i))),
          [](const Json& j) { return j["state"] == "acknowledged"; });
  }
  const Json taken = sandbox.State()["taken"];
  REQUIRE(taken.size() == 2);
  CHECK(taken[0]["eDocId"] == NumberedEDocId(5));
  CHECK(taken[1]["eDocId"] == NumberedEDocId(6));
  CHECK(taken[0]["kind"] == "inspection-report");
}

TEST_CASE(
    "Sandbox: a reply that could not reach the gateway while it was down reaches it when it is "
    "back, and survives the sandbox's own restart",
    "[sandbox][daemon][delivery][inbound]") {
  GatewayFiles files;
  sandbox::SandboxSettings settings = SandboxOn();
  settings.state_dir = files.dir / "sandbox";
  settings.redeliver_initial = std::chrono::milliseconds(20);
  settings.redeliver_max = std::chrono::milliseconds(100);
  const config::DaemonConfig config = [&] {
    RunningSandbox probe(SandboxOn());  // a port for the sandbox, the same across its restart
    settings.listen = {"127.0.0.1", probe.port()};
    return GatewayOf(files, "RU", probe.port());
  }();
  auto delivered = [](const Json& j) { return j["state"] == "delivered"; };
  auto acknowledged = [](const Json& j) { return j["state"] == "acknowledged"; };
  const std::string dead_end = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/";
  // The message `id` of the gateway `g` ends acknowledged.
  auto ends_acknowledged = [&](TestGateway& g, const std::string& id) {
    HttpCall get;
    get.url = g.Url("/v1/messages/" + id);
    get.token = files.ru_token;
    Until(g, get, acknowledged);
  };

  std::string first;
  {
    RunningSandbox sandbox(settings);
    {
      // The gateway sends the report and goes down before its reply can reach it.
      TestGateway ru(config);
      sandbox->Join({"RU", dead_end});
      const HttpCall report =
          Submitted(ru, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
      first = Until(ru, report, delivered)["id"];
    }
    // Back, on another inbound port: the reply the sandbox kept trying reaches it.
    TestGateway ru(config);
    sandbox->Join({"RU", InboundUrl(ru)});
    ends_acknowledged(ru, first);
    // The reply sent while the gateway was down is taken after a few attempts.
    WaitFor(sandbox.StateCall(), [](const Json& j) {
      for (const auto& s : j["sent"]) {
        if (s["outcome"] == "HTTP 200" && s["attempts"].get<int>() > 1) return true;
      }
      return false;
    });

    // The next reply cannot reach the gateway, and the sandbox stops before it can.
    sandbox->Join({"RU", dead_end});
    const HttpCall second = Submitted(
        ru, files.ru_token,
        WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(1)));
    first = Until(ru, second, delivered)["id"];
  }
  // The sandbox is started again on its state: the reply goes out to the gateway.
  RunningSandbox sandbox(settings, 1'000'000);
  TestGateway ru(config);
  sandbox->Join({"RU", InboundUrl(ru)});
  ends_acknowledged(ru, first);
  CHECK(std::filesystem::is_empty(files.dir / "sandbox/outbox"));
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE(
    "Metrics: after reports travel to the Commission and back, /metrics is what Prometheus "
    "reads, by promtool check metrics",
    "[sandbox][daemon][metrics]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  TestGateway ru(GatewayOf(files, "RU", sandbox->port()));
  sandbox->Join({"RU", InboundUrl(ru)});
  SubmitAcknowledged(ru, files.ru_token, 3);
  // One that is not a document of the process, refused, so that the refusals are counted too.
  HttpCall bad;
  bad.method = "POST";
  bad.url = ru.Url("/v1/documents");
  bad.token = files.ru_token;
  bad.body = "<not-a-report/>";
  CHECK(Http(bad).status == 400);

  HttpCall metrics;
  metrics.url = ru.Url("/metrics");
  metrics.token = files.operator_token;
  const auto scraped = Http(metrics);
  REQUIRE(scraped.status == 200);
  CHECK_THAT(scraped.headers, Catch::Contains("text/plain; version=0.0.4"));
  TempDir dir;
  WriteText(dir / "metrics.txt", scraped.body);
  const auto check =
      RunCommand("promtool check metrics < '" + (dir / "metrics.txt").string() + "'", dir.path());
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  // What an operator's dashboard reads is there with the values of the run.
  CHECK_THAT(scraped.body, Catch::Contains("eaeu_api_request_duration_seconds_bucket{"));
  // The journal's counts: the three reports acknowledged, as messages and as deliveries.
  CHECK(std::regex_search(
      scraped.body,
      std::regex(
          R"(\neaeu_messages\{kind="inspection-report",direction="outbound",state="acknowledged"\} 3\n)")));
  CHECK(std::regex_search(
      scraped.body,
      std::regex(
          R"(\neaeu_deliveries\{kind="inspection-report",destination="[^"]+",state="acknowledged"\} 3\n)")));

  // The shipped Grafana dashboard: each panel's query is PromQL (promtool checks it as a recording
  // rule), and each metric it names is one the gateway exports: in this scrape, or registered by
  // a part this gateway was not configured with.
  const Json dashboard = Json::parse(ReadText(SourceDir() / "deploy/grafana/eaeu-gateway.json"));
  std::string rules = "groups:\n- name: dashboard\n  rules:\n";
  std::string sources;
  for (const char* file : {"gateway/api/gateway_metrics.cpp", "gateway/app/daemon.cpp"}) {
    sources += ReadText(SourceDir() / file);
  }
  size_t queries = 0;
  const std::regex metric("eaeu_[a-z_]+");
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      const std::string expr = target["expr"].get<std::string>();
      rules += "  - record: dashboard:query_" + std::to_string(++queries) + "\n    expr: '" + expr +
               "'\n";
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it) {
        std::string name = it->str();
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
          if (name.ends_with(suffix)) name.resize(name.size() - std::string_view(suffix).size());
        }
        INFO(panel["title"] << ": " << name);
        CHECK((scraped.body.find("# TYPE " + name + " ") != std::string::npos ||
               sources.find("\"" + name + "\"") != std::string::npos));
      }
    }
  }
  CHECK(queries >= 15);
  WriteText(dir / "dashboard-rules.yml", rules);
  const auto promql = RunCommand(
      "promtool check rules '" + (dir / "dashboard-rules.yml").string() + "'", dir.path());
  INFO(rules << promql.out << promql.err);
  CHECK(promql.exit_code == 0);
}

}  // namespace eaeu::test
