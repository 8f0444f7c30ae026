// Several gateways on one PostgreSQL database, at the journal: what each instance holds under its
// fencing token, leases that run out, the leader's jobs, a clean leave, idempotence across
// instances, and the feeds read in the order of the commits while several instances write. The
// whole daemons in a cluster are in cluster_daemons_test.cpp.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/store/postgres/detail/cluster.hpp"
#include "gateway/store/postgres/detail/connection.hpp"
#include "gateway/store/postgres/journal.hpp"
#include "integration/postgres_fixture.hpp"

namespace eaeu::test {
namespace {

using store::MessageState;
using namespace std::chrono_literals;

const store::TimePoint kT0 = store::TimePoint(std::chrono::seconds(1767225600));

std::unique_ptr<store::SqlJournal> Member(const PostgresDatabase& database, const std::string& name,
                                          std::chrono::milliseconds lease = 1'000ms) {
  store::PostgresJournalOptions options;
  options.url = database.url();
  options.instance = name;
  options.lease = lease;
  auto journal = store::PostgresJournal::Open(options);
  INFO((journal.ok() ? "" : journal.error().ToString()));
  REQUIRE(journal.ok());
  return std::move(journal.value());
}

store::NewMessage Report(const std::string& id, const std::string& e_doc_id) {
  store::NewMessage m;
  m.id = id;
  m.sender_country = "RU";
  m.sender_participant = "P.MM.00.ACT.001";
  m.kind = "inspection-report";
  m.e_doc_id = e_doc_id;
  m.content_type = "application/xml";
  m.payload = "<report/>";
  m.violations = "[]";
  m.at = kT0;
  return m;
}

// Beats `member` until `done` says its beat is the one awaited (a lease runs out by the database's
// clock): the test waits for a state, not for a time.
store::Beat BeatUntil(store::Journal& member, const std::function<bool(const store::Beat&)>& done) {
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    auto beat = member.RunBeat(100);
    REQUIRE(beat.ok());
    if (done(*beat)) return *beat;
    REQUIRE(std::chrono::steady_clock::now() < give_up);
    std::this_thread::yield();
  }
}

}  // namespace

TEST_CASE(
    "Cluster: a message is written by the instance that holds it and a stalled instance is "
    "fenced once another has claimed its work",
    "[postgres][cluster]") {
  PostgresDatabase database;
  auto a = Member(database, "a");
  auto b = Member(database, "b");
  REQUIRE(a->RunBeat(100).ok());
  REQUIRE(b->RunBeat(100).ok());

  REQUIRE(a->Accept(Report("m1", "e1")).ok());
  // The other instance does not hold it: its write is refused and says who does.
  auto refused = b->Transition("m1", MessageState::kQueued, "b", kT0);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "journal.fenced");
  CHECK_THAT(refused.error().message, Catch::Contains("held by gateway a"));
  CHECK(a->Transition("m1", MessageState::kQueued, "queued by a", kT0).ok());

  // a stops renewing (it stalls): once its lease has run out b claims the message.
  const auto claimed = BeatUntil(*b, [](const store::Beat& beat) { return !beat.claimed.empty(); });
  REQUIRE(claimed.claimed.size() == 1);
  CHECK(claimed.claimed[0].id == "m1");
  CHECK(claimed.claimed[0].state == MessageState::kQueued);
  CHECK(b->Transition("m1", MessageState::kSending, "sent by b", kT0).ok());
  // a comes back: its write with its old token is refused, and it holds nothing of it any more.
  auto stale = a->Transition("m1", MessageState::kDelivered, "a again", kT0);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == "journal.fenced");
  CHECK_THAT(stale.error().message, Catch::Contains("held by gateway b"));
  REQUIRE(a->RunBeat(100).ok());
  CHECK_FALSE(a->Transition("m1", MessageState::kDelivered, "a again", kT0).ok());

  const auto record = b->Get("m1");
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  CHECK((*record)->summary.state == MessageState::kSending);
  std::vector<std::string> lines;
  for (const auto& h : (*record)->history) lines.push_back(h.detail);
  CHECK(lines == std::vector<std::string>{"taken in", "queued by a", "sent by b"});

  // An operator's hand through either instance claims it first, and the holder is fenced.
  REQUIRE(a->Claim("m1").ok());
  CHECK(a->Transition("m1", MessageState::kDelivered, "a after its claim", kT0).ok());
  CHECK(b->Transition("m1", MessageState::kAcknowledged, "b", kT0).error().code ==
        "journal.fenced");
}

