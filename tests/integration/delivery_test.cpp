// Delivery against a real HTTP peer on 127.0.0.1 (the product's own Beast server playing the
// integrated system), with a real SQLite journal, libcurl multi on Asio and an injected clock:
// receipts and replies, timers that resend, transport failures that back off, dead letters and
// requeue, and a notice fanned out to every other member state with one of them down. A TCP relay
// in front of the peer resets the connections it is told to.
#include <atomic>
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/envelope/envelope.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/envelope/signals.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "gateway/transport/http_client.hpp"
#include "gateway/transport/http_server.hpp"
#include "gateway/xml/parser.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "integration/peer.hpp"
#include "integration/relay.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using store::MessageState;

const auto kStart = std::chrono::system_clock::time_point(std::chrono::seconds(1795514400));

// The engine and what it runs on.
// The engine's lane in these tests: its strand and the I/O context as the pool; no wake-ups —
// the tests move the clock and call Tick themselves.
class TestLane final : public Lane {
 public:
  TestLane(asio::strand<asio::io_context::executor_type>& strand, asio::io_context& io)
      : strand_(strand), io_(io) {}
  void Serial(Job job) override { asio::post(strand_, std::move(job)); }
  void Background(Job job) override { asio::post(io_, std::move(job)); }
  void WakeAt(std::chrono::system_clock::time_point, Job) override {}
  void After(std::chrono::steady_clock::duration, Job) override {}

 private:
  asio::strand<asio::io_context::executor_type>& strand_;
  asio::io_context& io_;
};

struct Harness {
  TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<store::Journal> journal;
  envelope::ProcessCatalogue catalogue;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{
      asio::make_work_guard(io)};
  asio::strand<asio::io_context::executor_type> strand{asio::make_strand(io)};
  std::unique_ptr<Peer> peer;
  std::unique_ptr<Relay> relay;  // between the engine and the peer, when asked for
  std::unique_ptr<transport::HttpClient> http;
  std::unique_ptr<xml::SecureParser> parser;
  route::DeliveryDependencies deps;
  route::DeliverySettings settings;
  std::vector<route::RouteSettings> routes;
  std::unique_ptr<route::DeliveryEngine> engine;
  std::thread thread;
  std::atomic<uint64_t> counter{1};  // the random source: read from several threads

  explicit Harness(route::DeliverySettings delivery_settings = {}, bool through_relay = false) {
    auto j = store::SqliteJournal::Open({dir / "journal.sqlite"});
    REQUIRE(j.ok());
    journal = std::move(*j);
    auto c = envelope::LoadProcessCatalogue(SourceDir() / "config/process.toml");
    REQUIRE(c.ok());
    catalogue = std::move(*c);
    peer = std::make_unique<Peer>(io);
    if (through_relay) {
      peer->CloseConnections();  // so that every send makes a connection the relay may reset
      relay = std::make_unique<Relay>(io, peer->port());
    }
    http = std::make_unique<transport::HttpClient>(io);
    parser = std::make_unique<xml::SecureParser>(Pool(), xml::ParserLimits{});
    deps.journal = journal.get();
    deps.catalogue = &catalogue;
    deps.clock = &clock;
    deps.random = [this] { return counter++ * 0x9E3779B97F4A7C15ull; };
    deps.http = http.get();
    deps.lane = std::make_shared<TestLane>(strand, io);
    deps.read_envelope = [this](std::string_view bytes) { return envelope::Read(bytes, *parser); };
    route::RouteSettings to_peer;
    to_peer.to = "*";
    to_peer.endpoint = relay ? relay->Url() : peer->Url();
    to_peer.timeout = 5s;
    routes = {to_peer};
    settings = delivery_settings;
    engine = std::make_unique<route::DeliveryEngine>(deps, settings, routes);
    thread = std::thread([this] { io.run(); });
  }
  // The gateway stops and starts again: a new engine and client take the journal up.
  void Restart() {
    io.stop();
    thread.join();
    // The old engine's journal callbacks have come; what they queued finds it gone.
    journal->WaitIdle();
    engine.reset();
    http.reset();
    io.restart();
    http = std::make_unique<transport::HttpClient>(io);
    deps.http = http.get();
    engine = std::make_unique<route::DeliveryEngine>(deps, settings, routes);
    thread = std::thread([this] { io.run(); });
    auto resumed = engine->Resume();
    REQUIRE(resumed.ok());
    CHECK(*resumed == 1);
  }
  ~Harness() {
    guard.reset();
    io.stop();
    thread.join();
    journal->WaitIdle();
    engine.reset();
    http.reset();
  }

