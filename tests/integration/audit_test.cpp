// The audit chain of a gateway's journal after reports travelled to the Commission and back:
// `eaeu-gateway audit verify` finds it whole and names the first entry of a copy where an entry was
// edited, deleted, moved, or edited with its own hash made again; `audit export` writes every
// entry with the fields of D5 appendix 4 in CSV, JSON and XML. `journal backup` copies a journal
// its daemon is writing, and the copy checks.
#include <sqlite3.h>

#include <utility>  // before Asio

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "gateway/app/audit_archive.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/detached.hpp"
#include "gateway/store/audit.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "integration/sandbox_fixture.hpp"

namespace eaeu::test {
namespace {

std::string Cli(const std::string& arguments) {
  return std::string(EAEU_CLI) + " " + arguments;
}

// Runs `sql` on the SQLite file; the first column of its first row, if any.
std::string Sql(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);  // the daemon may be writing
  sqlite3_stmt* q = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK);
  std::string first;
  if (const int step = sqlite3_step(q); step == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(q, 0);
    first = text ? reinterpret_cast<const char*>(text) : "";
  } else {
    CHECK(step == SQLITE_DONE);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return first;
}

// Runs the statements of `sql` on the SQLite file.
void Exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO(sql << ": " << (error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// A configuration of the daemon that names `journal` as its journal, written beside it.
std::string ConfigFor(const GatewayFiles& files, const std::filesystem::path& journal) {
  auto c = files.Config();
  c.journal.file = journal;
  const auto path = journal.string() + ".toml";
  WriteText(path, TomlOf(c));
  return path;
}

// `audit verify` of a journal file, with `more` options.
ProcessResult VerifyJournal(const GatewayFiles& files, const std::filesystem::path& journal,
                            const std::string& more = "") {
  return RunCommand(Cli("audit verify --config '" + ConfigFor(files, journal) + "'" + more),
                    files.dir.path());
}

}  // namespace

TEST_CASE(
    "Audit: every history line of a journey is chained, audit verify finds the chain whole and "
    "names the entry where a copy was edited, cut or reordered, and audit export writes D5's "
    "fields",
    "[audit][daemon][sandbox][cli]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  const auto config = GatewayOf(files, "RU", sandbox->port());
  {
    TestGateway ru(config);
    sandbox->Join({"RU", InboundUrl(ru)});
    SubmitAcknowledged(ru, files.ru_token, 3);
  }
  const std::filesystem::path journal = config.journal.file;
  const auto verify = [&](const std::filesystem::path& file) { return VerifyJournal(files, file); };

  // Whole: one entry for each line of every history the journal keeps, and the seal the gateway
  // put on them when it stopped, signed with its key.
  const auto whole = verify(journal);
  INFO(whole.out << whole.err);
  REQUIRE(whole.exit_code == 0);
  const std::string lines =
      Sql(journal,
          "SELECT (SELECT COUNT(*) FROM message_events) + (SELECT COUNT(*) FROM delivery_events) + "
          "(SELECT COUNT(*) FROM deadline_events)");
  CHECK_THAT(whole.out,
             Catch::StartsWith("audit chain whole: " + std::to_string(std::stoi(lines) + 1) +
                               " entries, head " +
                               Sql(journal, "SELECT hash FROM audit ORDER BY seq DESC")));
  CHECK_THAT(whole.out, Catch::Contains("1 seal verified, the last of entry " + lines + " at "));
  CHECK_THAT(whole.out, Catch::Contains("; 0 entries after it not sealed yet\nsealed by "));
  CHECK(Sql(journal, "SELECT event || ' ' || subject FROM audit ORDER BY seq DESC") ==
        "seal " + lines);
  REQUIRE(std::stoi(lines) > 20);

  struct Tamper {
    std::string name;
    std::string sql;
    std::string says;  // the first line of the verdict
  };
  const std::string rehashed = store::AuditHash(
      Sql(journal, "SELECT prev FROM audit WHERE seq = 7"), 7,
      std::stoll(Sql(journal, "SELECT at FROM audit WHERE seq = 7")),
      Sql(journal, "SELECT event FROM audit WHERE seq = 7"),
      Sql(journal, "SELECT subject FROM audit WHERE seq = 7"), "{\"state\":\"dead\"}");
  const std::vector<Tamper> tampered = {
      {"edited", "UPDATE audit SET record = replace(record, 'taken in', 'not taken') WHERE seq = 1",
       "audit chain broken at entry 1: entry 1 ("},
      {"deleted", "DELETE FROM audit WHERE seq IN (5, 6)",
       "audit chain broken at entry 7: entries 5 to 6 before entry 7 ("},
      {"reordered",
       "UPDATE audit SET seq = -9 WHERE seq = 9; UPDATE audit SET seq = 9 WHERE seq = 10; "
       "UPDATE audit SET seq = 10 WHERE seq = -9",
       "audit chain broken at entry 9: entry 9 ("},
      // An edit whose author made the entry's own hash again is caught at the next entry.
      {"rehashed",
       "UPDATE audit SET record = '{\"state\":\"dead\"}', hash = '" + rehashed + "' WHERE seq = 7",
       "audit chain broken at entry 8: entry 8 ("},
  };
  for (const Tamper& t : tampered) {
    INFO(t.name);
    const auto copy = files.dir / (t.name + ".sqlite");
    std::filesystem::copy_file(journal, copy);
    Exec(copy, t.sql);
    const auto r = verify(copy);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::StartsWith(t.says));
  }
  // Someone without the gateway's key edits entry 7 and makes the hash of every entry after it
  // again, the seal's record included: every link holds, and the seal gives it away.
  {
    const auto copy = files.dir / "rewritten.sqlite";
    std::filesystem::copy_file(journal, copy);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(copy.c_str(), &db) == SQLITE_OK);
    struct Row {
      int64_t seq, at;
      std::string event, subject, record;
    };
    std::vector<Row> rows;
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT seq, at, event, subject, record FROM audit ORDER BY seq",
                               -1, &q, nullptr) == SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
      auto text = [&](int col) {
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, col)));
      };
      rows.push_back(
          {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), text(2), text(3), text(4)});
    }
    sqlite3_finalize(q);
    std::string prev(store::kAuditGenesis);
    for (auto& row : rows) {
      if (row.seq == 7) row.record = "{\"state\":\"dead\"}";
      if (row.event == "seal") {
        // The seal's record names the head it sealed: put the new one in.
        const auto head = row.record.find("\"head\":\"") + 8;
        row.record.replace(head, 64, prev);
      }
      const std::string hash = store::AuditHash(prev, static_cast<uint64_t>(row.seq), row.at,
                                                row.event, row.subject, row.record);
      sqlite3_stmt* u = nullptr;
      REQUIRE(sqlite3_prepare_v2(db,
                                 "UPDATE audit SET record = ?, prev = ?, hash = ? WHERE seq = ?",
                                 -1, &u, nullptr) == SQLITE_OK);
      sqlite3_bind_text(u, 1, row.record.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(u, 2, prev.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(u, 3, hash.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(u, 4, row.seq);
      REQUIRE(sqlite3_step(u) == SQLITE_DONE);
      sqlite3_finalize(u);
      prev = hash;
    }
    sqlite3_close(db);
    const auto r = verify(copy);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::StartsWith("audit chain broken at entry " +
                                        std::to_string(std::stoi(lines) + 1) +
                                        ": its seal of entry " + lines + " does not verify ("));
  }
  CHECK_THAT(verify(files.dir / "edited.sqlite").out, Catch::Contains("edited"));
  CHECK_THAT(verify(files.dir / "deleted.sqlite").out, Catch::Contains("are missing: deleted"));
  CHECK_THAT(verify(files.dir / "reordered.sqlite").out,
             Catch::Contains("an entry was replaced, moved or deleted"));
  // The untouched journal is still whole.
  CHECK(verify(journal).exit_code == 0);

  // A month archived: a signed gzip file that `audit verify --archive` checks alone.
  {
    const auto file = files.dir / "audit-2026-11.jsonl.gz";
    const std::string archive_cmd = "audit archive --config '" + ConfigFor(files, journal) + "'";
    const auto archived = RunCommand(
        Cli(archive_cmd + " --month 2026-11 --to '" + file.string() + "'"), files.dir.path());
    INFO(archived.out << archived.err);
    REQUIRE(archived.exit_code == 0);
    const std::string entries = std::to_string(std::stoi(lines) + 1);
    const std::string head = Sql(journal, "SELECT hash FROM audit ORDER BY seq DESC");
    CHECK_THAT(archived.out, Catch::StartsWith(entries + " entries of 2026-11 (1 to " + entries +
                                               ") archived to " + file.string() + ", head " + head +
                                               ", signed by "));
    const auto check = [&](const std::filesystem::path& f) {
      return RunCommand(Cli("audit verify --archive '" + f.string() + "'"), files.dir.path());
    };
    const auto whole_archive = check(file);
    INFO(whole_archive.out << whole_archive.err);
    CHECK(whole_archive.exit_code == 0);
    CHECK_THAT(whole_archive.out,
               Catch::StartsWith("audit archive whole: 2026-11, " + entries + " entries (1 to " +
                                 entries + "), head " + head + "\nsigned by "));
    // Never written over; a month without entries is refused.
    const auto again = RunCommand(
        Cli(archive_cmd + " --month 2026-11 --to '" + file.string() + "'"), files.dir.path());
    CHECK(again.exit_code == 2);
    CHECK_THAT(again.err, Catch::Contains("is there already"));
    const auto empty =
        RunCommand(Cli(archive_cmd + " --month 1999-01 --to x.gz"), files.dir.path());
    CHECK(empty.exit_code == 2);
    CHECK_THAT(empty.err, Catch::Contains("no entry in this month"));
    // An entry edited, a line removed: named by the line.
    const auto tampered_archive = [&](const std::string& name, const std::string& sed) {
      const auto out = files.dir / (name + ".jsonl.gz");
      REQUIRE(RunCommand("(gzip -dc '" + file.string() + "' | sed '" + sed + "' | gzip -c > '" +
                             out.string() + "')",
                         files.dir.path())
                  .exit_code == 0);
      return check(out);
    };
    const auto edited = tampered_archive("edited-archive", "2s/taken in/TAKEN in/");
    CHECK(edited.exit_code == 1);
    CHECK_THAT(edited.out, Catch::StartsWith("audit archive broken: edited-archive.jsonl.gz:2: "
                                             "entry 1 is not what its hash says: edited"));
    const auto cut = tampered_archive("cut-archive", "4d");
    CHECK(cut.exit_code == 1);
    CHECK_THAT(cut.out, Catch::StartsWith("audit archive broken: cut-archive.jsonl.gz:4: entry 4 "
                                          "follows entry 2: entries are missing or moved"));
  }

  // Exported: every entry, in each format.
  const std::string export_cmd = "audit export --config '" + ConfigFor(files, journal) + "'";
  const auto json = RunCommand(Cli(export_cmd + " --format json"), files.dir.path());
  REQUIRE(json.exit_code == 0);
  const Json entries = Json::parse(json.out);
  REQUIRE(entries.size() == std::stoul(lines) + 1);  // and the seal
  // An answered delivery: the Commission's address, the send's MessageID and the message's Action.
  size_t answered = 0;
  for (const auto& e : entries) {
    if (e["event"] != "delivery acknowledged") continue;
    ++answered;
    CHECK(e["to_address"] == "EAEU://EEC/CP/P.MM.00/P.ACT.001");
    CHECK_THAT(e["wsa_message_id"].get<std::string>(), Catch::StartsWith("urn:uuid:"));
    CHECK_FALSE(e["action"].get<std::string>().empty());
    CHECK_FALSE(e["conversation_id"].get<std::string>().empty());
  }
  CHECK(answered == 3);
  // A received reply carries its envelope's fields.
  size_t received = 0;
  for (const auto& e : entries) {
    if (e["event"] != "received") continue;
    ++received;
    CHECK_FALSE(e["relates_to"].get<std::string>().empty());
    CHECK_FALSE(e["action"].get<std::string>().empty());
    CHECK_FALSE(e["reply_to"].get<std::string>().empty());
  }
  CHECK(received >= 3);

  const auto xml_file = files.dir / "audit.xml";
  const auto xml = RunCommand(
      Cli(export_cmd + " --format xml --output '" + xml_file.string() + "'"), files.dir.path());
  REQUIRE(xml.exit_code == 0);
  CHECK_THAT(xml.out, Catch::StartsWith(std::to_string(entries.size()) + " entries written to " +
                                        xml_file.string()));
  const auto lint = RunCommand("xmllint --noout '" + xml_file.string() + "'", files.dir.path());
  INFO(lint.err);
  CHECK(lint.exit_code == 0);
  const std::string xml_text = ReadText(xml_file);
  size_t xml_entries = 0;
  for (auto at = xml_text.find("<entry>"); at != std::string::npos;
       at = xml_text.find("<entry>", at + 1)) {
    ++xml_entries;
  }
  CHECK(xml_entries == entries.size());

  const auto csv = RunCommand(Cli(export_cmd), files.dir.path());
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("seq,time,event,subject,state,detail,process_code,"));
  size_t rows = 0;
  for (const char c : csv.out) rows += c == '\n' ? 1 : 0;
  CHECK(rows == entries.size() + 1);

  // A period: nothing after the journey, and a time that is not one is refused with its option.
  const auto later =
      RunCommand(Cli(export_cmd + " --format json --from 2099-01-01"), files.dir.path());
  CHECK(Json::parse(later.out).empty());
  const auto bad = RunCommand(Cli(export_cmd + " --from yesterday"), files.dir.path());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--from"));
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE("Audit: a running gateway seals its chain every audit_seal_every",
          "[audit][daemon][sandbox]") {
  GatewayFiles files;
  RunningSandbox sandbox;
  auto config = GatewayOf(files, "RU", sandbox->port());
  config.journal.audit_seal_every = std::chrono::minutes(10);
  TestGateway ru(config);
  sandbox->Join({"RU", InboundUrl(ru)});
  SubmitAcknowledged(ru, files.ru_token, 1);
  const auto journal = config.journal.file;
  const auto seals = [&] {
    return Sql(journal, "SELECT COUNT(*) FROM audit WHERE event = 'seal'");
  };
  // Waits, moving the clock on a minute at a time, until there are `n` seals.
  const auto until_seals = [&](const std::string& n) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (seals() != n) {
      if (std::chrono::steady_clock::now() > give_up) FAIL("still " << seals() << " seals");
      ru.clock().Advance(std::chrono::minutes(1));
      std::this_thread::yield();
    }
  };
  CHECK(seals() == "0");
  until_seals("1");
  CHECK(Sql(journal, "SELECT event FROM audit ORDER BY seq DESC") == "seal");
  // Another report: the next period seals what it added.
  Until(
      ru,
      Submitted(ru, files.ru_token,
                WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(7))),
      [](const Json& j) { return j["state"] == "acknowledged"; });
  until_seals("2");
  CHECK(Sql(journal, "SELECT event FROM audit ORDER BY seq DESC") == "seal");
}

