// Access: each caller is bound to one member state, and no route or query parameter gives it
// another state's messages, inbox, deadlines or register. One gateway (its inbound endpoint
// serves Russia) with a Russian and a Kazakh caller, against the sandbox; every request of the
// one to the other's resources is refused (403 where the request names the other state, 404 where
// it names a resource, which is then as absent as one that never was) and changes nothing.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include "gateway/core/percent.hpp"
#include "integration/register_fixture.hpp"
#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

// A request of `token`'s caller to the gateway (a POST with `body` of `type`).
HttpReply Call(const TestGateway& g, const std::string& token, const std::string& method,
               const std::string& path, const std::string& body = "",
               const std::string& type = "application/json") {
  HttpCall c;
  c.method = method;
  c.url = g.Url(path);
  c.token = token;
  if (method == "POST") {
    c.body = body;
    c.content_type = type;
  }
  return Http(c);
}

}  // namespace

TEST_CASE("Access: no route or query parameter reaches another state's resources",
          "[daemon][access][sandbox]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  TestGateway g(GatewayOf(files, "RU", sandbox.port()));
  sandbox->Join({"RU", InboundUrl(g)});
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "", const std::string& type = "application/json") {
    return Call(g, token, method, path, body, type);
  };
  const std::string& ru = files.ru_token;
  const std::string& kz = files.kz_token;

  // Russia's report, acknowledged (its R.006 reply lands in Russia's inbox), and its deadlines.
  const Json report =
      Until(g, Submitted(g, ru, ExampleText(model::DocumentKind::kInspectionReport)),
            [](const Json& j) { return j["state"] == "acknowledged"; });
  const std::string id = report["id"];
  HttpCall inbox_call;
  inbox_call.url = g.Url("/v1/inbox");
  inbox_call.token = ru;
  const Json inbox = Until(g, inbox_call, [](const Json& j) { return j["items"].size() == 1; });
  const std::string received = inbox["items"][0]["id"];
  HttpCall dl_call;
  dl_call.url = g.Url("/v1/deadlines?kind=DL-01");
  dl_call.token = ru;
  const Json dl01 = Until(g, dl_call, [](const Json& j) {
    return j["items"].size() == 1 && j["items"][0]["state"] == "met";
  });
  const std::string deadline = dl01["items"][0]["id"];
  // Kazakhstan's register, synchronised through the same gateway.
  RegisterCsv reg("KZ", 2);
  const auto synced = call(kz, "POST", "/v1/registry/sync", reg.Text(), "text/csv");
  INFO(synced.body);
  REQUIRE(synced.status == 200);
  const Json kz_register = call(kz, "GET", "/v1/registry/organizations").json();
  REQUIRE(kz_register["items"].size() == 2);
  const std::string record = kz_register["items"][0]["key"];

  const size_t lines_before = call(ru, "GET", "/v1/deadlines/" + deadline).json()["history"].size();
  struct Attempt {
    const char* what;
    std::string token, method, path, body;
    unsigned status;
  };
  const std::vector<Attempt> attempts = {
      {"read another state's message", kz, "GET", "/v1/messages/" + id, "", 404},
      {"its envelope", kz, "GET", "/v1/messages/" + id + "/envelope", "", 404},
      {"retry it", kz, "POST", "/v1/messages/" + id + "/retry", "", 404},
      {"the inbox of the state the endpoint serves", kz, "GET", "/v1/inbox", "", 403},
      {"a received document", kz, "GET", "/v1/inbox/" + received, "", 403},
      {"its acknowledgement", kz, "POST", "/v1/inbox/" + received + "/ack", "", 403},
      {"deadlines named by state", kz, "GET", "/v1/deadlines?country=RU", "", 403},
      {"a deadline", kz, "GET", "/v1/deadlines/" + deadline, "", 404},
      {"mark it met", kz, "POST", "/v1/deadlines/" + deadline + "/met",
       R"({"on": "2026-11-24", "reason": "x"})", 404},
      {"waive it", kz, "POST", "/v1/deadlines/" + deadline + "/waive", R"({"reason": "x"})", 404},
      {"reopen it", kz, "POST", "/v1/deadlines/" + deadline + "/reopen", R"({"reason": "x"})", 404},
      {"record an event of its report", kz, "POST", "/v1/deadlines/events",
       R"({"kind": "test-protocol", "report": "RU-IR-2026-0417", "reference": "T", "date": "2026-11-20"})",
       422},
      {"submit as another state", kz, "POST", "/v1/documents",
       ExampleText(model::DocumentKind::kInspectionReport), 403},
      {"another state's register by query", ru, "GET", "/v1/registry/organizations?country=KZ", "",
       403},
      {"another state's record", ru, "GET", "/v1/registry/organizations/" + PercentEncode(record),
       "", 404},
      {"another state's register as received", kz, "GET",
       "/v1/registry/organizations?view=received", "", 403},
  };
  for (const auto& a : attempts) {
    INFO(a.what << ": " << a.method << " " << a.path);
    const auto reply = call(a.token, a.method, a.path, a.body,
                            a.path == "/v1/documents" ? "application/xml" : "application/json");
    CHECK(reply.status == a.status);
    // Nothing of the resource in the answer (but what the caller itself sent).
    if (a.body.find("RU-IR-2026-0417") == std::string::npos) {
      CHECK(reply.body.find("RU-IR-2026-0417") == std::string::npos);
    }
  }
  // Lists give a caller its own state's only.
  const Json kz_messages = call(kz, "GET", "/v1/messages?limit=1000").json();
  for (const auto& m : kz_messages["items"]) CHECK(m["sender"]["country"] == "KZ");
  const Json kz_deadlines = call(kz, "GET", "/v1/deadlines?limit=1000").json();
  for (const auto& d : kz_deadlines["items"]) CHECK(d["country"] == "KZ");
  // And nothing changed: the deadline is as it was, the message too.
  CHECK(call(ru, "GET", "/v1/deadlines/" + deadline).json()["history"].size() == lines_before);
  CHECK(call(ru, "GET", "/v1/messages/" + id).json()["state"] == "acknowledged");
}

