// The 15-business-day clock of DL-01 end to end: a Russian gateway on an injected clock sends
// reports to the sandbox. The inspections of the example report ended on Thursday 12 March 2026,
// so in Russia's 2026 calendar day 15 is Thursday 2 April. A report the Commission took on day
// 14 meets its deadline; one taken on day 16 meets it one business day late; one the Commission
// refused meets nothing and stays overdue; and a deadline that came due while the gateway was
// down is overdue after the restart, with each move in its history and posted to the webhook.
#include <utility>  // before Asio

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <thread>

#include <sqlite3.h>

#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

std::chrono::system_clock::time_point Utc(const char* text) {
  return FromUtc(*DateTime::Parse(text));
}

// The example report under another report number and EDocId.
std::string Report(const std::string& number, int n) {
  std::string xml = WithEDocId(ExampleText(model::DocumentKind::kInspectionReport),
                               NumberedEDocId(static_cast<uint64_t>(n)));
  const std::string from = ">RU-IR-2026-0417<";
  for (auto at = xml.find(from); at != std::string::npos; at = xml.find(from, at + 1)) {
    xml.replace(at + 1, from.size() - 2, number);
  }
  return xml;
}

struct Gateway {
  GatewayFiles& files;
  TestGateway& g;

  // Submits and waits until the message is in `state`.
  Json Send(const std::string& xml, const std::string& state) {
    return Until(g, Submitted(g, files.ru_token, xml),
                 [&state](const Json& m) { return m["state"] == state; });
  }
  HttpCall Get(const std::string& path) const {
    HttpCall call;
    call.url = g.Url(path);
    call.token = files.ru_token;
    return call;
  }
  HttpCall Post(const std::string& path, const Json& body) const {
    HttpCall call = Get(path);
    call.method = "POST";
    call.body = body.dump();
    call.content_type = "application/json";
    return call;
  }
  // The deadlines of a rule, by the day they run from, once there are `n`.
  std::map<std::string, Json> Of(const std::string& rule, size_t n) {
    std::map<std::string, Json> out;
    const Json list = WaitFor(Get("/v1/deadlines?kind=" + rule),
                              [n](const Json& j) { return j["items"].size() >= n; });
    for (const auto& d : list["items"]) {
      out[d["event"].get<std::string>()] = d;
    }
    return out;
  }
  Json One(const std::string& id) { return Http(Get("/v1/deadlines/" + id)).json(); }
  // The DL-01 of a report number, once `done` holds for it.
  Json Dl01(const std::string& number, const std::function<bool(const Json&)>& done) {
    const Json list = WaitFor(Get("/v1/deadlines?kind=DL-01&limit=100"), [&](const Json& j) {
      for (const auto& d : j["items"]) {
        if (d["subject"] == "report " + number) return done(d);
      }
      return false;
    });
    for (const auto& d : list["items"]) {
      if (d["subject"] == "report " + number)
        return Http(Get("/v1/deadlines/" + d["id"].get<std::string>())).json();
    }
    return {};
  }
};

// `config` counting its deadlines in the calendars of `folder`.
config::DaemonConfig WithCalendars(config::DaemonConfig config,
                                   const std::filesystem::path& folder) {
  deadlines::DeadlineSettings deadlines;
  deadlines.calendars = folder;
  config.deadlines = deadlines;
  return config;
}

std::vector<std::string> StatesOf(const Json& deadline) {
  std::vector<std::string> out;
  for (const auto& h : deadline["history"]) out.push_back(h["state"]);
  return out;
}

bool In(const char* state, const Json& d) {
  return d["state"] == state;
}

}  // namespace