  // A queued message of `kind` from `country`, handed off as the pipeline does it.
  std::string Queue(model::DocumentKind kind, const std::string& country,
                    const std::string& e_doc_id) {
    const std::string id = NewUuid([this] { return counter++ * 0x2545F4914F6CDD1Dull; });
    std::string xml = WithEDocId(ReadText(ExamplePath(kind)), e_doc_id);
    store::NewMessage m;
    m.id = id;
    m.sender_country = country;
    m.sender_participant = "P.MM.00.ACT.001";
    m.kind = std::string(model::KindName(kind));
    m.e_doc_id = e_doc_id;
    m.content_type = "application/xml";
    m.payload = xml;
    m.violations = "[]";
    m.at = clock.Now();
    REQUIRE(journal->Accept(m).ok());
    // The hand-off as the pipeline makes it: signed + queued + one delivery per destination.
    const envelope::Transaction* tr = catalogue.ForKind(m.kind);
    REQUIRE(tr != nullptr);
    store::Handoff handoff;
    handoff.message_id = id;
    handoff.document = {std::make_shared<const std::string>(xml), {}, 0, false};
    handoff.procedure_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    handoff.signature = "test signature";
    handoff.diagnostics.reply_to = catalogue.AddressOf(country, "P.MM.00.ACT.001");
    handoff.deliveries = intake::PlannedDeliveries(
        catalogue, *tr, id, country, [this] { return counter++ * 0x2545F4914F6CDD1Dull; });
    REQUIRE(journal->HandOff(std::move(handoff), clock.Now()).ok());
    // Delivery is handed the message as the journal keeps it.
    auto outbound = journal->Outbound(id);
    REQUIRE(outbound.ok());
    REQUIRE(outbound->has_value());
    engine->Enqueue(std::move(**outbound));
    return id;
  }

  MessageState StateOf(const std::string& id) {
    auto r = journal->Get(id);
    if (!r || !*r) FAIL("message " << id << " is not in the journal");
    return (*r)->summary.state;
  }
  // Waits until the message is in `state` (the engine works on its own thread).
  void WaitFor(const std::string& id, MessageState state) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (MessageState now = StateOf(id); now != state; now = StateOf(id)) {
      if (std::chrono::steady_clock::now() > deadline) {
        FAIL("message " << id << " is " << store::StateName(now) << ", not "
                        << store::StateName(state));
      }
      std::this_thread::yield();
    }
  }
  // Waits until every delivery of `id` is in `state`.
  void WaitForDeliveries(const std::string& id, MessageState state, size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (;;) {
      auto ds = journal->Deliveries(id);
      if (!ds) FAIL(ds.error().ToString());
      const auto n = std::count_if(ds->begin(), ds->end(),
                                   [state](const store::Delivery& d) { return d.state == state; });
      if (static_cast<size_t>(n) == count) return;
      if (std::chrono::steady_clock::now() > deadline) {
        for (const auto& d : *ds) {
          UNSCOPED_INFO(d.destination << " " << store::StateName(d.state) << " " << d.error);
        }
        FAIL(count << " deliveries were not " << store::StateName(state) << " in time");
      }
      std::this_thread::yield();
    }
  }
  // Waits until the peer has been sent `n` envelopes.
  void WaitForPeer(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (peer->seen() < n) {
      if (std::chrono::steady_clock::now() > deadline) FAIL("the peer saw " << peer->seen());
      std::this_thread::yield();
    }
  }
  // Moves the clock and lets the engine do what fell due.
  void Pass(std::chrono::system_clock::duration d) {
    clock.Advance(d);
    engine->Tick();
  }
  // The reply the Commission sends later for a request/response transaction (R.006).
  envelope::Received Reply(const std::string& relates_to, const std::string& code) {
    std::string xml = ReadText(ExamplePath(model::DocumentKind::kProcessingResult));
    const auto at = xml.find("<csdo:ProcessingResultV2Code>") + 29;
    xml.replace(at, 2, code);
    envelope::Headers h;
    h.to = "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001";
    h.reply_to = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
    h.message_id = "urn:uuid:" + NewUuid([this] { return counter++ * 0x9E3779B97F4A7C15ull; });
    h.relates_to = relates_to;
    h.action = "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MM.00.MSG.006";
    h.procedure_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    h.conversation_id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    // Read with a parser of the test's own: the engine's is busy on its thread.
    xml::SecureParser reader(Pool(), xml::ParserLimits{});
    auto read = envelope::Read(envelope::Build(h, xml), reader);
    REQUIRE(!read.problem);
    REQUIRE(read.message.result_code == code);
    return read.message;
  }
  std::string LastWireId(const std::string& id) {
    auto ds = journal->Deliveries(id);
    REQUIRE(ds.ok());
    REQUIRE(!ds->empty());
    return ds->front().wire_id;
  }
};

}  // namespace

