// The contract every Journal implementation passes: taking messages in, idempotence by EDocId,
// the state machine and its history, lists with filters and paging, what a restart resumes,
// durability across a reopen, and many concurrent writers sharing commits. Each backend brings a
// factory that opens its journal (again) on the same storage.

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "gateway/store/audit.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/store/postgres/journal.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "integration/postgres_fixture.hpp"
#include "support.hpp"

namespace {

using namespace eaeu::test;
using namespace eaeu::store;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z

// A real SQLite file in a temporary folder.
struct SqliteBackend {
  TempDir dir;
  JournalSettings Settings() const {
    JournalSettings s;
    s.file = dir / "journal.db";
    return s;
  }
  std::unique_ptr<Journal> Open() {
    auto journal = SqliteJournal::Open({dir / "journal.db"});
    REQUIRE(journal.ok());
    return std::move(journal.value());
  }
};

// A database of its own on a real PostgreSQL 15 server on loopback.
struct PostgresBackend {
  PostgresDatabase database;
  JournalSettings Settings() const {
    JournalSettings s;
    s.backend = "postgresql";
    s.url = database.url();
    return s;
  }
  std::unique_ptr<Journal> Open() {
    PostgresJournalOptions options;
    options.url = database.url();
    auto journal = PostgresJournal::Open(options);
    INFO((journal.ok() ? "" : journal.error().ToString()));
    REQUIRE(journal.ok());
    return std::move(journal.value());
  }
};

NewMessage Message(const std::string& id, const std::string& e_doc_id,
                   const std::string& country = "RU", TimePoint at = kT0) {
  NewMessage m;
  m.id = id;
  m.direction = Direction::kOutbound;
  m.sender_country = country;
  m.sender_participant = "P.MM.00.ACT.001";
  m.kind = "inspection-report";
  m.e_doc_id = e_doc_id;
  m.content_type = "application/xml";
  m.payload = "<payload id=\"" + id + "\"/>";
  m.canonical_xml = "<canonical id=\"" + id + "\"/>";
  m.state = MessageState::kValidated;
  m.violations = "[]";
  m.at = at;
  return m;
}

}  // namespace

