// The register sync end to end: a KZ gateway, the sandbox as the Commission, a national register
// as CSV. Only the difference goes out, once; every change is acknowledged and meets its DL-02.
#include <utility>  // before Asio

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "gateway/core/percent.hpp"
#include "integration/peer.hpp"
#include "integration/register_fixture.hpp"
#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

HttpReply Sync(TestGateway& g, const std::string& token, const std::string& body,
               const std::string& query = "", const std::string& type = "text/csv") {
  HttpCall call;
  call.method = "POST";
  call.url = g.Url("/v1/registry/sync" + query);
  call.token = token;
  call.content_type = type;
  call.body = body;
  return Http(call);
}

HttpCall Register(TestGateway& g, const std::string& token, const std::string& query = "") {
  HttpCall call;
  call.url = g.Url("/v1/registry/organizations?limit=1000" + query);
  call.token = token;
  return call;
}

// Waits until every record of the register as sent is acknowledged; returns the register.
Json Acknowledged(TestGateway& g, const std::string& token, size_t records) {
  return Until(g, Register(g, token), [records](const Json& j) {
    if (!j.contains("items") || j["items"].size() != records) return false;
    for (const auto& item : j["items"]) {
      if (item["state"] != "acknowledged") return false;
    }
    return true;
  });
}

// The EDocIds of register documents the sandbox took, each with how many times.
std::map<std::string, int> TakenRegisterDocuments(RunningSandbox& sandbox) {
  HttpCall state;
  state.url = "http://127.0.0.1:" + std::to_string(sandbox.port()) + "/sandbox/state";
  std::map<std::string, int> out;
  const Json taken = Http(state).json();
  for (const auto& t : taken["taken"]) {
    if (t["kind"] == "register-entry") ++out[t["eDocId"].get<std::string>()];
  }
  return out;
}