TEST_CASE(
    "Deadlines: a later periodic report of the manufacturer meets the earlier reports' DL-05 and "
    "one issued the same day does not",
    "[deadlines][daemon][sandbox]") {
  GatewayFiles files(Utc("2026-01-01T00:00:00"));
  RunningSandbox sandbox;
  TestGateway ru(
      WithCalendars(GatewayOf(files, "RU", sandbox.port()), SourceDir() / "config/calendars"),
      Utc("2026-04-01T06:00:00"));
  sandbox->Join({"RU", InboundUrl(ru)});
  Gateway gw{files, ru};
  const auto dl05 = [&gw](const std::string& number) {
    const Json list = Http(gw.Get("/v1/deadlines?kind=DL-05&limit=100")).json();
    for (const auto& d : list["items"]) {
      if (d["subject"].get<std::string>().find(number) != std::string::npos) return d;
    }
    return Json();
  };
  const auto met = [](const Json& d) { return In("met", d); };

  // Two periodic reports of the manufacturer issued the same day (27 March 2026): neither is
  // later than the other, so both DL-05 stay open.
  gw.Send(Report("RU-IR-2026-0601", 11), "acknowledged");
  gw.Send(Report("RU-IR-2026-0602", 12), "acknowledged");
  gw.Dl01("RU-IR-2026-0602", met);  // the tracker has taken the second acknowledgement
  REQUIRE(dl05("RU-IR-2026-0601").is_object());
  CHECK(dl05("RU-IR-2026-0601")["state"] == "open");
  CHECK(dl05("RU-IR-2026-0602")["state"] == "open");

  // A third issued the day after: it meets both, on the day its application was made.
  std::string later = Report("RU-IR-2026-0603", 13);
  const std::string issued = "<csdo:DocCreationDate>2026-03-27<";
  const auto at = later.find(issued);
  REQUIRE(at != std::string::npos);
  later.replace(at, issued.size(), "<csdo:DocCreationDate>2026-03-28<");
  gw.Send(later, "acknowledged");
  gw.Dl01("RU-IR-2026-0603", met);
  for (const char* number : {"RU-IR-2026-0601", "RU-IR-2026-0602"}) {
    INFO(number);
    const Json d = dl05(number);
    CHECK(d["state"] == "met");
    CHECK(d["metOn"] == "2026-01-15");
  }
  CHECK(dl05("RU-IR-2026-0603")["state"] == "open");
}