TEMPLATE_TEST_CASE("journal: a message taken in is read back whole", "[journal]", SqliteBackend,
                   PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  auto m = Message("m-1", "doc-1");
  m.payload = std::string("binary\0bytes\xff", 13);
  auto accepted = journal->Accept(m);
  REQUIRE(accepted.ok());
  CHECK(accepted->id == "m-1");
  CHECK_FALSE(accepted->duplicate);
  CHECK(accepted->state == MessageState::kValidated);

  auto got = journal->Get("m-1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  const MessageRecord& r = **got;
  CHECK(r.summary.e_doc_id == "doc-1");
  CHECK(r.summary.sender_country == "RU");
  CHECK(r.summary.kind == "inspection-report");
  CHECK(r.summary.created_at == kT0);
  CHECK(r.payload == m.payload);
  CHECK(r.canonical_xml == m.canonical_xml);
  CHECK(r.CanonicalXml() == m.canonical_xml);
  CHECK(r.content_type == "application/xml");
  REQUIRE(r.history.size() == 1);
  CHECK(r.history[0].state == MessageState::kValidated);

  auto missing = journal->Get("no-such-id");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  auto same_id = journal->Accept(Message("m-1", "doc-other"));
  REQUIRE_FALSE(same_id.ok());
  CHECK(same_id.error().code == "journal.duplicate-id");
}

TEMPLATE_TEST_CASE("journal: an XML payload is kept once and read as the canonical XML",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  auto m = Message("m-1", "doc-1");
  m.canonical_xml.clear();
  REQUIRE(journal->Accept(m).ok());
  auto got = journal->Get("m-1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->canonical_xml.empty());
  CHECK((*got)->CanonicalXml() == m.payload);
}

TEMPLATE_TEST_CASE("journal: an EDocId accepted from the same sender gets the first answer",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
  auto again = journal->Accept(Message("m-2", "doc-1"));
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(again->id == "m-1");
  auto none = journal->Get("m-2");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  // Another state's document with the same EDocId is another message.
  auto other = journal->Accept(Message("m-3", "doc-1", "KZ"));
  REQUIRE(other.ok());
  CHECK_FALSE(other->duplicate);

  // A rejected submission does not hold its EDocId: the corrected one is accepted.
  auto bad = Message("m-4", "doc-2");
  bad.state = MessageState::kRejected;
  REQUIRE(journal->Accept(bad).ok());
  auto fixed = journal->Accept(Message("m-5", "doc-2"));
  REQUIRE(fixed.ok());
  CHECK_FALSE(fixed->duplicate);
  // Nor does one rejected later.
  REQUIRE(journal->Transition("m-5", MessageState::kRejected, "IR-05", kT0 + 1s).ok());
  auto resent = journal->Accept(Message("m-6", "doc-2"));
  REQUIRE(resent.ok());
  CHECK_FALSE(resent->duplicate);
}

TEMPLATE_TEST_CASE("journal: the state machine, its history and the diagnostics fields",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
  REQUIRE(journal->Transition("m-1", MessageState::kSigned, "gost2012-256", kT0 + 1s).ok());
  REQUIRE(journal->Transition("m-1", MessageState::kQueued, "", kT0 + 2s).ok());
  REQUIRE(journal->Transition("m-1", MessageState::kSending, "attempt 1", kT0 + 3s).ok());
  TransitionData delivered;
  Diagnostics d;
  d.action = "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MM.00.MSG.001";
  d.to = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
  d.message_id = "urn:uuid:0b1d6d0e-5c3e-4a3e-9d63-1f0a3d0c2b11";
  d.conversation_id = "5a1e7c9e-2f6b-4c8d-9a0b-7d3e1f2a4b6c";
  d.track_id = "TRACK-1";
  d.error_text = "";
  delivered.diagnostics = d;
  REQUIRE(journal->Transition("m-1", MessageState::kDelivered, "RCV", kT0 + 4s, delivered).ok());
  REQUIRE(journal->Transition("m-1", MessageState::kAcknowledged, "R.006", kT0 + 5s).ok());

  auto got = journal->Get("m-1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  const auto& r = **got;
  CHECK(r.summary.state == MessageState::kAcknowledged);
  CHECK(r.summary.updated_at == kT0 + 5s);
  CHECK(r.diagnostics.action == d.action);
  CHECK(r.diagnostics.to == d.to);
  CHECK(r.diagnostics.message_id == d.message_id);
  CHECK(r.diagnostics.conversation_id == d.conversation_id);
  CHECK(r.diagnostics.track_id == "TRACK-1");
  const std::vector<MessageState> expected = {
      MessageState::kValidated, MessageState::kSigned,    MessageState::kQueued,
      MessageState::kSending,   MessageState::kDelivered, MessageState::kAcknowledged};
  REQUIRE(r.history.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(r.history[i].state == expected[i]);
    CHECK(r.history[i].at == kT0 + std::chrono::seconds(i));
  }
  CHECK(r.history[3].detail == "attempt 1");

  auto illegal = journal->Transition("m-1", MessageState::kSending, "", kT0 + 6s);
  REQUIRE_FALSE(illegal.ok());
  CHECK(illegal.error().code == "journal.transition");
  CHECK(illegal.error().message.find("acknowledged to sending") != std::string::npos);
  auto unknown = journal->Transition("nope", MessageState::kSigned, "", kT0);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == "journal.unknown");
}

TEMPLATE_TEST_CASE("journal: lists filter, page in order of arrival, and name unfinished work",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  for (int i = 0; i < 25; ++i) {
    auto m = Message("id-" + std::to_string(100 - i), "doc-" + std::to_string(i),
                     i % 5 == 0 ? "BY" : "RU", kT0 + std::chrono::seconds(i));
    if (i % 3 == 0) m.kind = "register-entry";
    REQUIRE(journal->Accept(m).ok());
  }
  REQUIRE(journal->Transition("id-100", MessageState::kRejected, "", kT0 + 100s).ok());
  REQUIRE(journal->Transition("id-99", MessageState::kQueued, "", kT0 + 100s).ok());
  REQUIRE(journal->Transition("id-99", MessageState::kDead, "", kT0 + 101s).ok());

  MessageFilter all;
  all.limit = 10;
  std::vector<std::string> seen;
  for (;;) {
    auto page = journal->List(all);
    REQUIRE(page.ok());
    if (page->empty()) break;
    CHECK(page->size() <= 10);
    for (const auto& s : *page) seen.push_back(s.id);
    all.after_id = page->back().id;
  }
  REQUIRE(seen.size() == 25);
  for (int i = 0; i < 25; ++i) CHECK(seen[i] == "id-" + std::to_string(100 - i));

  MessageFilter belarus;
  belarus.sender_country = "BY";
  auto by = journal->List(belarus);
  REQUIRE(by.ok());
  CHECK(by->size() == 5);
  for (const auto& s : *by) CHECK(s.sender_country == "BY");

  MessageFilter registers;
  registers.kind = "register-entry";
  registers.state = MessageState::kValidated;
  auto reg = journal->List(registers);
  REQUIRE(reg.ok());
  CHECK(reg->size() == 8);  // i = 3, 6, ..., 24 (i = 0 was rejected)

  MessageFilter recent;
  recent.since = kT0 + 100s;
  auto changed = journal->List(recent);
  REQUIRE(changed.ok());
  CHECK(changed->size() == 2);

  auto unfinished = journal->Unfinished();
  REQUIRE(unfinished.ok());
  CHECK(unfinished->size() == 23);
  CHECK(std::find(unfinished->begin(), unfinished->end(), "id-100") == unfinished->end());
  CHECK(std::find(unfinished->begin(), unfinished->end(), "id-99") == unfinished->end());
}

TEMPLATE_TEST_CASE(
    "journal: an operator's search finds a message by its id, its EDocId or its document's text, "
    "the hours count what came, and an operator's action joins the audit chain",
    "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  auto first = Message("id-1", "doc-1", "RU", kT0 + 10min);
  first.canonical_xml =
      "<report><number>RU-IR-2026-0417</number><maker>ООО «Медтехника» 100%_sure!</maker></report>";
  REQUIRE(journal->Accept(first).ok());
  auto second = Message("id-2", "doc-2", "BY", kT0 + 70min);
  second.canonical_xml = "<report><number>BY-IR-2026-0001</number></report>";
  REQUIRE(journal->Accept(second).ok());
  REQUIRE(journal->Accept(Message("id-3", "doc-3", "RU", kT0 + 75min)).ok());

  auto found = [&](const std::string& text) {
    MessageFilter f;
    f.text = text;
    auto page = journal->List(f);
    REQUIRE(page.ok());
    std::vector<std::string> ids;
    for (const auto& m : *page) ids.push_back(m.id);
    return ids;
  };
  CHECK(found("id-2") == std::vector<std::string>{"id-2"});
  CHECK(found("doc-3") == std::vector<std::string>{"id-3"});
  CHECK(found("RU-IR-2026-0417") == std::vector<std::string>{"id-1"});
  CHECK(found("«Медтехника»") == std::vector<std::string>{"id-1"});
  CHECK(found("IR-2026") == std::vector<std::string>{"id-1", "id-2"});
  // What would be a wildcard elsewhere is a character like any other.
  CHECK(found("100%_sure!") == std::vector<std::string>{"id-1"});
  CHECK(found("%") == std::vector<std::string>{"id-1"});
  CHECK(found("_") == std::vector<std::string>{"id-1"});
  CHECK(found("100_").empty());
  CHECK(found("nothing like it").empty());

  MessageFilter before;
  before.until = kT0 + 70min;
  auto early = journal->List(before);
  REQUIRE(early.ok());
  REQUIRE(early->size() == 1);
  CHECK(early->front().id == "id-1");

  REQUIRE(journal->Transition("id-3", MessageState::kRejected, "", kT0 + 80min).ok());
  auto hours = journal->Activity(kT0);
  REQUIRE(hours.ok());
  // Hour 0: one validated; hour 1: one rejected, one validated (by state, in name order).
  REQUIRE(hours->size() == 3);
  CHECK(hours->at(0).hour == kT0);
  CHECK(hours->at(0).state == MessageState::kValidated);
  CHECK(hours->at(0).count == 1);
  CHECK(hours->at(1).hour == kT0 + 1h);
  CHECK(hours->at(1).state == MessageState::kRejected);
  CHECK(hours->at(2).hour == kT0 + 1h);
  CHECK(hours->at(2).state == MessageState::kValidated);
  CHECK(hours->at(1).count + hours->at(2).count == 2);
  auto later = journal->Activity(kT0 + 1h);
  REQUIRE(later.ok());
  uint64_t in_second_hour = 0;
  for (const auto& c : *later) in_second_hour += c.count;
  CHECK(in_second_hour == 2);

  REQUIRE(
      journal->RecordAction({"reload", "configuration", "ops", "operator", "reloaded"}, kT0 + 2h)
          .ok());

  // A seal signs the last entry inside its change; a second one with nothing new is not written.
  std::vector<std::pair<uint64_t, std::string>> asked;
  const AuditSealer sealer = [&asked](uint64_t seq,
                                      std::string_view head) -> eaeu::Result<AuditSeal> {
    asked.emplace_back(seq, std::string(head));
    return AuditSeal{"test", "c2ln", "Y2VydA=="};
  };
  auto sealed = journal->SealAudit(sealer, kT0 + 3h);
  REQUIRE(sealed.ok());
  CHECK(*sealed);
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].second.size() == 64);
  auto again = journal->SealAudit(sealer, kT0 + 4h);
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
  CHECK(asked.size() == 1);
  // A sealer that fails leaves the chain as it was, and says why.
  REQUIRE(
      journal->RecordAction({"reload", "configuration", "ops", "operator", "reloaded"}, kT0 + 5h)
          .ok());
  auto refused = journal->SealAudit(
      [](uint64_t, std::string_view) -> eaeu::Result<AuditSeal> {
        return eaeu::MakeError("sign.unavailable", "", "no key");
      },
      kT0 + 6h);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message == "no key");
  auto after = journal->SealAudit(sealer, kT0 + 7h);
  REQUIRE(after.ok());
  CHECK(*after);
  REQUIRE(asked.size() == 2);
  CHECK(asked[1].first == asked[0].first + 2);  // the seal and the second reload came between
}