std::set<std::string> Changes(const Json& report, const std::string& change) {
  std::set<std::string> out;
  for (const auto& m : report["messages"]) {
    if (m["change"] == change) out.insert(m["name"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE(
    "Registry sync: only the difference is sent, each change once, acknowledged, with its DL-02",
    "[registry][daemon][sandbox]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  TestGateway kz(GatewayOf(files, "KZ", sandbox->port()));
  sandbox->Join({"KZ", InboundUrl(kz)});
  const std::string& token = files.kz_token;

  RegisterCsv reg("KZ", 10, 2);
  auto first = Sync(kz, token, reg.Text());
  INFO(first.body);
  REQUIRE(first.status == 200);
  Json r = first.json();
  CHECK(r["outcome"] == "planned");
  CHECK(r["added"] == 10);
  CHECK(r["changed"] == 0);
  CHECK(r["invalid"].empty());
  REQUIRE(r["messages"].size() == 10);
  for (const auto& m : r["messages"]) CHECK(m["id"].is_string());
  Json sent = Acknowledged(kz, token, 10);
  CHECK(sent["items"][0]["record"]["inspectorDetails"].size() == 2);
  CHECK(TakenRegisterDocuments(sandbox).size() == 10);

  // The same register again, and again reordered, respaced and in other letter case: nothing.
  auto again = Sync(kz, token, reg.Text());
  REQUIRE(again.status == 200);
  CHECK(again.json()["outcome"] == "nothing-to-send");
  CHECK(again.json()["unchanged"] == 10);
  std::reverse(reg.rows().begin(), reg.rows().end());
  RegisterCsv shuffled = reg;
  shuffled.SetAll(2, "organization_name",
                  "  ТОВАРИЩЕСТВО с ограниченной   ответственностью «Орган по инспектированию №3»");
  shuffled.SetAll(4, "group_codes", "07.03;04.02;04.01");
  auto same = Sync(kz, token, shuffled.Text());
  INFO(same.body);
  REQUIRE(same.status == 200);
  CHECK(same.json()["outcome"] == "nothing-to-send");
  CHECK(same.json()["unchanged"] == 10);

  // Changes: an inspector's attestation renewed, an address changed, one added, one withdrawn.
  RegisterCsv changed("KZ", 11, 2);
  changed.Set(*changed.Of(2)[1], "attestation_date", "2026-06-02");
  changed.Set(*changed.Of(2)[1], "attestation_valid_until", "2029-06-01");
  changed.SetAll(3, "address_city", "Караганда");
  changed.Remove(9);
  auto dry = Sync(kz, token, changed.Text(), "?dryRun=true");
  INFO(dry.body);
  REQUIRE(dry.status == 200);
  r = dry.json();
  CHECK(r["outcome"] == "dry-run");
  CHECK(r["added"] == 1);
  CHECK(r["changed"] == 2);
  CHECK(r["withdrawn"] == 1);
  CHECK(r["unchanged"] == 7);
  for (const auto& m : r["messages"]) CHECK(m["id"].is_null());
  CHECK(TakenRegisterDocuments(sandbox).size() == 10);  // a dry run sends nothing

  auto real = Sync(kz, token, changed.Text());
  REQUIRE(real.status == 200);
  r = real.json();
  CHECK(Changes(r, "added") == std::set<std::string>{RegisterCsv::NameOf(10)});
  CHECK(Changes(r, "changed") ==
        std::set<std::string>{RegisterCsv::NameOf(2), RegisterCsv::NameOf(3)});
  CHECK(Changes(r, "withdrawn") == std::set<std::string>{RegisterCsv::NameOf(9)});
  for (const auto& m : r["messages"]) {
    if (m["name"] == RegisterCsv::NameOf(2)) {
      REQUIRE(m["fields"].size() == 2);  // the inspector's attestation and its end
      const Json& f = m["fields"][1];
      CHECK(f["path"].get<std::string>().find("[Инспектор2 Ерлан Маратович]") != std::string::npos);
      CHECK(f["path"].get<std::string>().ends_with("attestationValidityDate"));
      CHECK(f["before"] == "2028-06-01");
      CHECK(f["after"] == "2029-06-01");
    }
    if (m["name"] == RegisterCsv::NameOf(3)) {
      CHECK(m["fields"].dump().find("Караганда") != std::string::npos);
    }
  }
  Acknowledged(kz, token, 11);
  const auto taken = TakenRegisterDocuments(sandbox);
  CHECK(taken.size() == 14);
  for (const auto& [id, times] : taken) CHECK(times == 1);

  // The withdrawn organization: in the register, inactive, with both its versions.
  auto withdrawn = Http(Register(kz, token, "&active=false")).json();
  REQUIRE(withdrawn["items"].size() == 1);
  CHECK(withdrawn["items"][0]["name"] == RegisterCsv::NameOf(9));
  CHECK(withdrawn["items"][0]["record"]["inspectingOrganizationDetails"]
                 ["resourceItemStatusDetails"]["validityPeriodDetails"]
                     .contains("endDateTime"));
  HttpCall history;
  history.url = kz.Url("/v1/registry/organizations/" +
                       PercentEncode(withdrawn["items"][0]["key"].get<std::string>()));
  history.token = token;
  const Json versions = Http(history).json();
  INFO(versions.dump());
  REQUIRE(versions["versions"].size() == 2);
  CHECK(versions["versions"][0]["change"] == "added");
  CHECK(versions["versions"][1]["change"] == "withdrawn");

  // DL-02: one for each of the 14 changes, all met on the day the Commission took them.
  HttpCall dl02;
  dl02.url = kz.Url("/v1/deadlines?kind=DL-02&limit=1000");
  dl02.token = token;
  const Json deadlines = Until(kz, dl02, [](const Json& j) {
    if (!j.contains("items") || j["items"].size() != 14) return false;
    for (const auto& d : j["items"]) {
      if (d["state"] != "met") return false;
    }
    return true;
  });
  CHECK(deadlines["items"][0]["event"] == "2026-11-24");

  // The withdrawal guard: a register cut to 5 of 10 would withdraw half of it.
  RegisterCsv truncated("KZ", 5, 2);
  auto guarded = Sync(kz, token, truncated.Text());
  INFO(guarded.body);
  REQUIRE(guarded.status == 409);
  CHECK(guarded.json()["type"] == "urn:eaeu-gateway:problem:withdrawal-guard");
  CHECK(guarded.json()["report"]["withdrawn"] == 5);
  CHECK(TakenRegisterDocuments(sandbox).size() == 14);
  auto confirmed = Sync(kz, token, truncated.Text(), "?allowWithdrawals=true");
  REQUIRE(confirmed.status == 200);
  CHECK(confirmed.json()["withdrawn"] == 5);
  Acknowledged(kz, token, 11);
  CHECK(Http(Register(kz, token, "&active=true")).json()["items"].size() == 5);
}

TEST_CASE(
    "Registry sync: a bad organization is reported and the others go, but a strict sync sends "
    "nothing",
    "[registry][daemon]") {
  GatewayFiles files;
  auto config = files.Config();
  TestGateway kz(config);
  const std::string& token = files.kz_token;

  RegisterCsv reg("KZ", 4, 1);
  // A duplicate record: organization 1 again with another legal form (names both lines).
  RegisterRow twin = *reg.Of(0)[0];
  reg.Set(twin, "legal_form_code", "40");
  reg.Set(twin, "inspector_last_name", "Другой");
  reg.rows().push_back(twin);
  // An organization of another state: its record is Belarus's to send (SENDER).
  reg.SetAll(1, "auth_country", "BY");
  // A bad date on organization 3's row.
  reg.SetAll(2, "auth_doc_date", "28.08.2026");

  auto strict = Sync(kz, token, reg.Text(), "?strict=true");
  INFO(strict.body);
  REQUIRE(strict.status == 422);
  CHECK(strict.json()["report"]["invalid"].size() == 3);

  auto lenient = Sync(kz, token, reg.Text());
  INFO(lenient.body);
  REQUIRE(lenient.status == 200);
  const Json r = lenient.json();
  CHECK(r["added"] == 1);  // organization 4 alone
  REQUIRE(r["invalid"].size() == 3);
  std::map<std::string, Json> by_rule;
  for (const auto& bad : r["invalid"]) by_rule[bad["violations"][0]["rule"]] = bad;
  REQUIRE(by_rule.contains("DUPLICATE"));
  CHECK(by_rule["DUPLICATE"]["where"] == "line 6");
  CHECK(by_rule["DUPLICATE"]["violations"][0]["message"].get<std::string>().find("line 2") !=
        std::string::npos);
  REQUIRE(by_rule.contains("SENDER"));
  CHECK(by_rule["SENDER"]["name"] == RegisterCsv::NameOf(1));
  REQUIRE(by_rule.contains("CSV"));
  CHECK(by_rule["CSV"]["where"].get<std::string>().find("auth_doc_date") != std::string::npos);

  // Fixed, the next sync adds the three and withdraws nothing: a refused organization was
  // never taken for a withdrawn one.
  RegisterCsv fixed("KZ", 4, 1);
  auto next = Sync(kz, token, fixed.Text());
  REQUIRE(next.status == 200);
  CHECK(next.json()["added"] == 3);
  CHECK(next.json()["withdrawn"] == 0);
  CHECK(next.json()["unchanged"] == 1);

  // Not a register at all; an unknown query parameter.
  auto junk = Sync(kz, token, "name,whatever\n1,2\n");
  INFO(junk.body);
  CHECK(junk.status == 400);
  CHECK(junk.json()["detail"] == "line 1, column 1: unknown column \"name\"");
  auto typo = Sync(kz, token, fixed.Text(), "?dryrun=true");
  CHECK(typo.status == 400);
  CHECK(typo.json()["detail"].get<std::string>().find("dryrun") != std::string::npos);
  // Another state's register as sent is not the caller's to read.
  HttpCall other = Register(kz, token, "&country=RU");
  CHECK(Http(other).status == 403);
}

TEST_CASE("Registry sync: a plan journalled before a stop is sent after the restart, once",
          "[registry][daemon][sandbox]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  RegisterCsv reg("KZ", 6, 1);
  {
    // The Commission cannot be reached: the plan is journalled, nothing is acknowledged.
    auto config = GatewayOf(files, "KZ", sandbox->port());
    config.routes[0].endpoint = "http://127.0.0.1:9/";
    TestGateway kz(config);
    auto planned = Sync(kz, files.kz_token, reg.Text());
    REQUIRE(planned.status == 200);
    CHECK(planned.json()["added"] == 6);
  }
  TestGateway kz(GatewayOf(files, "KZ", sandbox->port()));
  sandbox->Join({"KZ", InboundUrl(kz)});
  // A send the stop cut short is sent again when its timer ends (exchange.md §3).
  kz.clock().Advance(std::chrono::minutes(21));
  Acknowledged(kz, files.kz_token, 6);
  // The sync run again owes nothing: the register as sent already has every record.
  auto again = Sync(kz, files.kz_token, reg.Text());
  REQUIRE(again.status == 200);
  CHECK(again.json()["outcome"] == "nothing-to-send");
  const auto taken = TakenRegisterDocuments(sandbox);
  CHECK(taken.size() == 6);
  for (const auto& [id, times] : taken) CHECK(times == 1);
}

TEST_CASE("Registry from the command line: sync a file, a folder and a diff, as the README shows",
          "[registry][cli][daemon]") {
  GatewayFiles files;
  TestGateway kz(files.Config());
  const auto token_file = files.dir / "kz.token";
  WriteText(token_file, files.kz_token + "\n");
  const std::string connection =
      " --url " + kz.Url("") + " --token-file '" + token_file.string() + "'";
  const auto cli = [&](const std::string& arguments) {
    return RunCommand(std::string(EAEU_CLI) + " " + arguments, files.dir.path());
  };

  RegisterCsv reg("KZ", 3, 1);
  const auto first = files.dir / "register.csv";
  WriteText(first, reg.Text());
  auto dry = cli("registry sync --dry-run --source '" + first.string() + "'" + connection);
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("3 added, 0 changed, 0 withdrawn, 0 unchanged, 0 invalid") !=
        std::string::npos);
  CHECK(dry.out.find("dry-run") != std::string::npos);

  auto sync = cli("registry sync --format json --source '" + first.string() + "'" + connection);
  INFO(sync.out << sync.err);
  REQUIRE(sync.exit_code == 0);
  const Json report = Json::parse(sync.out);
  CHECK(report["outcome"] == "planned");
  CHECK(report["messages"].size() == 3);

  // The same register as a folder of Table 3 XML documents, one changed: only that one differs.
  reg.SetAll(1, "address_city", "Шымкент");
  const auto changed = files.dir / "changed.csv";
  WriteText(changed, reg.Text());
  const auto folder = files.dir / "xml";
  auto converted = cli("convert --from csv --to xml --out-dir '" + folder.string() + "' '" +
                       changed.string() + "'");
  INFO(converted.out << converted.err);
  REQUIRE(converted.exit_code == 0);
  auto diff = cli("registry diff '" + first.string() + "' '" + changed.string() + "'");
  CHECK(diff.exit_code == 1);
  CHECK(diff.out.find("changed   " + RegisterCsv::NameOf(1)) != std::string::npos);
  CHECK(diff.out.find("Шымкент") != std::string::npos);
  CHECK(diff.out.find("1 of 3 organizations differ") != std::string::npos);
  auto against_sent = cli("registry diff --sent '" + changed.string() + "'" + connection);
  CHECK(against_sent.exit_code == 1);
  CHECK(against_sent.out.find("1 of 3 organizations differ") != std::string::npos);

  auto from_folder = cli("registry sync --source '" + folder.string() + "'" + connection);
  INFO(from_folder.out << from_folder.err);
  CHECK(from_folder.exit_code == 0);
  CHECK(from_folder.out.find("0 added, 1 changed, 0 withdrawn, 2 unchanged") != std::string::npos);

  auto list = cli("registry list --format json" + connection);
  REQUIRE(list.exit_code == 0);
  const Json listed = Json::parse(list.out);
  CHECK(listed.size() == 3);
  // The register as a JSON array of Table 3 entries (no headers): the records as sent are the
  // register, unchanged.
  Json array = Json::array();
  for (const auto& item : listed) array.push_back(item["record"]);
  auto as_json = Sync(kz, files.kz_token, array.dump(), "?dryRun=true", "application/json");
  INFO(as_json.body);
  REQUIRE(as_json.status == 200);
  CHECK(as_json.json()["unchanged"] == 3);
  CHECK(as_json.json()["invalid"].empty());
  // Cut to one organization: the guard refuses, exit 1, and says how to confirm.
  RegisterCsv cut("KZ", 1, 1);
  const auto one = files.dir / "one.csv";
  WriteText(one, cut.Text());
  auto guarded = cli("registry sync --source '" + one.string() + "'" + connection);
  CHECK(guarded.exit_code == 1);
  CHECK(guarded.out.find("refused: the sync would withdraw 2 of the 3") != std::string::npos);
}

TEST_CASE(
    "Registry: the daemon's scheduled sync runs at its time, is posted to the webhook and counted",
    "[registry][daemon][notify]") {
  GatewayFiles files;
  PeerLoop loop;
  WebhookSink hook(loop.io, 0);
  loop.Run();
  RegisterCsv reg("KZ", 4, 1);
  WriteText(files.dir / "register.csv", reg.Text());
  auto config = files.Config();
  registry::ScheduleSettings scheduled;
  scheduled.source = (files.dir / "register.csv").string();
  scheduled.schedule = "10:30";  // the tests' clock starts at 10:00 UTC
  scheduled.country = "KZ";
  config.registry.scheduled = scheduled;
  notify::NotifySettings n;
  n.webhook.url = hook.Url();
  config.notify = n;
  TestGateway kz(config);

  // Nothing before its time.
  kz.clock().Advance(std::chrono::minutes(29));
  CHECK(Http(Register(kz, files.kz_token)).json()["items"].empty());
  kz.clock().Advance(std::chrono::minutes(2));
  auto events = hook.WaitForEvents(1, kz.clock());
  REQUIRE(events.size() == 1);
  CHECK(events[0]["event"] == "registry.sync");
  CHECK(events[0]["outcome"] == "planned");
  CHECK(events[0]["added"] == 4);
  CHECK(events[0]["documents"] == 4);
  CHECK(events[0]["country"] == "KZ");
  WaitForMetric(kz, files.operator_token, "eaeu_registry_syncs_total{outcome=\"planned\"} 1");
  WaitForMetric(kz, files.operator_token, "eaeu_registry_changes_total{change=\"added\"} 4");
  CHECK(Http(Register(kz, files.kz_token)).json()["items"].size() == 4);

  // The next day, a register cut to one: the guard refuses it, and the webhook hears why.
  RegisterCsv cut("KZ", 1, 1);
  WriteText(files.dir / "register.csv", cut.Text());
  kz.clock().Advance(std::chrono::hours(24));
  events = hook.WaitForEvents(2, kz.clock());
  CHECK(events[1]["outcome"] == "withdrawal-guard");
  CHECK(events[1]["detail"].get<std::string>().find("withdraw 3 of the 4") != std::string::npos);
  WaitForMetric(kz, files.operator_token,
                "eaeu_registry_syncs_total{outcome=\"withdrawal-guard\"} 1");
  CHECK(Http(Register(kz, files.kz_token, "&active=true")).json()["items"].size() == 4);
}

}  // namespace eaeu::test
