// Summary reports (Table 4) both ways: asked of the Commission (the sandbox) through TRN.005 from
// the command line, and built by the gateway from its own reports (GET /v1/summary); for the same
// reports and period the two are equal, in the sending state's gateway and in the one the reports
// were distributed to.
#include <utility>  // before Asio

#include <catch2/catch.hpp>

#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

// The example report under another number and date.
std::string ReportOf(const std::string& number, const std::string& date, uint64_t n) {
  std::string xml =
      WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(n));
  const std::string from =
      "<csdo:DocId>RU-IR-2026-0417</csdo:DocId>\n    <csdo:DocCreationDate>2026-03-27<";
  const auto at = xml.find(from);
  REQUIRE(at != std::string::npos);
  xml.replace(at, from.size(),
              "<csdo:DocId>" + number + "</csdo:DocId>\n    <csdo:DocCreationDate>" + date + "<");
  return xml;
}

Json Local(TestGateway& g, const std::string& token, const std::string& query) {
  HttpCall call;
  call.url = g.Url("/v1/summary?" + query);
  call.token = token;
  const auto reply = Http(call);
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  return reply.json();
}

}  // namespace

TEST_CASE("Summary: the Commission's answer to TRN.005 and the local summary agree",
          "[summary][sandbox][daemon][cli]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  TestGateway ru(GatewayOf(files, "RU", sandbox->port()));
  TestGateway kz(GatewayOf(files, "KZ", sandbox->port()));
  sandbox->Join({"RU", InboundUrl(ru)});
  sandbox->Join({"KZ", InboundUrl(kz)});
  const auto acknowledged = [](const Json& j) { return j["state"] == "acknowledged"; };
  // One report inside the period (27 March), one after it (30 March).
  Until(ru, Submitted(ru, files.ru_token, ReportOf("RU-IR-2026-0417", "2026-03-27", 1)),
        acknowledged);
  Until(ru, Submitted(ru, files.ru_token, ReportOf("RU-IR-2026-0418", "2026-03-30", 2)),
        acknowledged);
  HttpCall kz_inbox;
  kz_inbox.url = kz.Url("/v1/inbox?kind=inspection-report");
  kz_inbox.token = files.kz_token;
  Until(kz, kz_inbox, [](const Json& j) { return j["items"].size() == 2; });

  // Asked of the Commission from the command line, as the README shows.
  const auto token_file = files.dir / "ru.token";
  WriteText(token_file, files.ru_token + "\n");
  const auto asked = RunCommand(std::string(EAEU_CLI) +
                                    " summary --from 2026-03-01 --to 2026-03-28 --format json"
                                    " --url " +
                                    ru.Url("") + " --token-file '" + token_file.string() + "'",
                                files.dir.path());
  INFO(asked.out << asked.err);
  REQUIRE(asked.exit_code == 0);
  const Json commission = Json::parse(asked.out);
  REQUIRE(commission["inspectionReportDetails"].size() == 1);
  CHECK(commission["inspectionReportDetails"][0]["docId"] == "RU-IR-2026-0417");

  // Built locally, in both gateways: the same lines.
  const std::string query = "from=2026-03-01&to=2026-03-28";
  const Json ru_local = Local(ru, files.ru_token, query);
  const Json kz_local = Local(kz, files.kz_token, query);
  CHECK(ru_local["inspectionReportDetails"] == commission["inspectionReportDetails"]);
  CHECK(kz_local["inspectionReportDetails"] == commission["inspectionReportDetails"]);
  CHECK(Local(ru, files.ru_token, "from=2026-01-01&to=2026-06-30")["inspectionReportDetails"]
            .size() == 2);
  CHECK(Local(ru, files.ru_token,
              "from=2026-01-01&to=2026-06-30&country=KZ")["inspectionReportDetails"]
            .empty());

  // CSV for spreadsheets, with the column names in Russian and English.
  HttpCall csv;
  csv.url = ru.Url("/v1/summary?" + query + "&format=csv");
  csv.token = files.ru_token;
  const auto sheet = Http(csv);
  CHECK(sheet.status == 200);
  CHECK(sheet.body.find("Номер отчета / Report number") != std::string::npos);
  CHECK(sheet.body.find("RU-IR-2026-0417,2026-03-27,RU") != std::string::npos);
  CHECK(sheet.body.find("RU-IR-2026-0418") == std::string::npos);
  // A period nothing answers: no Table 4 XML, and the query's errors are named.
  csv.url = ru.Url("/v1/summary?from=2025-01-01&to=2025-01-31&format=xml");
  CHECK(Http(csv).status == 404);
  csv.url = ru.Url("/v1/summary?from=2026-03-01");
  CHECK(Http(csv).status == 400);
  csv.url = ru.Url("/v1/summary?from=2026-03-01&to=2026-03-02&sort=date");
  const auto unknown = Http(csv);
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("sort") != std::string::npos);
}

}  // namespace eaeu::test