TEMPLATE_TEST_CASE("journal: deliveries, one per destination, with their sends and history",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  const std::string kz = "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001";
  const std::string by = "EAEU://BY/CP/P.MM.00/P.MM.00.ACT.001";
  {
    auto journal = backend.Open();
    REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
    REQUIRE(journal->Transition("m-1", MessageState::kQueued, "", kT0 + 1s).ok());
    Delivery planned;
    planned.conversation_id = "c-1";
    std::vector<Delivery> two(2, planned);
    two[0].destination = kz;
    two[1].destination = by;
    REQUIRE(journal->PlanDeliveries("m-1", two, kT0 + 2s).ok());
    REQUIRE(journal->PlanDeliveries("m-1", {two[0]}, kT0 + 2s).ok());  // planned once only

    auto deliveries = journal->Deliveries("m-1");
    REQUIRE(deliveries.ok());
    REQUIRE(deliveries->size() == 2);
    Delivery d = (*deliveries)[0];
    CHECK(d.destination == kz);
    CHECK(d.state == MessageState::kQueued);
    CHECK(d.conversation_id == "c-1");
    CHECK_FALSE(d.due.has_value());

    // The first send, and the message with it.
    d.state = MessageState::kSending;
    d.sends = 1;
    d.wire_id = "urn:uuid:w-1";
    d.due = kT0 + 20min;
    REQUIRE(journal->UpdateDelivery({d, "sent", MessageState::kSending}, kT0 + 3s).ok());
    // The receive timer ran out: sent again with a new MessageID, the same conversation.
    d.sends = 2;
    d.wire_id = "urn:uuid:w-2";
    d.due = kT0 + 40min;
    REQUIRE(
        journal->UpdateDelivery({d, "receive timer: sent again", std::nullopt}, kT0 + 20min).ok());
    // A late receipt for the first send still finds its delivery.
    auto late = journal->DeliveryByWireId("urn:uuid:w-1");
    REQUIRE(late.ok());
    REQUIRE(late->has_value());
    CHECK((*late)->destination == kz);
    CHECK((*late)->wire_id == "urn:uuid:w-2");
    CHECK((*late)->due == kT0 + 40min);
    auto none = journal->DeliveryByWireId("urn:uuid:never-sent");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    d.state = MessageState::kAcknowledged;
    d.due.reset();
    REQUIRE(journal->UpdateDelivery({d, "RCV", std::nullopt}, kT0 + 21min).ok());
    // An acknowledged delivery is final.
    Delivery again = d;
    again.state = MessageState::kSending;
    auto refused = journal->UpdateDelivery({again, "", std::nullopt}, kT0 + 22min);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "journal.transition");
    // The message's move is refused with its delivery's when the message cannot make it.
    Delivery other = (*deliveries)[1];
    other.state = MessageState::kSending;
    auto both = journal->UpdateDelivery({other, "", MessageState::kValidated}, kT0 + 22min);
    REQUIRE_FALSE(both.ok());
    auto unchanged = journal->Deliveries("m-1");
    REQUIRE(unchanged.ok());
    CHECK((*unchanged)[1].state == MessageState::kQueued);
    Delivery unknown = other;
    unknown.destination = "EAEU://AM/CP/P.MM.00/P.MM.00.ACT.001";
    CHECK(journal->UpdateDelivery({unknown, "", std::nullopt}, kT0).error().code ==
          "journal.unknown");
  }
  // After a reopen: the open one is there to resume, and the history is whole.
  auto journal = backend.Open();
  auto open = journal->OpenDeliveries();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  CHECK((*open)[0].destination == by);
  auto history = journal->DeliveryHistory("m-1");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 5);
  CHECK((*history)[0].detail == "planned");
  CHECK((*history)[2].destination == kz);
  CHECK((*history)[2].state == MessageState::kSending);
  CHECK((*history)[2].wire_id == "urn:uuid:w-1");
  CHECK((*history)[3].wire_id == "urn:uuid:w-2");
  CHECK((*history)[4].state == MessageState::kAcknowledged);
  auto message = journal->Get("m-1");
  REQUIRE(message.ok());
  CHECK((*message)->summary.state == MessageState::kSending);
  CHECK((*message)->history.back().detail == kz + ": sent");
}

// The journal's counts by kind, direction, destination and state, zeros left out.
std::map<std::string, uint64_t> CountsOf(Journal& journal) {
  auto counts = journal.MessageCounts();
  REQUIRE(counts.ok());
  std::map<std::string, uint64_t> out;
  for (const auto& c : *counts) {
    if (c.count == 0) continue;
    out[c.kind + " " + std::string(DirectionName(c.direction)) + " " +
        (c.destination.empty() ? "-" : c.destination) + " " + std::string(StateName(c.state))] =
        c.count;
  }
  return out;
}

TEMPLATE_TEST_CASE(
    "journal: messages and deliveries are counted by kind, direction, destination and state as "
    "they move",
    "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  const std::string kz = "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001";
  const std::string by = "EAEU://BY/CP/P.MM.00/P.MM.00.ACT.001";
  const std::map<std::string, uint64_t> expected = {
      {"inspection-report outbound - sending", 1},
      {"inspection-report outbound - rejected", 1},
      {"notice outbound - validated", 1},
      {"inspection-report outbound " + kz + " acknowledged", 1},
      {"inspection-report outbound " + by + " queued", 1}};
  {
    auto journal = backend.Open();
    REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
    REQUIRE(journal->Accept(Message("m-2", "doc-2")).ok());
    NewMessage notice = Message("m-3", "doc-3");
    notice.kind = "notice";
    REQUIRE(journal->Accept(notice).ok());
    CHECK(CountsOf(*journal) ==
          std::map<std::string, uint64_t>{{"inspection-report outbound - validated", 2},
                                          {"notice outbound - validated", 1}});
    REQUIRE(journal->Transition("m-1", MessageState::kQueued, "", kT0 + 1s).ok());
    REQUIRE(journal->Transition("m-2", MessageState::kRejected, "IR-02", kT0 + 1s).ok());
    Delivery planned;
    std::vector<Delivery> two(2, planned);
    two[0].destination = kz;
    two[1].destination = by;
    REQUIRE(journal->PlanDeliveries("m-1", two, kT0 + 2s).ok());
    auto planned_ones = journal->Deliveries("m-1");
    REQUIRE(planned_ones.ok());
    REQUIRE(planned_ones->size() == 2);
    Delivery d = (*planned_ones)[0];
    REQUIRE(d.destination == kz);
    d.state = MessageState::kSending;
    d.sends = 1;
    d.wire_id = "urn:uuid:w-1";
    REQUIRE(journal->UpdateDelivery({d, "sent", MessageState::kSending}, kT0 + 3s).ok());
    d.state = MessageState::kAcknowledged;
    REQUIRE(journal->UpdateDelivery({d, "RCV", std::nullopt}, kT0 + 4s).ok());
    // A move the journal refuses leaves the counts as they were.
    Delivery back = d;
    back.state = MessageState::kSending;
    REQUIRE_FALSE(journal->UpdateDelivery({back, "", std::nullopt}, kT0 + 5s).ok());
    CHECK(CountsOf(*journal) == expected);
  }
  // Kept in the journal, not in the process.
  auto journal = backend.Open();
  CHECK(CountsOf(*journal) == expected);
}

