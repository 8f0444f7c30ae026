// The gateway on PostgreSQL ([journal] backend = "postgresql"): a whole daemon against a real
// PostgreSQL 15 server on loopback, and what the backend refuses. The stores themselves run the
// journal's contract suite on both backends (journal_contract_test.cpp).
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <set>

#include "gateway/store/postgres/journal.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "integration/postgres_fixture.hpp"
#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {

TEST_CASE(
    "PostgreSQL: a gateway on it takes a report through to acknowledged and has it after a "
    "restart",
    "[postgres][daemon][delivery]") {
  PostgresDatabase database;
  GatewayFiles files;
  RunningSandbox sandbox;
  auto config = GatewayOf(files, "RU", sandbox->port());
  config.journal.backend = "postgresql";
  config.journal.url = database.url();
  HttpCall report;
  {
    TestGateway ru(config);
    sandbox->Join({"RU", InboundUrl(ru)});
    report = Submitted(ru, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
    const Json done = Until(ru, report, [](const Json& j) { return j["state"] == "acknowledged"; });
    CHECK(done["deliveries"][0]["sends"] == 1);
    // Its deadline is tracked in the same database.
    HttpCall deadlines;
    deadlines.url = ru.Url("/v1/deadlines");
    deadlines.token = files.ru_token;
    CHECK_FALSE(Http(deadlines).json()["items"].empty());
  }
  TestGateway again(config);
  report.url = again.Url(report.url.substr(report.url.find("/v1/")));
  const Json kept = Http(report).json();
  CHECK(kept["state"] == "acknowledged");
  CHECK(kept["history"].size() >= 5);
  // The same document again is the same message.
  HttpCall resubmit;
  resubmit.method = "POST";
  resubmit.url = again.Url("/v1/documents");
  resubmit.token = files.ru_token;
  resubmit.body = ExampleText(model::DocumentKind::kInspectionReport);
  const auto duplicate = Http(resubmit);
  CHECK(duplicate.json()["duplicate"] == true);
  CHECK(duplicate.json()["id"] == kept["id"]);
}

TEST_CASE(
    "PostgreSQL: a database of schema 4 keeps its messages' documents apart after migration 5",
    "[postgres][journal]") {
  PostgresDatabase database;
  store::PostgresJournalOptions options;
  options.url = database.url();
  options.migrate_to = 4;
  REQUIRE(store::PostgresJournal::Open(options).ok());
  // Rows as version 4 wrote them (the code of today writes today's schema only): a report that
  // came as JSON, queued with its signed copy in the row, and one validated.
  PostgresAdmin(
      "INSERT INTO messages (id, direction, sender_country, sender_participant, kind, e_doc_id, "
      "content_type, payload, canonical_xml, state, violations, created_at, updated_at, "
      "signed_document, procedure_id) VALUES "
      "('m-1', 'outbound', 'RU', 'P.MM.00.ACT.001', 'inspection-report', 'doc-1', "
      "'application/json', convert_to('{\"name\":\"Шприц\"}', 'UTF8'), "
      "convert_to('<r>Шприц</r>', 'UTF8'), 'queued', '[]', 0, 0, "
      "convert_to('<r>Шприц<ds:Signature/></r>', 'UTF8'), 'p-1'), "
      "('m-2', 'outbound', 'RU', 'P.MM.00.ACT.001', 'inspection-report', 'doc-2', "
      "'application/xml', convert_to('<r>Шприц</r>', 'UTF8'), '', 'validated', '[]', 0, 0, '', "
      "'')",
      database.url());
  options.migrate_to = 0;
  auto journal = store::PostgresJournal::Open(options);
  REQUIRE(journal.ok());
  auto m1 = (*journal)->Get("m-1");
  REQUIRE(m1.ok());
  REQUIRE(m1->has_value());
  CHECK((*m1)->payload == "{\"name\":\"Шприц\"}");
  CHECK((*m1)->canonical_xml == "<r>Шприц</r>");
  CHECK((*m1)->signed_document == "<r>Шприц<ds:Signature/></r>");
  auto o1 = (*journal)->Outbound("m-1");
  REQUIRE(o1.ok());
  CHECK((*o1)->document.whole);
  CHECK((*o1)->document.Joined() == "<r>Шприц<ds:Signature/></r>");
  CHECK((*o1)->procedure_id == "p-1");
  CHECK(**(*journal)->DocumentOf("m-1") == "<r>Шприц</r>");
  CHECK(**(*journal)->DocumentOf("m-2") == "<r>Шприц</r>");
  CHECK((*(*journal)->Get("m-2"))->signed_document.empty());
  CHECK(PostgresRows(database.url(),
                     "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = "
                     "'messages' AND column_name IN ('payload', 'canonical_xml', "
                     "'signed_document')")
            .at(0)
            .at(0) == "0");
}

TEST_CASE(
    "PostgreSQL: a second gateway on a database and a database of a newer schema are refused "
    "and the errors say why",
    "[postgres]") {
  PostgresDatabase database;
  store::PostgresJournalOptions options;
  options.url = database.url();
  {
    auto first = store::PostgresJournal::Open(options);
    REQUIRE(first.ok());
    // A second gateway on the same database is refused while the first one runs.
    auto second = store::PostgresJournal::Open(options);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == "journal.busy");
  }
  PGconn* c = PQconnectdb(database.url().c_str());
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(c, PQfinish);
  PQclear(PQexec(c, "UPDATE schema_version SET version = 99"));
  auto refused = store::PostgresJournal::Open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "journal.version");
  CHECK_THAT(refused.error().message, Catch::Contains("schema version 99"));

  options.url = database.url() + "_missing";
  auto absent = store::PostgresJournal::Open(options);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == "journal.unavailable");
  CHECK_THAT(absent.error().message, Catch::Contains("does not exist"));
}