TEST_CASE("Delivery: a report is received by the peer, then answered and acknowledged",
          "[delivery]") {
  Harness h;
  const auto changes = h.journal->stats().changes;
  const auto id = h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(1));
  h.WaitFor(id, MessageState::kDelivered);
  const auto headers = h.peer->headers();
  REQUIRE(headers.size() == 1);
  CHECK(headers[0].to == "EAEU://EEC/CP/P.MM.00/P.ACT.001");
  CHECK(headers[0].reply_to == "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001");
  CHECK(headers[0].procedure_id == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  h.engine->Answer(h.Reply(headers[0].message_id, "01"));
  h.WaitFor(id, MessageState::kAcknowledged);
  auto history = h.journal->DeliveryHistory(id);
  REQUIRE(history.ok());
  CHECK(history->back().detail == "answered: ProcessingResultDetails 01");
  // Its way out took five journal changes: taken in, handed off (signed + queued + planned),
  // sent, received, answered.
  h.journal->WaitIdle();
  CHECK(h.journal->stats().changes - changes == 5);
  const auto taken = h.peer->taken();
  for (const auto& [to, docs] : taken) {
    for (const auto& [doc, n] : docs) UNSCOPED_INFO(to << " " << doc << " " << n);
  }
  CHECK(taken.at("EAEU://EEC/CP/P.MM.00/P.ACT.001").at(NumberedEDocId(1)) == 1);

  // A negative processing result refuses the document.
  const auto refused = h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(2));
  h.WaitFor(refused, MessageState::kDelivered);
  h.engine->Answer(h.Reply(h.LastWireId(refused), "02"));
  h.WaitFor(refused, MessageState::kRejected);
}

TEST_CASE(
    "Delivery: a receipt that does not come is waited for, then the message is sent again "
    "with a new MessageID in the same conversation, until it is dead",
    "[delivery]") {
  Harness h;
  for (size_t n = 1; n <= 4; ++n) h.peer->Plan(n, Misbehave::kNoReceipt);
  const auto id = h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(3));
  h.WaitFor(id, MessageState::kSending);
  h.WaitForPeer(1);
  // The receive timer of TRN.001 is PT20M; just before it, nothing happens.
  h.Pass(19min);
  CHECK(h.peer->seen() == 1);
  for (size_t sends = 2; sends <= 4; ++sends) {
    h.Pass(2min);  // past the timer
    h.WaitForDeliveries(id, MessageState::kSending, 1);
    h.WaitForPeer(sends);
    h.Pass(18min);
  }
  const auto headers = h.peer->headers();
  REQUIRE(headers.size() == 4);
  std::set<std::string> ids;
  for (const auto& hd : headers) {
    ids.insert(hd.message_id);
    CHECK(hd.conversation_id == headers[0].conversation_id);
  }
  CHECK(ids.size() == 4);  // a new MessageID for every send
  // The fourth send (three retries) gets no receipt either: the delivery is dead.
  h.Pass(3min);
  h.WaitFor(id, MessageState::kDead);
  auto ds = h.journal->Deliveries(id);
  CHECK((*ds)[0].error == "no answer after 4 sends");

  // An operator requeues it; the peer answers now.
  std::promise<Status> requeued;
  h.engine->Requeue(id, "ops (operator)", [&requeued](Status st) { requeued.set_value(st); });
  REQUIRE(requeued.get_future().get().ok());
  h.WaitFor(id, MessageState::kDelivered);
  CHECK(h.peer->seen() == 5);
  // Who requeued it is in the message's history.
  const auto record = h.journal->Get(id);
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  const auto& history = (*record)->history;
  CHECK(std::any_of(history.begin(), history.end(), [](const store::StateChange& c) {
    return c.state == MessageState::kQueued && c.detail == "requeued by ops (operator)";
  }));
}