// The audit chain's entries as they are stored.
std::vector<AuditEntry> AuditEntries(const JournalSettings& settings) {
  std::vector<AuditEntry> out;
  REQUIRE(EachAuditEntry(settings, "", std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int64_t>::max(),
                         [&](const AuditEntry& e) {
                           out.push_back(e);
                           return true;
                         })
              .ok());
  return out;
}

TEMPLATE_TEST_CASE(
    "journal: an archived month leaves the audit chain in one change, and the chain is checked "
    "from its head",
    "[journal][audit]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  for (int i = 0; i < 3; ++i) {
    REQUIRE(journal
                ->RecordAction({"reload", "r" + std::to_string(i), "ops", "operator", ""},
                               kT0 + std::chrono::seconds(i))
                .ok());
  }
  const auto entries = AuditEntries(backend.Settings());
  REQUIRE(entries.size() == 3);
  ArchivedAuditMonth month;
  month.month = "2026-01";
  month.first = 1;
  month.last = 2;
  month.entries = 2;
  month.head = entries[1].hash;
  month.file = "audit-2026-01.jsonl.gz";
  month.sha256 = std::string(64, 'a');

  // Refused unless it is the oldest part of the chain and ends at its head.
  for (const auto& [first, head] :
       std::vector<std::pair<uint64_t, std::string>>{{2, entries[1].hash}, {1, entries[2].hash}}) {
    ArchivedAuditMonth wrong = month;
    wrong.first = first;
    wrong.entries = month.last - first + 1;
    wrong.head = head;
    auto refused = journal->RetireAuditMonth(wrong, kT0 + 10s);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == "audit.retire");
  }
  CHECK(AuditEntries(backend.Settings()).size() == 3);

  REQUIRE(journal->RetireAuditMonth(month, kT0 + 10s).ok());
  auto archived = journal->ArchivedAuditMonths();
  REQUIRE(archived.ok());
  REQUIRE(archived->size() == 1);
  CHECK((*archived)[0].month == "2026-01");
  CHECK((*archived)[0].head == entries[1].hash);
  CHECK((*archived)[0].sha256 == month.sha256);
  CHECK((*archived)[0].at ==
        std::chrono::duration_cast<std::chrono::microseconds>((kT0 + 10s).time_since_epoch())
            .count());
  // Entry 3 stays, and the move is entry 4.
  const auto left = AuditEntries(backend.Settings());
  REQUIRE(left.size() == 2);
  CHECK(left[0].seq == 3);
  CHECK(left[1].seq == 4);
  CHECK(left[1].event == "archive");
  CHECK(left[1].subject == "2026-01");
  auto check = VerifyAudit(backend.Settings(), "");
  REQUIRE(check.ok());
  CHECK_FALSE(check->broken_at.has_value());
  CHECK(check->entries == 2);
  REQUIRE(check->archived.size() == 1);
  CHECK(check->head == left[1].hash);
  // The same month again is refused: its entries are gone.
  CHECK(journal->RetireAuditMonth(month, kT0 + 11s).error().code == "audit.retire");
}

// The signature the hand-offs below put into the message's XML (Message: its canonical XML), in
// front of its last two bytes. The journal reads no XML: a signature and a byte.
const std::string kSignature = "<ds:Signature>Шприц</ds:Signature>";

std::string SignedXmlOf(const std::string& id) {
  std::string xml = Message(id, "-").canonical_xml;
  return xml.insert(xml.size() - 2, kSignature);
}

// The hand-off as the pipeline makes it for a report to the Commission.
Handoff ReportHandoff(const std::string& id) {
  Handoff h;
  h.message_id = id;
  const auto xml = std::make_shared<const std::string>(Message(id, "-").canonical_xml);
  h.document = {xml, kSignature, xml->size() - 2, false};
  h.procedure_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  h.signature = "gost2012-256 by CN=RU authority";
  h.diagnostics.reply_to = "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001";
  h.diagnostics.to = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
  h.diagnostics.transaction_code = "P.MM.00.TRN.001";
  Delivery d;
  d.destination = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
  d.conversation_id = "c-1";
  h.deliveries.push_back(d);
  return h;
}