TEST_CASE(
    "PostgreSQL: while the database is down submissions get 503 and no 202 is lost and the "
    "gateway takes documents again by itself once it is back",
    "[postgres][daemon][faults]") {
  OwnPostgresServer server;
  PostgresDatabase database(server.url());
  GatewayFiles files;
  auto config = files.Config();
  config.journal.backend = "postgresql";
  config.journal.url = database.url();
  auto submit = [&](TestGateway& g, int n) {
    HttpCall call;
    call.method = "POST";
    call.url = g.Url("/v1/documents");
    call.token = files.ru_token;
    call.body = WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(n));
    return Http(call);
  };
  std::set<std::string> accepted;
  {
    TestGateway g(config);
    for (int n = 1; n <= 3; ++n) {
      const auto r = submit(g, n);
      REQUIRE(r.status == 202);
      accepted.insert(r.json()["id"].get<std::string>());
    }
    server.Halt();
    for (int n = 4; n <= 6; ++n) {
      const auto r = submit(g, n);
      INFO(r.body);
      CHECK(r.status == 503);
      CHECK_THAT(r.headers, Catch::Contains("Retry-After"));
      if (r.status == 202) accepted.insert(r.json()["id"].get<std::string>());
    }
    server.Resume();
    const auto back = submit(g, 7);
    INFO(back.body);
    REQUIRE(back.status == 202);
    accepted.insert(back.json()["id"].get<std::string>());
    // Its writer took its lock again with its new session: a second gateway is still refused.
    store::PostgresJournalOptions second;
    second.url = database.url();
    auto refused = store::PostgresJournal::Open(second);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "journal.busy");
  }
  TestGateway restarted(config);
  HttpCall list;
  list.url = restarted.Url("/v1/messages?limit=100");
  list.token = files.ru_token;
  const Json page = Http(list).json();
  INFO(page.dump());
  std::set<std::string> listed;
  for (const auto& m : page["items"]) listed.insert(m["id"].get<std::string>());
  CHECK(listed == accepted);
}

TEST_CASE(
    "PostgreSQL: journal migrate moves a SQLite journal in checked and the gateway goes on from "
    "it with its messages deadlines and feed positions",
    "[postgres][daemon][cli]") {
  PostgresDatabase database;
  GatewayFiles files;
  RunningSandbox sandbox;
  auto config = GatewayOf(files, "RU", sandbox->port());
  Json before;
  HttpCall report;
  {
    TestGateway ru(config);
    sandbox->Join({"RU", InboundUrl(ru)});
    report = Submitted(ru, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
    before = Until(ru, report, [](const Json& j) { return j["state"] == "acknowledged"; });
    // A refused one too, kept for the record.
    HttpCall bad;
    bad.method = "POST";
    bad.url = ru.Url("/v1/documents");
    bad.token = files.ru_token;
    bad.body = WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), "not-a-uuid");
    CHECK(Http(bad).status == 422);
  }
  const std::string command = std::string(EAEU_CLI) + " journal migrate --from '" +
                              config.journal.file.string() + "' --to '" + database.url() + "'";
  const auto moved = RunCommand(command, files.dir.path());
  INFO(moved.out << moved.err);
  REQUIRE(moved.exit_code == 0);
  CHECK_THAT(moved.out, Catch::Contains("every table checked"));
  CHECK_THAT(moved.out, Catch::Contains("messages"));
  // Once is all: a database that holds messages is not copied into.
  const auto again = RunCommand(command, files.dir.path());
  CHECK(again.exit_code != 0);
  CHECK_THAT(again.err, Catch::Contains("copy into an empty one"));

  // The feeds' positions are the same in both, so the readers' cursors still mean what they said.
  {
    auto sqlite = store::SqliteJournal::Open({config.journal.file});
    store::PostgresJournalOptions options;
    options.url = database.url();
    auto postgres = store::PostgresJournal::Open(options);
    REQUIRE(sqlite.ok());
    REQUIRE(postgres.ok());
    CHECK((*sqlite)->LastEventPosition().value() == (*postgres)->LastEventPosition().value());
    CHECK((*sqlite)->LastDeadlineMove().value() == (*postgres)->LastDeadlineMove().value());
    CHECK((*sqlite)->DeadlineCounts().value() == (*postgres)->DeadlineCounts().value());
  }

  config.journal.backend = "postgresql";
  config.journal.url = database.url();
  TestGateway on_postgres(config);
  report.url = on_postgres.Url(report.url.substr(report.url.find("/v1/")));
  const Json after = Http(report).json();
  CHECK(after["state"] == "acknowledged");
  CHECK(after["history"] == before["history"]);
  CHECK(after["deliveries"] == before["deliveries"]);
}

}  // namespace eaeu::test