TEST_CASE(
    "Access: an operator sees every state and acts, with each act journalled with who, an auditor "
    "sees and does nothing, and a member state's caller reaches none of the operators' routes",
    "[daemon][access][sandbox][admin]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  auto config = GatewayOf(files, "RU", sandbox.port());
  // Kazakhstan's deliveries go to a port where nobody listens: they retry until cancelled.
  route::RouteSettings nowhere;
  nowhere.to = "EAEU://KZ/*";
  nowhere.endpoint = "http://127.0.0.1:9/";
  config.routes.insert(config.routes.begin(), nowhere);
  config.delivery.backoff_initial = std::chrono::hours(1);
  config.delivery.backoff_max = std::chrono::hours(1);
  TestGateway g(config);
  sandbox->Join({"RU", InboundUrl(g)});
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") { return Call(g, token, method, path, body); };
  const std::string& ops = files.operator_token;
  const std::string& audit = files.auditor_token;
  const std::string& ru = files.ru_token;

  // A Russian report, acknowledged, and a Russian notice whose delivery to Kazakhstan retries
  // while the others are done (none is on the wire when it is cancelled below).
  const Json report =
      Until(g, Submitted(g, ru, ExampleText(model::DocumentKind::kInspectionReport)),
            [](const Json& j) { return j["state"] == "acknowledged"; });
  const Json notice = Until(
      g, Submitted(g, ru, ExampleText(model::DocumentKind::kSuspensionNotice)), [](const Json& j) {
        bool retrying = false;
        for (const auto& d : j["deliveries"]) {
          if (d["state"] == "retrying") {
            retrying = true;
          } else if (d["state"] != "acknowledged") {
            return false;
          }
        }
        return retrying;
      });
  const std::string notice_id = notice["id"];

  // Who is who.
  CHECK(call(ops, "GET", "/v1/whoami").json()["role"] == "operator");
  CHECK(call(audit, "GET", "/v1/whoami").json()["role"] == "auditor");
  CHECK(call(ru, "GET", "/v1/whoami").json()["country"] == "RU");

  // The operator's list has every direction: the report, the notice and the R.006 received.
  const Json all = call(ops, "GET", "/v1/messages?limit=100").json();
  size_t inbound = 0;
  for (const auto& m : all["items"]) inbound += m["direction"] == "inbound";
  CHECK(all["items"].size() >= 3);
  CHECK(inbound >= 1);
  // The search box: the report's number is text of the document.
  const Json by_number = call(ops, "GET", "/v1/messages?q=RU-IR-2026-0417").json();
  REQUIRE(by_number["items"].size() == 1);
  CHECK(by_number["items"][0]["id"] == report["id"]);
  CHECK(call(ops, "GET", "/v1/messages?direction=sideways").status == 400);
  // A member state's caller may search its own, not name another state or direction.
  CHECK(call(ru, "GET", "/v1/messages?q=RU-IR-2026-0417").json()["items"].size() == 1);
  CHECK(call(ru, "GET", "/v1/messages?country=KZ").status == 400);

  struct Attempt {
    const char* what;
    std::string token, method, path, body;
    unsigned status;
  };
  const std::vector<Attempt> refused = {
      {"an operator submits as no state", ops, "POST", "/v1/documents", "{}", 403},
      {"an auditor requeues", audit, "POST", "/v1/messages/" + notice_id + "/retry", "", 403},
      {"an auditor cancels", audit, "POST", "/v1/messages/" + notice_id + "/cancel",
       R"({"reason": "x"})", 403},
      {"an auditor reloads", audit, "POST", "/v1/admin/reload", "", 403},
      {"an auditor requeues in bulk", audit, "POST", "/v1/admin/requeue", "{}", 403},
      {"a state's caller reads the routes", ru, "GET", "/v1/admin/routes", "", 403},
      {"a state's caller reloads", ru, "POST", "/v1/admin/reload", "", 403},
      {"a state's caller reads the metrics", ru, "GET", "/metrics", "", 403},
      {"a cancel without a reason", ops, "POST", "/v1/messages/" + notice_id + "/cancel", "{}",
       400},
      {"a cancel of a finished message", ops, "POST",
       "/v1/messages/" + report["id"].get<std::string>() + "/cancel", R"({"reason": "x"})", 409},
  };
  for (const auto& a : refused) {
    INFO(a.what << ": " << a.method << " " << a.path);
    const auto reply = call(a.token, a.method, a.path, a.body);
    INFO(reply.body);
    CHECK(reply.status == a.status);
  }
  CHECK(call(audit, "GET", "/v1/admin/routes").status == 200);
  CHECK(call(audit, "GET", "/metrics").status == 200);

  // The route to Kazakhstan shows its failures.
  const Json routes = call(ops, "GET", "/v1/admin/routes").json();
  REQUIRE(routes["items"].size() == 2);
  CHECK(routes["items"][0]["to"] == "EAEU://KZ/*");
  CHECK(routes["items"][0]["failures"].get<int>() >= 1);
  CHECK(routes["items"][0]["lastError"].is_string());
  CHECK(routes["items"][0]["open"] == 1);
  CHECK(routes["items"][1]["lastSuccess"].is_string());
  const Json certificates = call(ops, "GET", "/v1/admin/certificates").json();
  REQUIRE(certificates["items"].size() == 1);
  CHECK(certificates["items"][0]["certificate"] == "signing");
  CHECK(certificates["items"][0]["daysLeft"].get<int>() > 300);
  const Json activity = call(ops, "GET", "/v1/admin/activity?hours=2").json();
  uint64_t counted = 0;
  for (const auto& a : activity["items"]) counted += a["count"].get<uint64_t>();
  CHECK(counted == all["items"].size());
  CHECK(call(ops, "GET", "/v1/admin/activity?hours=0").status == 400);

  // The operator cancels the delivery to Kazakhstan: the notice is dead with the reason.
  const auto cancelled = call(ops, "POST", "/v1/messages/" + notice_id + "/cancel",
                              R"({"reason": "KZ is closed for maintenance"})");
  INFO(cancelled.body);
  REQUIRE(cancelled.status == 200);
  const Json dead = call(ops, "GET", "/v1/messages/" + notice_id).json();
  CHECK(dead["state"] == "dead");
  bool said = false;
  for (const auto& d : dead["deliveries"]) {
    if (d["to"].get<std::string>().starts_with("EAEU://KZ/")) {
      CHECK(d["error"] == "cancelled by ops (operator): KZ is closed for maintenance");
      said = true;
    }
  }
  CHECK(said);

  // A bulk requeue: the dry run names it and changes nothing; the real one requeues it.
  const Json dry =
      call(ops, "POST", "/v1/admin/requeue", R"({"dryRun": true, "country": "RU"})").json();
  CHECK(dry["matched"] == 1);
  CHECK(dry["ids"][0] == notice_id);
  CHECK(call(ops, "GET", "/v1/messages/" + notice_id).json()["state"] == "dead");
  CHECK(call(ops, "POST", "/v1/admin/requeue", R"({"country": "KZ", "dryRun": true})")
            .json()["matched"] == 0);
  CHECK(call(ops, "POST", "/v1/admin/requeue", R"({"state": "dead"})").status == 400);
  const Json requeued = call(ops, "POST", "/v1/admin/requeue", R"({"country": "RU"})").json();
  CHECK(requeued["requeued"].size() == 1);
  CHECK(requeued["failed"].empty());
  const Json again = call(ops, "GET", "/v1/messages/" + notice_id).json();
  CHECK(again["state"] != "dead");
  bool requeue_line = false;
  for (const auto& h : again["history"]) {
    requeue_line = requeue_line || h["detail"] == "requeued by ops (operator)";
  }
  CHECK(requeue_line);

  // A reload, journalled with who asked for it in the audit chain.
  // This gateway's configuration was never a file: the reload says so, and keeps what it had.
  const auto reload = call(ops, "POST", "/v1/admin/reload");
  CHECK(reload.status == 500);
  CHECK(reload.body.find("gateway.toml") != std::string::npos);
  CHECK(call(ops, "GET", "/v1/admin/routes").json()["items"].size() == 2);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(config.journal.file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
          SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT event || ' ' || subject || ' ' || record FROM audit "
                             "WHERE event LIKE 'operator %' ORDER BY seq",
                             -1, &q, nullptr) == SQLITE_OK);
  std::vector<std::string> acts;
  while (sqlite3_step(q) == SQLITE_ROW) {
    acts.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  REQUIRE(acts.size() == 2);
  CHECK(acts[0].starts_with("operator requeue dead country=RU "));
  CHECK(acts[0].find(R"("who":"ops","role":"operator","detail":"1 matched")") != std::string::npos);
  CHECK(acts[1].starts_with("operator reload configuration "));
  CHECK(acts[1].find(R"("who":"ops","role":"operator","detail":")") != std::string::npos);
  CHECK(acts[1].find("gateway.toml") != std::string::npos);
}

}  // namespace eaeu::test