TEMPLATE_TEST_CASE("journal: the hand-off signs, queues and plans the deliveries in one change",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  {
    auto journal = backend.Open();
    REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
    REQUIRE(journal->HandOff(ReportHandoff("m-1"), kT0 + 1s).ok());
    // Not twice: the message is queued now.
    auto again = journal->HandOff(ReportHandoff("m-1"), kT0 + 2s);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "journal.transition");
    CHECK(journal->HandOff(ReportHandoff("m-unknown"), kT0).error().code == "journal.unknown");

    // Where the transaction asks for no signature, the message goes from validated to queued.
    REQUIRE(journal->Accept(Message("m-2", "doc-2")).ok());
    Handoff plain = ReportHandoff("m-2");
    plain.signature.clear();
    plain.document.signature.clear();
    plain.document.at = 0;
    plain.unsigned_detail = "not signed (the transaction does not ask for it)";
    REQUIRE(journal->HandOff(plain, kT0 + 1s).ok());
    auto m2 = journal->Get("m-2");
    REQUIRE(m2.ok());
    REQUIRE((*m2)->history.size() == 2);
    CHECK((*m2)->history[1].state == MessageState::kQueued);
    CHECK((*m2)->history[1].detail == plain.unsigned_detail);
    CHECK((*m2)->signed_document == (*m2)->canonical_xml);  // the document as it is

    // A document the signer wrote anew is kept whole.
    REQUIRE(journal->Accept(Message("m-3", "doc-3")).ok());
    Handoff whole = ReportHandoff("m-3");
    whole.document = {std::make_shared<const std::string>("<written anew/>"), {}, 0, true};
    REQUIRE(journal->HandOff(whole, kT0 + 1s).ok());
    auto m3 = journal->Outbound("m-3");
    REQUIRE(m3.ok());
    CHECK((*m3)->document.whole);
    CHECK((*m3)->document.Joined() == "<written anew/>");

    // A message not handed off has no signed form yet.
    REQUIRE(journal->Accept(Message("m-4", "doc-4")).ok());
    auto m4 = journal->Outbound("m-4");
    REQUIRE(m4.ok());
    CHECK((*m4)->document.empty());
    CHECK((*journal->Get("m-4"))->signed_document.empty());
  }
  // After a reopen, what delivery needs is there, and the history reads as it always did.
  auto journal = backend.Open();
  auto got = journal->Get("m-1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  const MessageRecord& r = **got;
  CHECK(r.summary.state == MessageState::kQueued);
  CHECK(r.signed_document == SignedXmlOf("m-1"));
  CHECK(r.procedure_id == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  CHECK(r.diagnostics.transaction_code == "P.MM.00.TRN.001");
  REQUIRE(r.history.size() == 3);
  CHECK(r.history[1].state == MessageState::kSigned);
  CHECK(r.history[1].detail == "gost2012-256 by CN=RU authority");
  CHECK(r.history[2].state == MessageState::kQueued);
  CHECK(r.history[2].detail == "for delivery");
  auto history = journal->DeliveryHistory("m-1");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK((*history)[0].detail == "planned");

  auto outbound = journal->Outbound("m-1");
  REQUIRE(outbound.ok());
  REQUIRE(outbound->has_value());
  const OutboundMessage& o = **outbound;
  CHECK(o.summary.kind == "inspection-report");
  CHECK(o.summary.sender_country == "RU");
  // The message's XML with the signature and its place: no second copy of the document.
  REQUIRE_FALSE(o.document.empty());
  CHECK_FALSE(o.document.whole);
  CHECK(*o.document.xml == "<canonical id=\"m-1\"/>");
  CHECK(o.document.signature == kSignature);
  CHECK(o.document.at == o.document.xml->size() - 2);
  CHECK(o.document.Joined() == r.signed_document);
  CHECK(o.procedure_id == r.procedure_id);
  CHECK(o.reply_to == "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001");
  REQUIRE(o.deliveries.size() == 1);
  CHECK(o.deliveries[0].state == MessageState::kQueued);
  CHECK(o.deliveries[0].conversation_id == "c-1");
  auto none = journal->Outbound("m-unknown");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEMPLATE_TEST_CASE("journal: a list after a message it does not have is refused", "[journal]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
  MessageFilter filter;
  filter.after_id = "m-1";
  auto after_known = journal->List(filter);
  REQUIRE(after_known.ok());
  CHECK(after_known->empty());
  filter.after_id = "m-unknown";
  auto after_unknown = journal->List(filter);
  REQUIRE_FALSE(after_unknown.ok());
  CHECK(after_unknown.error().code == "journal.unknown");
}

TEMPLATE_TEST_CASE("journal: what was committed is there after a reopen", "[journal]",
                   SqliteBackend, PostgresBackend) {
  TestType backend;
  {
    auto journal = backend.Open();
    REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
    REQUIRE(journal->Transition("m-1", MessageState::kSigned, "", kT0 + 1s).ok());
  }
  auto journal = backend.Open();
  auto got = journal->Get("m-1");
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->summary.state == MessageState::kSigned);
  CHECK((*got)->history.size() == 2);
  auto again = journal->Accept(Message("m-2", "doc-1"));
  REQUIRE(again.ok());
  CHECK(again->duplicate);
}

TEMPLATE_TEST_CASE(
    "journal: changes of state are read in commit order after a position, and a reader's cursor "
    "is kept across a reopen",
    "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  uint64_t first_dead = 0;
  {
    auto journal = backend.Open();
    std::atomic<int> commits{0};
    journal->OnCommit("test", [&commits] { ++commits; });
    auto none = journal->LastEventPosition();
    REQUIRE(none.ok());
    CHECK(*none == 0);
    REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
    auto inbound = Message("m-2", "doc-2");
    inbound.direction = Direction::kInbound;
    REQUIRE(journal->Accept(inbound).ok());
    for (const char* id : {"m-1", "m-2"}) {
      REQUIRE(journal->Transition(id, MessageState::kSigned, "", kT0 + 1s).ok());
      REQUIRE(journal->Transition(id, MessageState::kQueued, "", kT0 + 2s).ok());
      REQUIRE(journal->Transition(id, MessageState::kSending, "", kT0 + 3s).ok());
      REQUIRE(journal->Transition(id, MessageState::kRetrying, "", kT0 + 4s).ok());
      REQUIRE(journal->Transition(id, MessageState::kDead, "no answer", kT0 + 5s).ok());
    }
    // The listener runs after each commit's callbacks: the twelfth may still be on its way.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (commits < 12 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(commits >= 12);

    EventFilter all;
    auto every = journal->Events(all);
    REQUIRE(every.ok());
    REQUIRE(every->size() == 12);
    for (size_t i = 1; i < every->size(); ++i) {
      CHECK((*every)[i - 1].position < (*every)[i].position);
    }
    auto last = journal->LastEventPosition();
    REQUIRE(last.ok());
    CHECK(*last == every->back().position);

    EventFilter dead;
    dead.direction = Direction::kOutbound;
    dead.states = {MessageState::kDead, MessageState::kRejected};
    auto outbound_dead = journal->Events(dead);
    REQUIRE(outbound_dead.ok());
    REQUIRE(outbound_dead->size() == 1);
    const MessageEvent& e = outbound_dead->front();
    CHECK(e.message.id == "m-1");
    CHECK(e.message.kind == "inspection-report");
    CHECK(e.state == MessageState::kDead);
    CHECK(e.detail == "no answer");
    CHECK(e.at == kT0 + 5s);
    first_dead = e.position;
    dead.after = e.position;
    auto after = journal->Events(dead);
    REQUIRE(after.ok());
    CHECK(after->empty());
    EventFilter paged;
    paged.limit = 5;
    auto page = journal->Events(paged);
    REQUIRE(page.ok());
    CHECK(page->size() == 5);

    auto unset = journal->Cursor("notify");
    REQUIRE(unset.ok());
    CHECK(!unset->has_value());
    REQUIRE(journal->SaveCursor("notify", 3).ok());
    REQUIRE(journal->SaveCursor("notify", first_dead).ok());
    journal->OnCommit("test", nullptr);
  }
  auto journal = backend.Open();
  auto cursor = journal->Cursor("notify");
  REQUIRE(cursor.ok());
  REQUIRE(cursor->has_value());
  CHECK(**cursor == first_dead);
}

TEMPLATE_TEST_CASE(
    "journal: deadlines are tracked once, move with their history, and filter and page",
    "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  REQUIRE(journal->Accept(Message("m-1", "doc-1")).ok());
  auto deadline = [](const std::string& rule, int n, const std::string& country) {
    TrackedDeadline d;
    d.id = "m-1/" + rule + "/" + std::to_string(n);
    d.message_id = "m-1";
    d.rule = rule;
    d.subject = "report RU-IR-2026-0417";
    d.country = country;
    d.event = "2026-03-12";
    d.due = "2026-04-02";
    d.basis = "RU 2026 (official calendar)";
    d.source = "R106 §21, §35";
    return d;
  };
  std::vector<TrackedDeadline> started = {deadline("DL-01", 1, "RU"), deadline("DL-03", 1, "RU"),
                                          deadline("DL-03", 2, "KZ")};
  REQUIRE(journal->TrackDeadlines(started, kT0).ok());
  // Tracked again (a restart that reads the message again): nothing changes.
  started[0].due = "2030-01-01";
  REQUIRE(journal->TrackDeadlines(started, kT0 + 1s).ok());
  auto all = journal->Deadlines({});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].id == "m-1/DL-01/1");
  CHECK((*all)[0].due == "2026-04-02");
  CHECK((*all)[0].state == "open");
  CHECK((*all)[0].updated_at == kT0);

  auto change = [](std::string id, std::string state, std::string met_on, int late,
                   std::string detail) {
    DeadlineChange c;
    c.id = std::move(id);
    c.state = std::move(state);
    c.met_on = std::move(met_on);
    c.days_late = late;
    c.detail = std::move(detail);
    return c;
  };
  REQUIRE(journal
              ->UpdateDeadline(change("m-1/DL-01/1", "at-risk", "", 0, "3 business days left"),
                               kT0 + 2s)
              .ok());
  REQUIRE(
      journal
          ->UpdateDeadline(change("m-1/DL-01/1", "met", "2026-04-03", 1, "acknowledged"), kT0 + 3s)
          .ok());
  auto unknown = journal->UpdateDeadline(change("m-9/DL-01/1", "met", "", 0, ""), kT0);
  REQUIRE(!unknown.ok());
  CHECK(unknown.error().code == "journal.unknown");

  DeadlineFilter met;
  met.any_state = {"met", "overdue"};
  auto done = journal->Deadlines(met);
  REQUIRE(done.ok());
  REQUIRE(done->size() == 1);
  CHECK(done->front().met_on == "2026-04-03");
  CHECK(done->front().days_late == 1);
  auto history = journal->DeadlineHistory("m-1/DL-01/1");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 3);
  CHECK((*history)[0].state == "open");
  CHECK((*history)[0].detail == "due 2026-04-02 (RU 2026 (official calendar))");
  CHECK((*history)[2].state == "met");
  CHECK((*history)[2].at == kT0 + 3s);

  DeadlineFilter filtered;
  filtered.rule = "DL-03";
  filtered.country = "KZ";
  auto kz = journal->Deadlines(filtered);
  REQUIRE(kz.ok());
  REQUIRE(kz->size() == 1);
  CHECK(kz->front().id == "m-1/DL-03/2");
  DeadlineFilter page;
  page.message_id = "m-1";
  page.limit = 2;
  auto first = journal->Deadlines(page);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  page.after_id = first->back().id;
  auto second = journal->Deadlines(page);
  REQUIRE(second.ok());
  REQUIRE(second->size() == 1);
  CHECK(second->front().id == "m-1/DL-03/2");

  // A calendar changed: a new due day and basis go with the move; the others stay.
  auto recounted = change("m-1/DL-03/2", "overdue", "", 2, "due 2026-04-01 (KZ 2026)");
  recounted.due = "2026-04-01";
  recounted.basis = "KZ 2026 (official)";
  REQUIRE(journal->UpdateDeadline(recounted, kT0 + 4s).ok());
  REQUIRE(journal->UpdateDeadline(change("m-1/DL-03/1", "at-risk", "", 0, "soon"), kT0 + 5s).ok());
  filtered.id = "m-1/DL-03/2";
  filtered.rule.reset();
  filtered.country.reset();
  kz = journal->Deadlines(filtered);
  REQUIRE(kz.ok());
  REQUIRE(kz->size() == 1);
  CHECK(kz->front().due == "2026-04-01");
  CHECK(kz->front().basis == "KZ 2026 (official)");
  CHECK(kz->front().event == "2026-03-12");

  // The moves in the order they were committed, from a position, of some states only.
  DeadlineMoveFilter moves;
  moves.states = {"at-risk", "overdue"};
  auto risky = journal->DeadlineMoves(moves);
  REQUIRE(risky.ok());
  REQUIRE(risky->size() == 3);
  CHECK((*risky)[0].deadline.id == "m-1/DL-01/1");
  CHECK((*risky)[0].deadline.state == "met");  // as it is now
  CHECK((*risky)[0].state == "at-risk");
  CHECK((*risky)[1].deadline.id == "m-1/DL-03/2");
  CHECK((*risky)[1].detail == "due 2026-04-01 (KZ 2026)");
  CHECK((*risky)[2].at == kT0 + 5s);
  moves.after = (*risky)[1].position;
  auto later = journal->DeadlineMoves(moves);
  REQUIRE(later.ok());
  REQUIRE(later->size() == 1);
  CHECK(later->front().deadline.id == "m-1/DL-03/1");
  auto last = journal->LastDeadlineMove();
  REQUIRE(last.ok());
  CHECK(*last == later->front().position);

  auto counts = journal->DeadlineCounts();
  REQUIRE(counts.ok());
  CHECK(*counts ==
        std::map<std::pair<std::string, std::string>, uint64_t>{
            {{"at-risk", "DL-03"}, 1}, {{"met", "DL-01"}, 1}, {{"overdue", "DL-03"}, 1}});
}