TEST_CASE(
    "Audit retention: the months past audit_retention_years move to signed archive files, the "
    "chain is checked from there with the files, and an edited file or record is caught",
    "[audit][daemon][cli]") {
  GatewayFiles files;
  auto config = files.Config();
  const auto journal_file = config.journal.file;
  const auto archives = journal_file.parent_path() / "audit-archives";  // the default
  config.journal.audit_archive_dir = archives;
  const auto at = [](const char* text) { return FromUtc(*DateTime::Parse(text)); };
  auto credentials = sign::LoadSigningCredentials(config.signing);
  REQUIRE(credentials.ok());
  const store::AuditSealer sealer = [&](uint64_t seq,
                                        std::string_view head) -> Result<store::AuditSeal> {
    auto s = sign::SignDetached(**credentials, store::AuditSealText(seq, head));
    if (!s) return s.error();
    return store::AuditSeal{s->algorithm, s->signature, s->certificate};
  };
  // A journal written ten years and more before the tests' day (2026-11-24): entries 1-2 of
  // 2016-03, 3 and its seal 4 of 2016-04, 5 on the last second of 2016-10, 6 of 2016-11.
  {
    auto journal = store::SqliteJournal::Open({journal_file});
    REQUIRE(journal.ok());
    const auto act = [&](const char* when, const char* what) {
      REQUIRE((*journal)->RecordAction({"reload", what, "ops", "operator", ""}, at(when)).ok());
    };
    act("2016-03-15T09:00:00", "one");
    act("2016-03-20T09:00:00", "two");
    act("2016-04-02T09:00:00", "three");
    REQUIRE((*journal)->SealAudit(sealer, at("2016-04-20T00:00:00")).value());
    act("2016-10-31T23:59:59", "five");
    act("2016-11-10T09:00:00", "six");
  }

  // The daemon moves them when it starts: 2016-11 ends after 2016-11-24 and stays.
  {
    TestGateway g(config);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Sql(journal_file, "SELECT COUNT(*) FROM audit_archives") != "3") {
      if (std::chrono::steady_clock::now() > give_up) FAIL("the months were not moved");
      std::this_thread::yield();
    }
  }
  CHECK(Sql(journal_file,
            "SELECT group_concat(month || ':' || first || '-' || last, ' ') FROM "
            "(SELECT * FROM audit_archives ORDER BY last)") ==
        "2016-03:1-2 2016-04:3-4 2016-10:5-5");
  CHECK(Sql(journal_file, "SELECT MIN(seq) FROM audit") == "6");
  // Each move is an entry of the chain, with its file's SHA-256.
  CHECK(Sql(journal_file, "SELECT group_concat(subject, ' ') FROM audit WHERE event = 'archive'") ==
        "2016-03 2016-04 2016-10");
  CHECK_THAT(Sql(journal_file, "SELECT record FROM audit WHERE subject = '2016-04'"),
             Catch::Contains("\"file\":\"audit-2016-04.jsonl.gz\",\"sha256\":\"" +
                             Sql(journal_file,
                                 "SELECT sha256 FROM audit_archives WHERE month = "
                                 "'2016-04'")));
  for (const char* month : {"2016-03", "2016-04", "2016-10"}) {
    const auto alone = RunCommand(
        Cli("audit verify --archive '" + (archives / app::AuditArchiveName(month)).string() + "'"),
        files.dir.path());
    CHECK(alone.exit_code == 0);
    CHECK_THAT(alone.out, Catch::StartsWith(std::string("audit archive whole: ") + month));
  }

  const auto verify = [&](const std::filesystem::path& file, const std::string& more = "") {
    return VerifyJournal(files, file, more);
  };
  const auto whole = verify(journal_file);
  INFO(whole.out << whole.err);
  REQUIRE(whole.exit_code == 0);
  CHECK_THAT(whole.out, Catch::Contains("\n3 months archived before it (2016-03 to 2016-10, "
                                        "entries 1 to 5): 3 archive files whole in " +
                                        archives.string() + "\n"));
  // Archives kept elsewhere are not checked, and said so.
  TempDir elsewhere;
  const auto away = verify(journal_file, " --archives '" + elsewhere.path().string() + "'");
  INFO(away.out << away.err);
  CHECK(away.exit_code == 0);
  CHECK_THAT(away.out, Catch::Contains("0 archive files whole in"));
  CHECK_THAT(away.out,
             Catch::Contains("not checked: " + (elsewhere / "audit-2016-03.jsonl.gz").string()));

  // Tampered copies of the journal, each beside the same archives.
  struct Tamper {
    std::string name, sql, says;
  };
  const std::vector<Tamper> tampered = {
      {"an entry after the archives deleted", "DELETE FROM audit WHERE seq = 6",
       "audit chain broken at entry 7: entries 6 before entry 7 ("},
      {"the record of the archives moved on",
       "UPDATE audit_archives SET last = 6, entries = 2 WHERE month = '2016-10'",
       "audit chain broken at entry 6: "},
      {"an archive's record dropped", "DELETE FROM audit_archives WHERE month = '2016-04'",
       "audit chain broken at entry 5: the archived month 2016-10"},
  };
  for (const auto& t : tampered) {
    INFO(t.name);
    const auto copy = journal_file.parent_path() / "tampered.sqlite";
    std::filesystem::copy_file(journal_file, copy,
                               std::filesystem::copy_options::overwrite_existing);
    Exec(copy, t.sql);
    const auto r = verify(copy);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::StartsWith(t.says));
  }
  // An archive file edited: its SHA-256 is no longer the journal's.
  {
    const auto file = archives / app::AuditArchiveName("2016-04");
    const auto kept = archives / "kept.gz";
    std::filesystem::copy_file(file, kept);
    const auto edited = RunCommand(
        "(gzip -dc '" + file.string() +
            "' | sed 's/three/THREE/' | gzip > edited.gz && mv edited.gz '" + file.string() + "')",
        archives);
    REQUIRE(edited.exit_code == 0);
    const auto r = verify(journal_file);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("audit archive broken: " + file.string() +
                                      ": is not the file the journal recorded"));
    std::filesystem::rename(kept, file);
  }

  // A second run moves nothing; a run that stopped after writing a file goes on with that file.
  {
    auto journal = store::SqliteJournal::Open({journal_file});
    REQUIRE(journal.ok());
    auto again = app::RetireAuditMonths(**journal, config.journal, "", **credentials, TestNow());
    REQUIRE(again.ok());
    CHECK(again->empty());
    const auto later = at("2026-12-05T00:00:00");
    auto written = app::WriteAuditArchive(config.journal, "", "2016-11", **credentials,
                                          archives / app::AuditArchiveName("2016-11"));
    REQUIRE(written.ok());
    auto moved = app::RetireAuditMonths(**journal, config.journal, "", **credentials, later);
    INFO((moved.ok() ? "" : moved.error().ToString()));
    REQUIRE(moved.ok());
    REQUIRE(moved->size() == 1);
    CHECK((*moved)[0].month == "2016-11");
    CHECK((*moved)[0].first == 6);
    CHECK((*moved)[0].last == 6);
    // The journal refuses a month that is not the oldest part of its chain.
    store::ArchivedAuditMonth skipped = (*moved)[0];
    skipped.month = "2026-11";
    skipped.first = 8;
    auto refused = (*journal)->RetireAuditMonth(skipped, later);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "audit.retire");
  }
  const auto last = verify(journal_file);
  CHECK(last.exit_code == 0);
  CHECK_THAT(last.out, Catch::Contains("\n4 months archived before it (2016-03 to 2016-11, "
                                       "entries 1 to 6): 4 archive files whole in "));
}