TEST_CASE(
    "Cluster: a writer stopped inside its transaction holds the write turn no longer than its "
    "lease and the others write on",
    "[postgres][cluster]") {
  PostgresDatabase database;
  auto b = Member(database, "b");
  // A writer's session as a clustered journal opens it, stopped after taking its turn to write
  // (a gateway paused by the system, or its host gone, between two statements).
  auto stopped = store::postgres::Connection::Open(database.url(), "");
  REQUIRE(stopped.ok());
  REQUIRE((*stopped)->Exec(store::postgres::ClusteredSession(300ms).c_str()).ok());
  REQUIRE((*stopped)->Exec(store::postgres::ClusteredBegin().c_str()).ok());

  // The other instance's write waits for the turn, which the server takes back from the idle
  // session: the write is committed.
  const auto written = b->Accept(Report("m1", "e1"));
  INFO((written.ok() ? "" : written.error().ToString()));
  REQUIRE(written.ok());
  CHECK_FALSE(written->duplicate);
  // The stopped writer's transaction is gone with its session: nothing of it can be committed.
  const Status late = (*stopped)->Exec("COMMIT");
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == "journal.unavailable");
}

TEST_CASE(
    "Cluster: one instance leads the cluster-wide jobs and keeps the readers' cursors until its "
    "lease runs out then another leads and the first learns it lost",
    "[postgres][cluster]") {
  PostgresDatabase database;
  auto a = Member(database, "a");
  auto b = Member(database, "b");
  const auto first = a->RunBeat(0);
  REQUIRE(first.ok());
  CHECK(first->leader);
  const auto second = b->RunBeat(0);
  REQUIRE(second.ok());
  CHECK_FALSE(second->leader);

  CHECK(a->SaveCursor("notify", 5).ok());
  auto refused = b->SaveCursor("notify", 9);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "journal.fenced");
  CHECK_THAT(refused.error().message, Catch::Contains("led by gateway a"));

  const auto took = BeatUntil(*b, [](const store::Beat& beat) { return beat.leader; });
  CHECK_FALSE(took.leadership_lost);
  CHECK(b->SaveCursor("notify", 9).ok());
  const auto back = a->RunBeat(0);
  REQUIRE(back.ok());
  CHECK(back->leadership_lost);
  CHECK_FALSE(back->leader);
  CHECK(a->SaveCursor("notify", 6).error().code == "journal.fenced");
  CHECK(b->Cursor("notify").value() == std::optional<uint64_t>(9));

  const auto members = a->Members();
  REQUIRE(members.ok());
  REQUIRE(members->size() == 2);
  CHECK((*members)[0].instance == "a");
  CHECK((*members)[0].self);
  CHECK_FALSE((*members)[0].leader);
  CHECK((*members)[1].leader);
}