TEMPLATE_TEST_CASE("journal: a deadline is found by what it is about and the day of its event",
                   "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  std::vector<TrackedDeadline> started(3);
  for (size_t i = 0; i < started.size(); ++i) {
    started[i].id = "DL-05-" + std::to_string(i);
    started[i].message_id = "m-" + std::to_string(i);
    started[i].rule = "DL-05";
    started[i].about = i < 2 ? "RU|ооо медтех" : "KZ|тоо медтех";
    started[i].opens = "2028-09-01";
    started[i].event = i == 0 ? "2025-03-02" : "2025-03-03";
  }
  REQUIRE(journal->TrackDeadlines(started, kT0).ok());
  DeadlineFilter filter;
  filter.rule = "DL-05";
  filter.about = "RU|ооо медтех";
  auto found = journal->Deadlines(filter);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 2);
  CHECK(found->back().id == "DL-05-1");
  CHECK(found->back().about == "RU|ооо медтех");
  CHECK(found->back().opens == "2028-09-01");
  // Those of reports issued before a day: a report of that same day is not earlier.
  filter.event_before = "2025-03-03";
  found = journal->Deadlines(filter);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK(found->front().id == "DL-05-0");
  filter.event_before = "2025-03-04";
  CHECK(journal->Deadlines(filter)->size() == 2);
  filter.event_before = "2025-03-02";
  CHECK(journal->Deadlines(filter)->empty());
}

namespace {

// One document of a register sync: a validated message and the record's new version.
PlannedSend RegisterSend(const std::string& id, const std::string& key, RegisterChange change,
                         uint64_t base, const std::string& digest) {
  PlannedSend send;
  send.message = Message(id, "edoc-" + id, "KZ");
  send.message.kind = "register-entry";
  send.version.country = "KZ";
  send.version.key = key;
  send.version.name = key.substr(3);
  send.version.change = change;
  send.version.change_day = "2026-01-01";
  send.version.digest = digest;
  send.version.record = "{\"digest\":\"" + digest + "\"}";
  send.version.groups = "|04.01|";
  send.version.message_id = id;
  send.version.at = kT0;
  send.base = base;
  return send;
}

RegisterSync SyncOf(const std::string& id, std::vector<PlannedSend> sends) {
  RegisterSync sync;
  sync.id = id;
  sync.country = "KZ";
  sync.source = "test";
  sync.at = kT0;
  sync.sends = std::move(sends);
  return sync;
}

}  // namespace