TEST_CASE(
    "Deadlines: a report taken on day 14 is met, on day 16 met late, a refused one stays "
    "overdue, and the clock survives a restart",
    "[deadlines][daemon][sandbox]") {
  GatewayFiles files(Utc("2026-01-01T00:00:00"));
  RunningSandbox sandbox;
  PeerLoop loop;
  WebhookSink hook(loop.io, 1);  // refuses the first post: the moves wait and come in order
  loop.Run();
  config::DaemonConfig config = GatewayOf(files, "RU", sandbox.port());
  deadlines::DeadlineSettings deadlines;
  deadlines.calendars = SourceDir() / "config/calendars";
  deadlines.at_risk_days = 2;
  deadlines.webhook.emplace().url = hook.Url();
  config.deadlines = deadlines;

  std::string refused_id;
  {
    // Day 12, Monday 30 March, 13:00 in Moscow: the Commission refuses report 0900.
    TestGateway ru(config, Utc("2026-03-30T10:00:00"));
    sandbox->Join({"RU", InboundUrl(ru)});
    Gateway gw{files, ru};
    sandbox.Misbehave("refuse");
    gw.Send(Report("RU-IR-2026-0900", 1), "rejected");
    const Json d = gw.Dl01("RU-IR-2026-0900", [](const Json& j) { return In("open", j); });
    refused_id = d["id"];
    CHECK(d["due"] == "2026-04-02");
    CHECK(d["event"] == "2026-03-12");
    CHECK(d["country"] == "RU");
    CHECK(d["daysLeft"] == 3);
    CHECK(d["basis"].get<std::string>().ends_with("; RU 2026 (provisional calendar)"));
    CHECK(d["source"] == "R106 §21, §35");

    // Day 14, Wednesday 1 April, 09:00 in Moscow: report 0417 is at risk from its start, and
    // met on the day the Commission took it; the refused one is now at risk too.
    ru.clock().Set(Utc("2026-04-01T06:00:00"));
    gw.Send(Report("RU-IR-2026-0417", 2), "acknowledged");
    const Json met = gw.Dl01("RU-IR-2026-0417", [](const Json& j) { return In("met", j); });
    CHECK(met["metOn"] == "2026-04-01");
    CHECK(met["late"] == false);
    CHECK(met["daysLate"] == 0);
    CHECK(StatesOf(met) == std::vector<std::string>{"at-risk", "met"});
    const Json risky = gw.Dl01("RU-IR-2026-0900", [](const Json& j) { return In("at-risk", j); });
    CHECK(risky["daysLeft"] == 1);
    // The tracker took each report as the intake had read it, and read none back: 0900 and
    // 0417 validated, 0417 acknowledged.
    WaitForMetric(ru, files.operator_token, "eaeu_deadline_documents_total{from=\"memory\"} 3");
    WaitForMetric(ru, files.operator_token, "eaeu_deadline_documents_total{from=\"journal\"} 0");
  }

  // The gateway is down over day 15 and comes back on day 16, Friday 3 April, 10:00 in Moscow.
  TestGateway ru(config, Utc("2026-04-03T07:00:00"));
  sandbox->Join({"RU", InboundUrl(ru)});
  Gateway gw{files, ru};
  const Json overdue = gw.Dl01("RU-IR-2026-0900", [](const Json& j) { return In("overdue", j); });
  CHECK(overdue["late"] == true);
  CHECK(overdue["daysLate"] == 1);
  CHECK(!overdue.contains("metOn"));
  CHECK(StatesOf(overdue) == std::vector<std::string>{"open", "at-risk", "overdue"});

  // Report 0501 on day 16: overdue from its start, still delivered, and met one day late.
  gw.Send(Report("RU-IR-2026-0501", 3), "acknowledged");
  const Json late = gw.Dl01("RU-IR-2026-0501", [](const Json& j) { return In("met", j); });
  CHECK(late["metOn"] == "2026-04-03");
  CHECK(late["late"] == true);
  CHECK(late["daysLate"] == 1);
  CHECK(StatesOf(late) == std::vector<std::string>{"overdue", "met"});
  CHECK(late["history"][1]["detail"].get<std::string>().ends_with("late by 1 business day"));

  // Report 0502 on day 16, refused: delivered to no one, its deadline stays overdue.
  sandbox.Misbehave("refuse");
  gw.Send(Report("RU-IR-2026-0502", 4), "rejected");
  const Json refused = gw.Dl01("RU-IR-2026-0502", [](const Json& j) { return In("overdue", j); });
  CHECK(refused["history"].size() == 1);

  // The lists by state, as the command line asks for them.
  const Json listed = Http(gw.Get("/v1/deadlines?kind=DL-01&state=overdue,at-risk")).json();
  std::vector<std::string> ids;
  for (const auto& d : listed["items"]) ids.push_back(d["id"]);
  CHECK(ids.size() == 2);
  CHECK(std::find(ids.begin(), ids.end(), refused_id) != ids.end());
  CHECK(Http(gw.Get("/v1/deadlines?kind=DL-01&country=KZ")).status == 403);
  CHECK(Http(gw.Get("/v1/deadlines?state=late")).status == 400);
  CHECK(Http(gw.Get("/v1/deadlines?country=XX")).status == 400);
  CHECK(Http(gw.Get("/v1/deadlines?message=42")).status == 400);
  // And as the command line prints them.
  WriteText(files.dir / "ru.token", files.ru_token + "\n");
  const auto cli =
      RunCommand(std::string(EAEU_CLI) + " deadlines --url " + ru.Url("") + " --token-file '" +
                     (files.dir / "ru.token").string() + "' --overdue --kind DL-01",
                 files.dir.path());
  INFO(cli.err);
  CHECK(cli.exit_code == 0);
  CHECK(cli.out.find(refused_id + "  overdue  due 2026-04-02  1 business day late  report "
                                  "RU-IR-2026-0900\n") != std::string::npos);
  CHECK(cli.out.find("RU-IR-2026-0502") != std::string::npos);
  CHECK(cli.out.find("RU-IR-2026-0417") == std::string::npos);
  const auto one =
      RunCommand(std::string(EAEU_CLI) + " deadlines --url " + ru.Url("") + " --token-file '" +
                     (files.dir / "ru.token").string() + "' --id " + refused_id,
                 files.dir.path());
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("state     overdue: 1 business day late\n") != std::string::npos);
  CHECK(one.out.find("  at-risk  at risk: 1 business day left, due 2026-04-02\n") !=
        std::string::npos);
  WaitForMetric(ru, files.operator_token, "eaeu_deadlines{state=\"met\"} 2");
  WaitForMetric(ru, files.operator_token, "eaeu_deadlines{state=\"overdue\"} 2");
  // This life's reports, from memory: 0501 validated and acknowledged, 0502 validated.
  WaitForMetric(ru, files.operator_token, "eaeu_deadline_documents_total{from=\"memory\"} 3");

  // The moves to at risk and to overdue reached the webhook once each, in the journal's order.
  const auto events = hook.WaitForEvents(5, ru.clock());
  std::multiset<std::string> seen;
  uint64_t position = 0;
  for (const auto& e : events) {
    CHECK(e["rule"] == "DL-01");
    CHECK(e["position"].get<uint64_t>() > position);
    position = e["position"];
    seen.insert(e["event"].get<std::string>() + " " + e["subject"].get<std::string>());
  }
  CHECK(seen == std::multiset<std::string>{"deadline.at-risk report RU-IR-2026-0417",
                                           "deadline.at-risk report RU-IR-2026-0900",
                                           "deadline.overdue report RU-IR-2026-0900",
                                           "deadline.overdue report RU-IR-2026-0501",
                                           "deadline.overdue report RU-IR-2026-0502"});
}

