// Access: each caller is bound to one member state, and no route or query parameter gives it
// another state's messages, inbox, deadlines or register. One gateway (its inbound endpoint
// serves Russia) with a Russian and a Kazakh caller, against the sandbox; every request of the
// one to the other's resources is refused (403 where the request names the other state, 404 where
// it names a resource, which is then as absent as one that never was) and changes nothing.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include "gateway/core/percent.hpp"
#include "integration/register_fixture.hpp"
#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {

TEST_CASE("Access: no route or query parameter reaches another state's resources",
          "[daemon][access][sandbox]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  TestGateway g(GatewayOf(files, "RU", sandbox.port()));
  sandbox->Join({"RU", InboundUrl(g)});
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "", const std::string& type = "application/json") {
    HttpCall c;
    c.method = method;
    c.url = g.Url(path);
    c.token = token;
    if (method == "POST") {
      c.body = body;
      c.content_type = type;
    }
    return Http(c);
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

}  // namespace eaeu::test