TEMPLATE_TEST_CASE(
    "journal: a register sync's plan is one change, refused when a record moved, and a refused "
    "version does not count",
    "[journal]", SqliteBackend, PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  REQUIRE(
      journal
          ->PlanSync(SyncOf("s1", {RegisterSend("m1", "KZ|a", RegisterChange::kAdded, 0, "d1"),
                                   RegisterSend("m2", "KZ|b", RegisterChange::kAdded, 0, "d2")}))
          .ok());
  RegisterFilter filter;
  filter.country = "KZ";
  filter.limit = 0;
  auto records = journal->RegisterRecords(filter);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 2);
  const uint64_t a1 = records->front().id;
  CHECK(records->front().key == "KZ|a");
  CHECK(records->front().state == MessageState::kValidated);
  CHECK(records->front().sync_id == "s1");

  // A plan worked out against an older register: refused whole, nothing of it written.
  auto stale = journal->PlanSync(
      SyncOf("s2", {RegisterSend("m3", "KZ|c", RegisterChange::kAdded, 0, "d3"),
                    RegisterSend("m4", "KZ|a", RegisterChange::kChanged, 0, "d4")}));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == "registry.conflict");
  CHECK(stale.error().where == "KZ|a");
  CHECK_FALSE(journal->Get("m3")->has_value());
  CHECK(journal->RegisterRecords(filter)->size() == 2);

  // A change on the right base; then the Commission refuses it: the record is its first version.
  REQUIRE(
      journal
          ->PlanSync(SyncOf("s3", {RegisterSend("m5", "KZ|a", RegisterChange::kChanged, a1, "d5")}))
          .ok());
  CHECK(journal->RegisterRecords(filter)->front().digest == "d5");
  REQUIRE(journal->Transition("m5", MessageState::kRejected, "refused", kT0).ok());
  CHECK(journal->RegisterRecords(filter)->front().digest == "d1");
  auto history = journal->RegisterHistory(Direction::kOutbound, "KZ|a");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK(history->back().state == MessageState::kRejected);
  auto of = journal->RegisterVersionOf("m5");
  REQUIRE(of.ok());
  REQUIRE(of->has_value());
  CHECK((*of)->change == RegisterChange::kChanged);
  CHECK_FALSE(journal->RegisterVersionOf("m-none")->has_value());

  // A withdrawal leaves the record in the register, inactive; filters and paging.
  REQUIRE(journal
              ->PlanSync(SyncOf("s4", {RegisterSend("m6", "KZ|b", RegisterChange::kWithdrawn,
                                                    records->back().id, "d6")}))
              .ok());
  filter.active = true;
  REQUIRE(journal->RegisterRecords(filter)->size() == 1);
  filter.active = false;
  REQUIRE(journal->RegisterRecords(filter)->size() == 1);
  CHECK(journal->RegisterRecords(filter)->front().key == "KZ|b");
  filter.active.reset();
  filter.group = "04.01";
  CHECK(journal->RegisterRecords(filter)->size() == 2);
  filter.group = "04.0";
  CHECK(journal->RegisterRecords(filter)->empty());
  filter.group.reset();
  filter.limit = 1;
  filter.after_key = "KZ|a";
  auto page = journal->RegisterRecords(filter);
  REQUIRE(page->size() == 1);
  CHECK(page->front().key == "KZ|b");
}

TEMPLATE_TEST_CASE("journal: concurrent writers are all committed", "[journal]", SqliteBackend,
                   PostgresBackend) {
  TestType backend;
  auto journal = backend.Open();
  constexpr int kThreads = 8;
  constexpr int kEach = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        // Every other EDocId is shared by two threads: exactly one of them gets it.
        const std::string doc =
            i % 2 == 0 ? "shared-" + std::to_string(t / 2) + "-" + std::to_string(i) : "own-" + id;
        if (!journal->Accept(Message(id, doc)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  MessageFilter all;
  all.limit = 10000;
  auto listed = journal->List(all);
  REQUIRE(listed.ok());
  std::set<std::string> docs;
  for (const auto& s : *listed) docs.insert(s.e_doc_id);
  CHECK(docs.size() == listed->size());  // no EDocId twice
  CHECK(listed->size() == kThreads * kEach / 2 + kThreads / 2 * kEach / 2);
}

TEST_CASE("sqlite journal: changes share commits, and a newer schema is refused", "[journal]") {
  TempDir dir;
  {
    auto opened = SqliteJournal::Open({dir / "journal.db"});
    REQUIRE(opened.ok());
    auto& journal = **opened;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          (void)journal.Accept(Message(std::to_string(t) + "-" + std::to_string(i),
                                       std::to_string(t) + "-" + std::to_string(i)));
        }
      });
    }
    for (auto& th : threads) th.join();
    const auto stats = journal.stats();
    CHECK(stats.changes == 800);
    CHECK(stats.commits < stats.changes);  // 8 writers at once cannot all have had their own
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((dir / "journal.db").c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr) ==
        SQLITE_OK);
  sqlite3_close(db);
  auto refused = SqliteJournal::Open({dir / "journal.db"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "journal.version");
  CHECK(refused.error().message.find("newer gateway") != std::string::npos);
}

TEST_CASE("sqlite journal: the hand-off is one change", "[journal]") {
  TempDir dir;
  auto opened = SqliteJournal::Open({dir / "journal.db"});
  REQUIRE(opened.ok());
  auto& journal = **opened;
  REQUIRE(journal.Accept(Message("m-1", "doc-1")).ok());
  const auto before = journal.stats();
  REQUIRE(journal.HandOff(ReportHandoff("m-1"), kT0 + 1s).ok());
  CHECK(journal.stats().changes == before.changes + 1);
  CHECK(journal.stats().commits == before.commits + 1);
}

// A journal of an earlier schema, written as that version wrote it: the code of today writes
// today's schema only.
class OldJournal {
 public:
  OldJournal(const std::filesystem::path& file, int version) : file_(file) {
    SqliteJournalOptions options;
    options.file = file;
    options.migrate_to = version;
    REQUIRE(SqliteJournal::Open(options).ok());
    REQUIRE(sqlite3_open(file.c_str(), &db_) == SQLITE_OK);
  }
  ~OldJournal() { sqlite3_close(db_); }
  OldJournal(const OldJournal&) = delete;
  OldJournal& operator=(const OldJournal&) = delete;

  // An outbound inspection report with its document in the row, as schemas 1 to 12 kept it.
  void Message(const std::string& id, const std::string& state, const std::string& payload,
               const std::string& canonical_xml = {}) {
    Run("INSERT INTO messages (id, direction, sender_country, sender_participant, kind, "
        "e_doc_id, content_type, payload, canonical_xml, state, violations, created_at, "
        "updated_at) VALUES (?1, 'outbound', 'RU', 'P.MM.00.ACT.001', 'inspection-report', ?1, "
        "'application/xml', CAST(?2 AS BLOB), CAST(?3 AS BLOB), ?4, '[]', 0, 0)",
        {id, payload, canonical_xml, state});
  }
  // A statement with its parameters bound as text, in order.
  void Run(const std::string& sql, const std::vector<std::string>& texts = {}) {
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &q, nullptr) == SQLITE_OK);
    for (size_t i = 0; i < texts.size(); ++i) {
      sqlite3_bind_text(q, static_cast<int>(i + 1), texts[i].data(),
                        static_cast<int>(texts[i].size()), SQLITE_STATIC);
    }
    const int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    REQUIRE(rc == SQLITE_DONE);
  }

 private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