TEST_CASE(
    "Deadlines: DL-03 met by the report's remediation dates, DL-04 and DL-06 by recorded events, "
    "and an operator's hand with a reason",
    "[deadlines][daemon][sandbox]") {
  GatewayFiles files(Utc("2026-01-01T00:00:00"));
  RunningSandbox sandbox;
  config::DaemonConfig config = GatewayOf(files, "RU", sandbox.port());
  deadlines::DeadlineSettings deadlines;
  deadlines.calendars = SourceDir() / "config/calendars";
  config.deadlines = deadlines;

  // Wednesday 1 April 2026, 09:00 in Moscow: the example report goes out. Its first inspection
  // ended 5 March with two nonconformities, one of them undated; its second ended 12 March with
  // one, dated 17 April: inside its 30 business days (due 23 April), a plan until that day comes.
  TestGateway ru(config, Utc("2026-04-01T06:00:00"));
  sandbox->Join({"RU", InboundUrl(ru)});
  Gateway gw{files, ru};
  gw.Send(ExampleText(model::DocumentKind::kInspectionReport), "acknowledged");
  auto dl03 = gw.Of("DL-03", 2);
  REQUIRE(dl03.size() == 2);
  const std::string dated = dl03["2026-03-12"]["id"];
  const std::string undated = dl03["2026-03-05"]["id"];
  CHECK(dl03["2026-03-12"]["state"] == "open");
  CHECK(dl03["2026-03-12"]["due"] == "2026-04-23");
  CHECK(dl03["2026-03-12"]["basis"].get<std::string>().starts_with(
      "30 business days from 2026-03-12, the end of the site inspection; the report dates the "
      "remediation of its nonconformity, the last on 2026-04-17"));
  CHECK(dl03["2026-03-05"]["basis"].get<std::string>().find(
            "1 of 2 nonconformities have no remediation date in the report") != std::string::npos);

  // Monday 20 April: the dated one is met on 17 April, in time; the undated one is overdue (due
  // Friday 17 April), and says why. The tracker sees the days turn on the clock as it goes.
  ru.clock().Set(Utc("2026-04-20T06:00:00"));
  const Json met =
      WaitFor(gw.Get("/v1/deadlines/" + dated), [](const Json& j) { return j["state"] == "met"; });
  CHECK(met["metOn"] == "2026-04-17");
  CHECK(met["late"] == false);
  CHECK(met["history"].back()["detail"] == "met: the report (message " +
                                               met["messageId"].get<std::string>() +
                                               ") dates the remediation 2026-04-17");
  const Json overdue = WaitFor(gw.Get("/v1/deadlines/" + undated),
                               [](const Json& j) { return j["state"] == "overdue"; });
  CHECK(overdue["daysLate"] == 1);

  // An operator's hand: a reason always, a day that has come, and the line says who.
  const std::string hand = "/v1/deadlines/" + undated;
  CHECK(Http(gw.Post(hand + "/met", {{"on", "2026-04-16"}})).status == 400);
  CHECK(Http(gw.Post(hand + "/met", {{"on", "2026-04-16"}, {"reason", ""}})).status == 400);
  CHECK(Http(gw.Post(hand + "/met", {{"on", "2026-05-04"}, {"reason", "planned"}})).status == 400);
  CHECK(Http(gw.Post(hand + "/met", {{"on", "2026-04-16"}, {"reason", "a\nforged line"}})).status ==
        400);
  CHECK(Http(gw.Post(hand + "/reopen", {{"reason", "nothing to reopen"}})).status == 409);
  HttpCall broken = gw.Post(hand + "/waive", Json::object());
  broken.body = "{\"reason\": ";
  CHECK(Http(broken).status == 400);
  const auto by_hand = Http(gw.Post(
      hand + "/met", {{"on", "2026-04-16"}, {"reason", "letter 12/417 of the inspecting body"}}));
  REQUIRE(by_hand.status == 200);
  const Json marked = by_hand.json();
  CHECK(marked["state"] == "met");
  CHECK(marked["metOn"] == "2026-04-16");
  CHECK(marked["late"] == false);
  CHECK(marked["history"].back()["by"] == "ru-job (RU)");
  CHECK(marked["history"].back()["detail"] ==
        "met on 2026-04-16 by ru-job (RU): letter 12/417 of the inspecting body");
  // Another state's caller does not find it.
  HttpCall foreign = gw.Post(hand + "/waive", {{"reason", "not ours"}});
  foreign.token = files.kz_token;
  CHECK(Http(foreign).status == 404);
  // Reopened, it counts again; waived, it is listed as such and no longer counts.
  CHECK(Http(gw.Post(hand + "/reopen", {{"reason", "the letter was about another site"}}))
            .json()["state"] == "overdue");
  CHECK(Http(gw.Post(hand + "/waive", {{"reason", "the site closed"}})).json()["state"] ==
        "waived");
  const Json waived = Http(gw.Get("/v1/deadlines?state=waived")).json();
  REQUIRE(waived["items"].size() == 1);
  CHECK(waived["items"][0]["id"] == undated);
  CHECK(gw.One(undated)["history"].size() == 5);  // open, overdue, met, overdue again, waived

  // DL-04: the protocol of the tests, drawn up Tuesday 14 April; the results are due within 5
  // business days (21 April). A report the gateway never sent, or results before the protocol,
  // are refused by name.
  const Json protocol = {{"kind", "test-protocol"},
                         {"report", "RU-IR-2026-0417"},
                         {"reference", "TP-17"},
                         {"date", "2026-04-14"}};
  Json unknown = protocol;
  unknown["report"] = "RU-IR-2026-9999";
  const auto refused = Http(gw.Post("/v1/deadlines/events", unknown));
  CHECK(refused.status == 422);
  CHECK(refused.json()["detail"].get<std::string>().find("RU-IR-2026-9999") != std::string::npos);
  Json results = protocol;
  results["kind"] = "test-results";
  results["date"] = "2026-04-20";
  CHECK(Http(gw.Post("/v1/deadlines/events", results)).status == 404);
  Json odd = protocol;
  odd["kind"] = "test-protocols";
  CHECK(Http(gw.Post("/v1/deadlines/events", odd)).status == 400);
  odd = protocol;
  odd["extra"] = 1;
  CHECK(Http(gw.Post("/v1/deadlines/events", odd)).status == 400);
  const Json dl04 = Http(gw.Post("/v1/deadlines/events", protocol)).json();
  CHECK(dl04["kind"] == "DL-04");
  CHECK(dl04["due"] == "2026-04-21");
  CHECK(dl04["state"] == "at-risk");
  CHECK(dl04["basis"].get<std::string>().starts_with(
      "5 business days from 2026-04-14, the day the test protocol TP-17 was drawn up; "));
  CHECK(dl04["history"].back()["by"] == "ru-job (RU)");
  // Recorded again: nothing changes; with another day: a conflict.
  CHECK(Http(gw.Post("/v1/deadlines/events", protocol)).json()["history"].size() ==
        dl04["history"].size());
  Json moved = protocol;
  moved["date"] = "2026-04-13";
  CHECK(Http(gw.Post("/v1/deadlines/events", moved)).status == 409);
  const Json results_in = Http(gw.Post("/v1/deadlines/events", results)).json();
  CHECK(results_in["state"] == "met");
  CHECK(results_in["metOn"] == "2026-04-20");
  CHECK(results_in["late"] == false);

  // DL-06: a claim received Thursday 2 April, within the manufacturer's 30 business days from the
  // report's copy (30 March); the answer is due within 15 business days (23 April). From the
  // command line.
  WriteText(files.dir / "ru.token", files.ru_token + "\n");
  const std::string cli = std::string(EAEU_CLI) + " deadlines --url " + ru.Url("") +
                          " --token-file '" + (files.dir / "ru.token").string() + "' ";
  const auto claim =
      RunCommand(cli +
                     "event claim-received --report RU-IR-2026-0417 --reference C-7 --date "
                     "2026-04-02 --report-received 2026-03-30 --format json",
                 files.dir.path());
  INFO(claim.err);
  REQUIRE(claim.exit_code == 0);
  const Json dl06 = Json::parse(claim.out);
  CHECK(dl06["kind"] == "DL-06");
  CHECK(dl06["due"] == "2026-04-23");
  CHECK(dl06["basis"].get<std::string>().find(
            "the day the claim C-7 was received (within the manufacturer's 30 business days, "
            "until 2026-05-") != std::string::npos);
  const auto answered = RunCommand(
      cli + "event claim-answered --report RU-IR-2026-0417 --reference C-7 --date 2026-04-20",
      files.dir.path());
  INFO(answered.err);
  CHECK(answered.exit_code == 0);
  CHECK(answered.out.find("state     met: met 2026-04-20\n") != std::string::npos);
  const auto no_reason =
      RunCommand(cli + "waive " + dl06["id"].get<std::string>(), files.dir.path());
  CHECK(no_reason.exit_code != 0);
  const auto reopened =
      RunCommand(cli + "reopen " + dl06["id"].get<std::string>() + " --reason 'answer withdrawn'",
                 files.dir.path());
  INFO(reopened.err);
  CHECK(reopened.exit_code == 0);
  CHECK(reopened.out.find("reopened by ru-job (RU): answer withdrawn; at risk: 3 business days "
                          "left, due 2026-04-23  [ru-job (RU)]\n") != std::string::npos);

  // The daemon took every one of these and serves on.
  CHECK(Http(gw.Get("/v1/deadlines?kind=DL-04")).json()["items"].size() == 1);
}

