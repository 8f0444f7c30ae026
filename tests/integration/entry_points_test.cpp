// No exception ends the daemon, and no request is left without an answer: an HTTP handler that
// throws, one whose answer is dropped by a worker job that failed, and a journal callback that
// throws are each logged and answered (500 for a request), and the next request, job or change is
// served. Lanes and workers: lane_test.cpp. Real sockets on 127.0.0.1, a real SQLite file.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <stdexcept>

#include "gateway/store/sqlite/journal.hpp"
#include "gateway/transport/asio_lane.hpp"
#include "gateway/transport/http_server.hpp"
#include "integration/gateway_fixture.hpp"
#include "integration/peer.hpp"

namespace eaeu::test {

TEST_CASE("Entry points: an HTTP handler that throws or drops its answer is answered 500",
          "[entry-points]") {
  PeerLoop loop;
  boost::asio::thread_pool workers(1);
  transport::HttpServerSettings settings;
  settings.listen = {"127.0.0.1", 0};
  auto server = transport::HttpServer::Start(
      loop.io, settings,
      [&workers](transport::HttpRequest request, transport::Respond respond) {
        if (request.target == "/throw") throw std::runtime_error("a bug in a handler");
        if (request.target == "/drop") {
          // A worker job that fails holds the only copy of `respond`.
          boost::asio::post(workers, [respond] {
            transport::RunGuarded("worker", [] { throw std::logic_error("a bug in a job"); });
          });
          return;
        }
        transport::HttpResponse r;
        r.body = request.target == "/twice" ? "first" : "served";
        respond(r);
        if (request.target == "/twice") {
          r.body = "second";
          respond(r);  // ignored
        }
      },
      [](unsigned status, std::string detail) {
        transport::HttpResponse r;
        r.status = status;
        r.body = detail;
        return r;
      });
  REQUIRE(server.ok());
  loop.Run();
  auto get = [&](const std::string& path) {
    HttpCall call;
    call.url = "http://127.0.0.1:" + std::to_string((*server)->port()) + path;
    return Http(call);
  };
  for (int round = 0; round < 3; ++round) {
    const auto thrown = get("/throw");
    CHECK(thrown.status == 500);
    CHECK(thrown.body.find("serves on") != std::string::npos);
    CHECK(get("/drop").status == 500);
    const auto twice = get("/twice");
    CHECK(twice.status == 200);
    CHECK(twice.body == "first");
    const auto next = get("/next");
    CHECK(next.status == 200);
    CHECK(next.body == "served");
  }
  (*server)->Stop();
  workers.join();
}

TEST_CASE("Entry points: a journal callback that throws is dropped, and the journal goes on",
          "[entry-points]") {
  TempDir dir;
  store::SqliteJournalOptions options;
  options.file = dir / "journal.sqlite";
  auto journal = store::SqliteJournal::Open(options);
  REQUIRE(journal.ok());
  auto message = [](const std::string& id) {
    store::NewMessage m;
    m.id = id;
    m.sender_country = "RU";
    m.sender_participant = "P.MM.00.ACT.001";
    m.kind = "inspection-report";
    m.e_doc_id = id;
    m.payload = "<x/>";
    m.at = TestNow();
    return m;
  };
  (*journal)->AcceptAsync(
      message("11111111-1111-4111-8111-111111111111"),
      [](Result<store::AcceptOutcome>) { throw std::runtime_error("a bug in a callback"); });
  const auto next = (*journal)->Accept(message("22222222-2222-4222-8222-222222222222"));
  REQUIRE(next.ok());
  CHECK(!next->duplicate);
  auto first = (*journal)->Get("11111111-1111-4111-8111-111111111111");
  REQUIRE(first.ok());
  CHECK(first->has_value());
}

}  // namespace eaeu::test
