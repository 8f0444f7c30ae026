// The sandbox peer with two running gateways (Russia and Kazakhstan) on 127.0.0.1: a report goes
// from the Russian gateway to the sandbox, comes back acknowledged by the R.006 reply through the
// inbound endpoint, and reaches the Kazakh gateway's inbox (TRN.002); the misbehaviours the
// sandbox is asked for are survived.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

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

}  // namespace eaeu::test