TEST_CASE(
    "Deadlines: a holiday added to a state's calendar moves the due day on SIGHUP, and a new "
    "year's file is loaded with it",
    "[deadlines][daemon]") {
  GatewayFiles files(Utc("2026-01-01T00:00:00"));
  const auto calendars = files.dir / "calendars";
  std::filesystem::copy(SourceDir() / "config/calendars", calendars);
  config::DaemonConfig config = files.Config();
  deadlines::DeadlineSettings deadlines;
  deadlines.calendars = calendars;
  config.deadlines = deadlines;
  WriteText(config.file,
            TomlOf(config, "", "[deadlines]\ncalendars = \"" + calendars.string() + "\"\n"));

  // Monday 16 March 2026: the example report's DL-01 is due Thursday 2 April.
  TestGateway ru(config, Utc("2026-03-16T06:00:00"));
  Gateway gw{files, ru};
  gw.Send(ExampleText(model::DocumentKind::kInspectionReport), "queued");
  const std::string id = gw.Of("DL-01", 1).begin()->second["id"];
  CHECK(gw.One(id)["due"] == "2026-04-02");
  const Json before = Http(gw.Get("/v1/calendars")).json();
  REQUIRE(before["states"].size() == 5);
  const Json& ru_calendar = before["states"][4];
  CHECK(ru_calendar["country"] == "RU");
  CHECK(ru_calendar["utcOffset"] == "+03:00");
  std::map<int, Json> years;
  for (const auto& y : ru_calendar["years"]) years[y["year"].get<int>()] = y;
  CHECK(years.at(2025)["status"] == "official");
  CHECK(years.at(2026)["status"] == "provisional");
  CHECK(years.at(2026)["act"] ==
        "Постановление Правительства РФ о переносе выходных дней в 2026 году");
  CHECK(years.count(2028) == 0);

  // The government makes Tuesday 31 March a day off, and the 2028 calendar is published.
  std::string year = ReadText(calendars / "RU-2026.toml");
  const std::string may = "  { date = \"2026-05-01\"";
  year.insert(year.find(may),
              "  { date = \"2026-03-31\", why = \"перенос\", act = \"Постановление № 1\" },\n");
  WriteText(calendars / "RU-2026.toml", year);
  WriteText(calendars / "RU-2028.toml",
            "country = \"RU\"\nyear = 2028\nstatus = \"provisional\"\nact = \"Постановление "
            "№ 2\"\noff = [ { date = \"2028-01-03\", why = \"Новогодние каникулы\", act = "
            "\"ТК РФ\" } ]\n");
  const Status reloaded = ru.daemon().Reload();
  INFO((reloaded.ok() ? std::string() : reloaded.error().ToString()));
  REQUIRE(reloaded.ok());
  const Json moved = WaitFor(gw.Get("/v1/deadlines/" + id),
                             [](const Json& j) { return j["due"] == "2026-04-03"; });
  CHECK(moved["history"].back()["detail"].get<std::string>().find("was 2026-04-02") !=
        std::string::npos);
  const Json after = Http(gw.Get("/v1/calendars")).json();
  bool found = false;
  for (const auto& y : after["states"][4]["years"]) {
    if (y["year"] == 2028) {
      found = true;
      CHECK(y["status"] == "provisional");
      CHECK(y["daysOff"] == 1);
    }
  }
  CHECK(found);
  CHECK(Http(gw.Get("/v1/calendars?year=2028")).status == 400);
}