TEST_CASE(
    "Cluster: an instance that leaves releases its work and the others take it at once without "
    "waiting for its lease",
    "[postgres][cluster]") {
  PostgresDatabase database;
  // Leases far longer than the test: only the leave can free the work in time.
  auto a = Member(database, "a", 600'000ms);
  auto b = Member(database, "b", 600'000ms);
  REQUIRE(a->RunBeat(10).ok());
  REQUIRE(b->RunBeat(10).ok());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(a->Accept(Report("m" + std::to_string(i), "e" + std::to_string(i))).ok());
  }
  CHECK(b->RunBeat(10)->claimed.empty());
  std::atomic<int> told{0};
  b->OnReleased([&told] { ++told; });
  REQUIRE(a->Leave().ok());
  const auto beat = b->RunBeat(10);
  REQUIRE(beat.ok());
  CHECK(beat->claimed.size() == 3);
  CHECK(beat->leader);
  // The release was announced to the other instances (LISTEN/NOTIFY).
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (told == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
  CHECK(told > 0);
}

TEST_CASE(
    "Cluster: the same document taken in by two instances at the same moment is one message and "
    "the feed read while three instances write misses no change",
    "[postgres][cluster]") {
  PostgresDatabase database;
  std::vector<std::unique_ptr<store::SqlJournal>> members;
  for (const char* name : {"a", "b", "c"}) members.push_back(Member(database, name));

  // Each EDocId sent to all three at once: one message each, every answer naming it.
  constexpr int kDocuments = 40;
  std::vector<std::vector<store::AcceptOutcome>> outcomes(members.size());
  {
    std::vector<std::thread> writers;
    for (size_t w = 0; w < members.size(); ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < kDocuments; ++i) {
          auto r = members[w]->Accept(
              Report("m" + std::to_string(w) + "-" + std::to_string(i), "e" + std::to_string(i)));
          if (r.ok()) outcomes[w].push_back(*r);
        }
      });
    }
    for (auto& t : writers) t.join();
  }
  size_t firsts = 0;
  for (int i = 0; i < kDocuments; ++i) {
    std::set<std::string> ids;
    for (size_t w = 0; w < members.size(); ++w) {
      REQUIRE(outcomes[w].size() == kDocuments);
      ids.insert(outcomes[w][static_cast<size_t>(i)].id);
      if (!outcomes[w][static_cast<size_t>(i)].duplicate) ++firsts;
    }
    CHECK(ids.size() == 1);
  }
  CHECK(firsts == kDocuments);

  // A reader follows the changes from its position while the three write: every change is seen
  // once, none is skipped because a later position was committed first.
  constexpr int kEach = 150;
  std::atomic<int> writing{static_cast<int>(members.size())};
  // What the journal answered each write: a refusal would leave the reader short for another
  // reason than the one this checks.
  std::atomic<int> committed{0};
  std::mutex refusals_mutex;
  std::vector<std::string> refusals;
  // The reader's starting point, taken before any writer starts: a commit that came first would
  // otherwise lie behind it.
  uint64_t position = members[0]->LastEventPosition().value();
  std::vector<std::thread> writers;
  for (size_t w = 0; w < members.size(); ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        members[w]->AcceptAsync(Report("f" + std::to_string(w) + "-" + std::to_string(i),
                                       "f" + std::to_string(w) + "-" + std::to_string(i)),
                                [&](Result<store::AcceptOutcome> r) {
                                  if (r.ok()) {
                                    ++committed;
                                    return;
                                  }
                                  std::lock_guard lock(refusals_mutex);
                                  refusals.push_back(r.error().ToString());
                                });
      }
      members[w]->WaitIdle();
      --writing;
    });
  }
  std::set<std::string> seen;
  size_t duplicates = 0;
  for (bool last = false; !last;) {
    last = writing == 0;  // one more read after every writer has finished
    store::EventFilter filter;
    filter.after = position;
    filter.limit = 1000;
    auto events = members[0]->Events(filter);
    REQUIRE(events.ok());
    for (const auto& e : *events) {
      if (!seen.insert(e.message.id).second) ++duplicates;
      position = e.position;
    }
    if (!events->empty()) last = false;
  }
  for (auto& t : writers) t.join();
  INFO((refusals.empty() ? std::string() : refusals.front()));
  CHECK(refusals.empty());
  CHECK(committed == static_cast<int>(members.size()) * kEach);
  CHECK(duplicates == 0);
  CHECK(seen.size() == members.size() * kEach);
}

}  // namespace eaeu::test