TEST_CASE(
    "Delivery: the peer's answer that comes after a delivery was given up settles it as "
    "acknowledged, and a negative one leaves it dead",
    "[delivery]") {
  Harness h;
  for (size_t n = 1; n <= 8; ++n) h.peer->Plan(n, Misbehave::kNoReceipt);
  const auto give_up = [&](const std::string& id, size_t seen_before) {
    h.WaitFor(id, MessageState::kSending);
    h.WaitForPeer(seen_before + 1);
    for (size_t sends = 2; sends <= 4; ++sends) {
      h.Pass(21min);
      h.WaitForDeliveries(id, MessageState::kSending, 1);
      h.WaitForPeer(seen_before + sends);
    }
    h.Pass(21min);
    h.WaitFor(id, MessageState::kDead);
  };
  const auto late = h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(40));
  give_up(late, 0);
  const auto first_send = h.peer->headers().front().message_id;
  const auto negative = h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(41));
  give_up(negative, 4);

  // A refusal of the second changes nothing: it stays dead.
  h.engine->Answer(h.Reply(h.peer->headers()[4].message_id, "02"));
  // The answer to the first one's first send, long after: the Commission had it.
  h.engine->Answer(h.Reply(first_send, "01"));
  h.WaitFor(late, MessageState::kAcknowledged);
  auto history = h.journal->DeliveryHistory(late);
  REQUIRE(history.ok());
  CHECK(history->back().state == MessageState::kAcknowledged);
  CHECK(history->back().detail == "answered after it was given up: ProcessingResultDetails 01");
  auto ds = h.journal->Deliveries(late);
  REQUIRE(ds.ok());
  CHECK((*ds)[0].error.empty());
  h.journal->WaitIdle();
  auto still = h.journal->Get(negative);
  REQUIRE(still.ok());
  CHECK((*still)->summary.state == MessageState::kDead);
}

TEST_CASE("Delivery: transport failures back off, and a notice fans out to every other state",
          "[delivery]") {
  route::DeliverySettings settings;
  settings.backoff_initial = 2s;
  settings.backoff_max = 1min;
  settings.transport_attempts = 5;
  Harness h(settings);
  const std::string kz = "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001";
  h.peer->Down(kz, true);
  const auto id = h.Queue(model::DocumentKind::kSuspensionNotice, "RU", NumberedEDocId(4));
  // TRN.003 is a notification: a receipt acknowledges it. Four states take it; KZ is down.
  h.WaitForDeliveries(id, MessageState::kAcknowledged, 3);
  h.WaitForDeliveries(id, MessageState::kRetrying, 1);
  CHECK(h.StateOf(id) == MessageState::kRetrying);
  auto ds = h.journal->Deliveries(id);
  REQUIRE(ds->size() == 4);  // AM, BY, KG, KZ: every member state but the sender's
  // The retry waits out its back-off (2 s, less up to a quarter), then fails again.
  h.Pass(1s);
  h.Pass(1s);
  h.WaitForDeliveries(id, MessageState::kRetrying, 1);
  // KZ comes back: the next retry gets through and the notice is acknowledged everywhere.
  h.peer->Down(kz, false);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (h.StateOf(id) != MessageState::kAcknowledged) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("the notice was not acknowledged");
    h.Pass(1s);
    std::this_thread::yield();
  }
  const auto taken = h.peer->taken();
  CHECK(taken.size() == 4);
  for (const auto& [to, docs] : taken) {
    INFO(to);
    CHECK(docs.at(NumberedEDocId(4)) == 1);  // exactly once each
  }
  CHECK(taken.count("EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001") == 0);
}

TEST_CASE(
    "Delivery: an operator cancels the delivery to a state that is down: it is dead with the "
    "reason, nothing more is sent, and the route's health shows the failures",
    "[delivery]") {
  route::DeliverySettings settings;
  settings.backoff_initial = 2s;
  settings.transport_attempts = 50;
  Harness h(settings);
  const std::string kz = "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001";
  h.peer->Down(kz, true);
  const auto id = h.Queue(model::DocumentKind::kSuspensionNotice, "RU", NumberedEDocId(5));
  h.WaitForDeliveries(id, MessageState::kAcknowledged, 3);
  h.WaitForDeliveries(id, MessageState::kRetrying, 1);

  auto cancel = [&](const std::string& to) {
    std::promise<Status> done;
    h.engine->Cancel(id, to, "ops (operator)", "KZ is closed for maintenance",
                     [&done](Status st) { done.set_value(st); });
    return done.get_future().get();
  };
  // A destination that is not open is refused by name.
  const Status acknowledged = cancel("EAEU://AM/CP/P.MM.00/P.MM.00.ACT.001");
  REQUIRE(!acknowledged.ok());
  CHECK(acknowledged.error().code == "delivery.not-open");
  const Status cancelled = cancel(kz);
  INFO((cancelled.ok() ? std::string() : cancelled.error().ToString()));
  REQUIRE(cancelled.ok());
  h.WaitFor(id, MessageState::kDead);
  const auto ds = h.journal->Deliveries(id);
  REQUIRE(ds.ok());
  for (const auto& d : *ds) {
    INFO(d.destination);
    CHECK(d.state == (d.destination == kz ? MessageState::kDead : MessageState::kAcknowledged));
    if (d.destination == kz) {
      CHECK(d.error == "cancelled by ops (operator): KZ is closed for maintenance");
    }
  }
  // Time passes: the back-off falls due many times over, and nothing is sent to KZ again.
  const auto seen = h.peer->seen();
  for (int i = 0; i < 5; ++i) h.Pass(1min);
  CHECK(h.peer->seen() == seen);

  std::promise<std::vector<route::DeliveryEngine::RouteHealth>> health;
  h.engine->Health([&health](auto all) { health.set_value(std::move(all)); });
  const auto routes = health.get_future().get();
  REQUIRE(routes.size() == h.routes.size());
  const auto& r = routes.front();
  CHECK(r.sends == 4);  // AM, BY and KG took theirs; KZ's one send failed (no time passed since)
  CHECK(r.failures == 1);
  CHECK(r.last_success.has_value());
  CHECK(r.last_failure.has_value());
  CHECK(!r.last_error.empty());
  CHECK(r.open == 0);
  CHECK(r.in_flight == 0);
}

