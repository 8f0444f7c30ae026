// The events of submitted messages ([notify]) posted to the national system's webhook by a whole
// gateway: a dead letter and a refused submission, in the order they happened, with the webhook's
// token; a webhook that is down holds them, a restart posts what was left and never posts one
// twice, and what happened before [notify] was configured is not posted.
#include <catch2/catch.hpp>

#include "integration/gateway_fixture.hpp"
#include "integration/peer.hpp"

namespace eaeu::test {
namespace {

const std::string kCommission = "EAEU://EEC/CP/P.MM.00/P.ACT.001";

HttpReply Submit(const TestGateway& g, const std::string& token, const std::string& body) {
  HttpCall call;
  call.method = "POST";
  call.url = g.Url("/v1/documents");
  call.body = body;
  call.token = token;
  return Http(call);
}

// A report whose EDocId is not a UUID: refused at intake, kept as rejected.
std::string BadReport() {
  return WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), "not-a-uuid");
}

struct Setup {
  GatewayFiles files;
  PeerLoop loop;
  Peer& peer = loop.Add();
  config::DaemonConfig config = files.Config();

  Setup() {
    peer.Down(kCommission, true);  // every send answered 503: the report dies
    route::RouteSettings to_peer;
    to_peer.to = "*";
    to_peer.endpoint = peer.Url();
    config.routes.push_back(to_peer);
    config.delivery.backoff_initial = std::chrono::milliseconds(10);
    config.delivery.backoff_max = std::chrono::milliseconds(40);
    config.delivery.transport_attempts = 2;
  }
  void Notify(const WebhookSink& hook) {
    WriteText(files.dir / "notify-token", "s3cret-notify\n");
    notify::NotifySettings n;
    n.webhook.url = hook.Url();
    n.webhook.token_file = files.dir / "notify-token";
    config.notify = n;
  }
};

}  // namespace

TEST_CASE("Notify: a dead letter and a refused submission reach the webhook, in order",
          "[daemon][notify]") {
  Setup s;
  WebhookSink hook(s.loop.io, 1);  // refuses the first post
  s.loop.Run();
  s.Notify(hook);
  TestGateway g(s.config);

  const auto accepted =
      Submit(g, s.files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
  REQUIRE(accepted.status == 202);
  const std::string id = accepted.json()["id"];
  HttpCall get;
  get.url = g.Url("/v1/messages/" + id);
  get.token = s.files.ru_token;
  WaitFor(
      get, [](const Json& m) { return m["state"] == "dead"; }, &g.clock());

  const auto refused = Submit(g, s.files.ru_token, BadReport());
  REQUIRE(refused.status == 422);
  const std::string refused_id = refused.json()["messageId"];

  const auto events = hook.WaitForEvents(2, g.clock());
  REQUIRE(events.size() == 2);
  CHECK(events[0]["event"] == "message.dead");
  CHECK(events[0]["message_id"] == id);
  CHECK(events[0]["kind"] == "inspection-report");
  CHECK(events[0]["sender_country"] == "RU");
  CHECK(events[0]["detail"].get<std::string>().find("503") != std::string::npos);
  CHECK(events[1]["event"] == "message.rejected");
  CHECK(events[1]["message_id"] == refused_id);
  CHECK(events[0]["position"].get<uint64_t>() < events[1]["position"].get<uint64_t>());
  for (const auto& p : hook.posts()) CHECK(p.authorization == "Bearer s3cret-notify");

  // An operator requeues the dead report and the Commission takes it: delivered is not among the
  // events asked for, so the next event posted is the next refusal.
  s.peer.Down(kCommission, false);
  HttpCall retry;
  retry.method = "POST";
  retry.url = g.Url("/v1/messages/" + id + "/retry");
  retry.token = s.files.ru_token;
  retry.body = "";
  REQUIRE(Http(retry).status == 202);
  WaitFor(
      get, [](const Json& m) { return m["state"] == "delivered"; }, &g.clock());
  const auto third = Submit(g, s.files.ru_token, BadReport());
  REQUIRE(third.status == 422);
  const auto after = hook.WaitForEvents(3, g.clock());
  REQUIRE(after.size() == 3);
  CHECK(after[2]["message_id"] == third.json()["messageId"]);
}

TEST_CASE(
    "Notify: events wait while the webhook is down and are posted after a restart, none twice, "
    "and nothing from before [notify]",
    "[daemon][notify]") {
  Setup s;
  WebhookSink down(s.loop.io, 1'000'000);
  WebhookSink up(s.loop.io, 0);
  s.loop.Run();

  // Before [notify]: a refused submission that is never posted.
  {
    TestGateway g(s.config);
    REQUIRE(Submit(g, s.files.ru_token, BadReport()).status == 422);
  }
  // [notify] to a webhook that is down: the dead letter waits.
  s.Notify(down);
  std::string id;
  {
    TestGateway g(s.config);
    const auto accepted =
        Submit(g, s.files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
    REQUIRE(accepted.status == 202);
    id = accepted.json()["id"];
    HttpCall get;
    get.url = g.Url("/v1/messages/" + id);
    get.token = s.files.ru_token;
    WaitFor(
        get, [](const Json& m) { return m["state"] == "dead"; }, &g.clock());
    WaitForMetric(g, s.files.operator_token, "eaeu_notify_total{outcome=\"failed\"} 1");
  }
  CHECK(down.posts().empty());
  // The webhook is up after a restart: the dead letter is posted.
  s.Notify(up);
  {
    TestGateway g(s.config);
    const auto events = up.WaitForEvents(1, g.clock());
    CHECK(events[0]["event"] == "message.dead");
    CHECK(events[0]["message_id"] == id);
    WaitForMetric(g, s.files.operator_token,
                  "eaeu_notify_total{outcome=\"posted\"} 1");  // the gateway has the answer
  }
  // Another restart posts nothing again: the next event is the next one posted.
  {
    TestGateway g(s.config);
    const auto refused = Submit(g, s.files.ru_token, BadReport());
    REQUIRE(refused.status == 422);
    const auto events = up.WaitForEvents(2, g.clock());
    REQUIRE(events.size() == 2);
    CHECK(events[1]["event"] == "message.rejected");
    CHECK(events[1]["message_id"] == refused.json()["messageId"]);
  }
}

}  // namespace eaeu::test