TEST_CASE("sqlite journal: a journal of schema 11 gets its counts from its rows (migration 12)",
          "[journal]") {
  TempDir dir;
  const std::string eec = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
  {
    OldJournal v11(dir / "journal.db", 11);
    v11.Message("m-1", "queued", "<p/>");
    v11.Message("m-2", "validated", "<p/>");
    v11.Run("INSERT INTO deliveries VALUES ('m-1', '" + eec +
            "', 'queued', 0, 0, NULL, '', 'c-1', '', 0)");
  }
  auto journal = SqliteJournal::Open({dir / "journal.db"});
  REQUIRE(journal.ok());
  CHECK(CountsOf(**journal) ==
        std::map<std::string, uint64_t>{{"inspection-report outbound - queued", 1},
                                        {"inspection-report outbound - validated", 1},
                                        {"inspection-report outbound " + eec + " queued", 1}});
  // And they move from there.
  REQUIRE((*journal)->Transition("m-2", MessageState::kRejected, "IR-02", kT0 + 2s).ok());
  CHECK(CountsOf(**journal) ==
        std::map<std::string, uint64_t>{{"inspection-report outbound - queued", 1},
                                        {"inspection-report outbound - rejected", 1},
                                        {"inspection-report outbound " + eec + " queued", 1}});
}

TEST_CASE("sqlite journal: a journal of schema 7 keeps its envelopes' documents (migration 8)",
          "[journal]") {
  TempDir dir;
  const std::string document = "<doc:Report xmlns:doc=\"urn:x\">Шприц одноразовый</doc:Report>";
  // What an earlier version kept: the envelope addressed to the first destination.
  const std::string envelope =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope><soap:Header>"
      "<wsa:To>EAEU://EEC/CP/P.MM.00/P.ACT.001</wsa:To>"
      "<int:ProcedureID>0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</int:ProcedureID>"
      "<int:ConversationID>c-1</int:ConversationID></soap:Header><soap:Body>" +
      document + "</soap:Body></soap:Envelope>";
  {
    OldJournal v7(dir / "journal.db", 7);
    v7.Message("m-1", "signed", "<payload/>");
    v7.Message("m-2", "validated", "<payload/>");
    v7.Run("UPDATE messages SET signed_envelope = CAST(?1 AS BLOB) WHERE id = 'm-1'", {envelope});
  }

  auto journal = SqliteJournal::Open({dir / "journal.db"});
  REQUIRE(journal.ok());
  auto m1 = (*journal)->Get("m-1");
  REQUIRE(m1.ok());
  REQUIRE(m1->has_value());
  CHECK((*m1)->signed_document == document);
  CHECK((*m1)->procedure_id == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  auto m2 = (*journal)->Get("m-2");
  REQUIRE(m2.ok());
  CHECK((*m2)->signed_document.empty());
  CHECK((*m2)->procedure_id.empty());
  // The message left signed goes on with the hand-off: to queued, its deliveries planned.
  Handoff resumed = ReportHandoff("m-1");
  resumed.signature.clear();
  resumed.document = {std::make_shared<const std::string>((*m1)->signed_document), {}, 0, true};
  REQUIRE((*journal)->HandOff(resumed, kT0 + 1s).ok());
  auto outbound = (*journal)->Outbound("m-1");
  REQUIRE(outbound.ok());
  CHECK((*outbound)->summary.state == MessageState::kQueued);
  CHECK((*outbound)->document.whole);
  CHECK((*outbound)->document.Joined() == document);
  CHECK((*outbound)->deliveries.size() == 1);
}

TEST_CASE("sqlite journal: a journal of schema 12 keeps its documents apart (migration 13)",
          "[journal]") {
  TempDir dir;
  constexpr char kPayload[] = "{\"binary\":\"\0\xff\"}";
  const std::string payload(kPayload, sizeof kPayload - 1);
  const std::string xml = "<doc:Report xmlns:doc=\"urn:x\">Шприц</doc:Report>";
  const std::string signed_document =
      "<doc:Report xmlns:doc=\"urn:x\">Шприц<ds:Signature/></doc:Report>";
  {
    OldJournal v12(dir / "journal.db", 12);
    v12.Message("m-1", "queued", payload, xml);
    v12.Run(
        "UPDATE messages SET signed_document = CAST(?1 AS BLOB), procedure_id = 'p-1' "
        "WHERE id = 'm-1'",
        {signed_document});
    v12.Message("m-2", "validated", xml);
  }
  auto journal = SqliteJournal::Open({dir / "journal.db"});
  REQUIRE(journal.ok());
  auto m1 = (*journal)->Get("m-1");
  REQUIRE(m1.ok());
  REQUIRE(m1->has_value());
  CHECK((*m1)->payload == payload);
  CHECK((*m1)->canonical_xml == xml);
  CHECK((*m1)->signed_document == signed_document);
  CHECK((*m1)->procedure_id == "p-1");
  auto o1 = (*journal)->Outbound("m-1");
  REQUIRE(o1.ok());
  CHECK((*o1)->document.whole);  // kept as it was: a copy of its own
  CHECK((*o1)->document.Joined() == signed_document);
  auto m2 = (*journal)->Get("m-2");
  REQUIRE(m2.ok());
  CHECK((*m2)->payload == xml);
  CHECK((*m2)->signed_document.empty());
  auto text = (*journal)->DocumentOf("m-1");
  REQUIRE(text.ok());
  CHECK(**text == xml);
  CHECK(**(*journal)->DocumentOf("m-2") == xml);
  CHECK((*journal)->DocumentOf("m-3")->get() == nullptr);
  // A search of the documents' text finds them where they are now.
  MessageFilter search;
  search.text = "Шприц";
  auto found = (*journal)->List(search);
  REQUIRE(found.ok());
  CHECK(found->size() == 2);
}

TEST_CASE("sqlite journal: a callback that throws does not stop the writer", "[journal]") {
  TempDir dir;
  auto opened = SqliteJournal::Open({dir / "journal.db"});
  REQUIRE(opened.ok());
  auto& journal = **opened;
  journal.AcceptAsync(Message("m-1", "doc-1"), [](eaeu::Result<AcceptOutcome>) {
    throw std::runtime_error("a bad callback");
  });
  journal.OnCommit("bad listener", [] { throw std::runtime_error("a bad listener"); });
  REQUIRE(journal.Accept(Message("m-2", "doc-2")).ok());
  journal.OnCommit("bad listener", nullptr);
  auto m1 = journal.Get("m-1");
  REQUIRE(m1.ok());
  CHECK(m1->has_value());
}