TEST_CASE(
    "Deadlines: a DL-03 an earlier version tracked without its remediation dates is read again "
    "and met, not left overdue",
    "[deadlines][daemon]") {
  GatewayFiles files(Utc("2026-01-01T00:00:00"));
  config::DaemonConfig config = WithCalendars(files.Config(), SourceDir() / "config/calendars");
  std::string dated;
  {
    TestGateway ru(config, Utc("2026-04-01T06:00:00"));
    Gateway gw{files, ru};
    gw.Send(ExampleText(model::DocumentKind::kInspectionReport), "queued");
    dated = gw.Of("DL-03", 2)["2026-03-12"]["id"];
  }
  // What a journal of the earlier version holds: no planned day, no origin, and the deadline
  // overdue since 23 April.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(config.journal.file.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db,
                     "UPDATE deadlines SET planned = '', origin = '', state = 'overdue', "
                     "basis = 'RU 2026 (provisional calendar)' WHERE rule = 'DL-03'",
                     nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  // The gateway of this version starts on 4 May: the dated one is met on 17 April, in time.
  TestGateway ru(config, Utc("2026-05-04T06:00:00"));
  Gateway gw{files, ru};
  const Json met =
      WaitFor(gw.Get("/v1/deadlines/" + dated), [](const Json& j) { return j["state"] == "met"; });
  CHECK(met["metOn"] == "2026-04-17");
  CHECK(met["late"] == false);
  CHECK(met["basis"].get<std::string>().find("the last on 2026-04-17") != std::string::npos);
}