TEST_CASE(
    "Delivery: the failure matrix: whatever connection or send fails, each report ends "
    "acknowledged exactly once at the peer, never lost, never two documents",
    "[delivery]") {
  enum class Failure { kConnect, k5xx, kNoReceipt };
  for (const Failure what : {Failure::kConnect, Failure::k5xx, Failure::kNoReceipt}) {
    for (size_t n = 1; n <= 5; ++n) {
      const char* name = what == Failure::kConnect ? "connection reset"
                         : what == Failure::k5xx   ? "5xx"
                                                   : "no receipt";
      DYNAMIC_SECTION(name << " on the " << n << "th") {
        Harness h({}, what == Failure::kConnect);
        if (what == Failure::kConnect) {
          h.relay->Drop(n);
        } else {
          h.peer->Plan(n, what == Failure::k5xx ? Misbehave::kFail5xx : Misbehave::kNoReceipt);
        }
        std::vector<std::string> ids;
        for (uint64_t i = 0; i < 5; ++i) {
          ids.push_back(
              h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(100 + i)));
        }
        // Drive the clock; the Commission answers every report that got through (R.006).
        std::set<std::string> answered;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        for (;;) {
          size_t final_count = 0;
          for (const auto& id : ids) {
            const auto state = h.StateOf(id);
            if (state == MessageState::kDelivered && answered.insert(id).second) {
              h.engine->Answer(h.Reply(h.LastWireId(id), "01"));
            }
            final_count += state == MessageState::kAcknowledged || state == MessageState::kDead;
          }
          if (final_count == ids.size()) break;
          if (std::chrono::steady_clock::now() > deadline) FAIL("messages did not settle");
          h.Pass(30s);
          std::this_thread::yield();
        }
        const auto taken = h.peer->taken().at("EAEU://EEC/CP/P.MM.00/P.ACT.001");
        for (uint64_t i = 0; i < 5; ++i) {
          CHECK(h.StateOf(ids[i]) == MessageState::kAcknowledged);
          CHECK(taken.at(NumberedEDocId(100 + i)) == 1);
        }
        CHECK(taken.size() == 5);
        if (what == Failure::kConnect) {
          // The reset connection never reached the peer; its send was made again.
          CHECK(h.relay->connections() == 6);
          CHECK(h.peer->seen() == 5);
        } else {
          // One send more than the documents: the one that failed was sent again.
          CHECK(h.peer->seen() == 6);
        }
      }
    }
  }
}

TEST_CASE("Delivery: a restart takes an awaited receipt up again with its timer from the journal",
          "[delivery]") {
  Harness h;
  h.peer->Plan(1, Misbehave::kNoReceipt);
  const auto id = h.Queue(model::DocumentKind::kInspectionReport, "RU", NumberedEDocId(7));
  h.WaitFor(id, MessageState::kSending);
  h.WaitForPeer(1);
  h.Restart();
  // The receive timer runs from the first send, not from the restart.
  h.Pass(19min);
  CHECK(h.peer->seen() == 1);
  h.Pass(2min);
  h.WaitFor(id, MessageState::kDelivered);
  CHECK(h.peer->seen() == 2);
  CHECK(h.peer->taken().at("EAEU://EEC/CP/P.MM.00/P.ACT.001").at(NumberedEDocId(7)) == 1);
  auto ds = h.journal->Deliveries(id);
  REQUIRE(ds.ok());
  CHECK((*ds)[0].sends == 2);
}

}  // namespace eaeu::test