TEST_CASE(
    "Journal backup: a copy taken while the daemon takes reports passes its checks and holds what "
    "it says, an existing file is not written over, and a PostgreSQL journal is sent to pg_dump",
    "[audit][daemon][cli]") {
  GatewayFiles files;
  const auto config = files.Config();
  TestGateway g(config);
  WriteText(files.dir / "gateway.toml", TomlOf(config));
  const std::string backup_cmd =
      "journal backup --config '" + (files.dir / "gateway.toml").string() + "' --to ";

  // Reports keep coming while the copy is taken.
  std::atomic<bool> stop{false};
  std::atomic<int> accepted{0};
  std::thread submitter([&] {
    for (uint64_t i = 0; !stop; ++i) {
      HttpCall call;
      call.method = "POST";
      call.url = g.Url("/v1/documents");
      call.token = files.ru_token;
      call.body =
          WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(i));
      if (Http(call).status == 202) ++accepted;
    }
  });
  while (accepted < 10) std::this_thread::yield();
  const auto copy = files.dir / "backup.sqlite";
  const auto r = RunCommand(Cli(backup_cmd + "'" + copy.string() + "'"), files.dir.path());
  stop = true;
  submitter.join();
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // What it says is what the copy holds, and the copy's chain verifies on its own.
  const std::string messages = Sql(copy, "SELECT COUNT(*) FROM messages");
  CHECK(std::stoi(messages) >= 10);
  CHECK_THAT(r.out, Catch::Contains(": " + messages + " messages, audit chain whole: " +
                                    Sql(copy, "SELECT COUNT(*) FROM audit") + " entries, head " +
                                    Sql(copy, "SELECT hash FROM audit ORDER BY seq DESC")));
  auto copy_config = config;
  copy_config.journal.file = copy;
  WriteText(files.dir / "copy.toml", TomlOf(copy_config));
  const auto verified = RunCommand(
      Cli("audit verify --config '" + (files.dir / "copy.toml").string() + "'"), files.dir.path());
  CHECK(verified.exit_code == 0);
  CHECK(Sql(copy, "PRAGMA integrity_check") == "ok");

  // A backup is never written over.
  const auto again = RunCommand(Cli(backup_cmd + "'" + copy.string() + "'"), files.dir.path());
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("exists already"));
  CHECK(Sql(copy, "SELECT COUNT(*) FROM messages") == messages);

  // PostgreSQL has tools of its own.
  auto pg = config;
  pg.journal.backend = "postgresql";
  pg.journal.url = "postgresql://eaeu@127.0.0.1:1/eaeu";
  std::string toml = TomlOf(pg);
  const std::string file_line = "[journal]\nfile = \"" + pg.journal.file.string() + "\"\n";
  toml.replace(toml.find(file_line), file_line.size(),
               "[journal]\nbackend = \"postgresql\"\nurl = \"" + pg.journal.url + "\"\n");
  WriteText(files.dir / "pg.toml", toml);
  const auto refused = RunCommand(
      Cli("journal backup --config '" + (files.dir / "pg.toml").string() + "' --to x.dump"),
      files.dir.path());
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("pg_dump"));
}

}  // namespace eaeu::test