TEST_CASE("Deadlines: a clock set back and forth moves no deadline back, and none twice",
          "[deadlines][daemon]") {
  GatewayFiles files(Utc("2026-01-01T00:00:00"));
  config::DaemonConfig config = WithCalendars(files.Config(), SourceDir() / "config/calendars");
  WriteText(config.file,
            TomlOf(config, "",
                   "[deadlines]\ncalendars = \"" + config.deadlines->calendars.string() + "\"\n"));
  // Monday 30 March: the example report's DL-01 is due Thursday 2 April.
  TestGateway ru(config, Utc("2026-03-30T06:00:00"));
  Gateway gw{files, ru};
  gw.Send(ExampleText(model::DocumentKind::kInspectionReport), "queued");
  const std::string id = gw.Of("DL-01", 1).begin()->second["id"];
  // Friday 3 April: overdue.
  ru.clock().Set(Utc("2026-04-03T06:00:00"));
  const Json overdue =
      WaitFor(gw.Get("/v1/deadlines/" + id), [](const Json& j) { return j["state"] == "overdue"; });
  const size_t lines = overdue["history"].size();
  // The count of every deadline, as the metrics say (each Reload asks for one more).
  auto sweeps = [&] {
    HttpCall metrics;
    metrics.url = ru.Url("/metrics");
    metrics.token = files.operator_token;
    const std::string text = Http(metrics).body;
    const std::string name = "eaeu_deadline_sweeps_total ";
    const auto at = text.find("\n" + name);
    return at == std::string::npos ? 0.0 : std::stod(text.substr(at + 1 + name.size()));
  };
  auto counted_again = [&] {
    const double before = sweeps();
    REQUIRE(ru.daemon().Reload().ok());
    while (sweeps() <= before) std::this_thread::yield();
  };
  // The clock is set back to Tuesday 31 March, and counted again: still overdue.
  ru.clock().Set(Utc("2026-03-31T06:00:00"));
  counted_again();
  // And forward again: no second move to overdue.
  ru.clock().Set(Utc("2026-04-06T06:00:00"));
  counted_again();
  const Json again = Http(gw.Get("/v1/deadlines/" + id)).json();
  CHECK(again["state"] == "overdue");
  CHECK(again["history"].size() == lines);
  size_t moves = 0;
  for (const auto& h : again["history"]) moves += h["state"] == "overdue" ? 1 : 0;
  CHECK(moves == 1);
}

}  // namespace eaeu::test
