#pragma once
// A peer on 127.0.0.1 that plays the integrated system for delivery tests: the product's own
// HTTP server reading each envelope with the product's reader, counting documents by destination
// and EDocId (a duplicate is answered like the first), and answering with a DeliveryReceipt in
// the HTTP answer unless told to misbehave.
#include <utility>  // before Asio

#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/envelope/envelope.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/envelope/signals.hpp"
#include "gateway/transport/http_server.hpp"
#include "gateway/xml/parser.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "support.hpp"

namespace eaeu::test {

inline std::shared_ptr<const xml::GrammarPool> Pool() {
  static auto catalog = xml::LoadSchemaCatalog(SourceDir() / "schemas/catalog.toml");
  static auto pool = xml::GrammarPool::Load(*catalog);
  return *pool;
}

// An HTTP server of the product's on 127.0.0.1, port 0, answering with `handler`.
inline std::unique_ptr<transport::HttpServer> StartLoopbackServer(
    boost::asio::io_context& io,
    std::function<transport::HttpResponse(const transport::HttpRequest&)> handler) {
  transport::HttpServerSettings settings;
  settings.listen = {"127.0.0.1", 0};
  auto server = transport::HttpServer::Start(
      io, settings,
      [handler = std::move(handler)](transport::HttpRequest request, transport::Respond respond) {
        respond(handler(request));
      },
      [](unsigned status, std::string detail) {
        transport::HttpResponse r;
        r.status = status;
        r.body = detail;
        return r;
      });
  REQUIRE(server.ok());
  return std::move(*server);
}

// A webhook of the national system on 127.0.0.1: refuses the first `refusals` posts with 503, then
// takes them (204) and keeps what they were.
class WebhookSink {
 public:
  struct Post {
    std::string content_type;
    std::string authorization;
    std::string body;
  };
  WebhookSink(boost::asio::io_context& io, int refusals)
      : refusals_(refusals),
        server_(StartLoopbackServer(io, [this](const transport::HttpRequest& request) {
          std::lock_guard lock(mutex_);
          transport::HttpResponse r;
          if (refusals_-- > 0) {
            r.status = 503;
          } else {
            r.status = 204;
            posts_.push_back({request.content_type, request.authorization, request.body});
          }
          return r;
        })) {}
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/in"; }
  std::vector<Post> posts() {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  // Waits until it has taken `n` posts, moving `clock` on a little between the looks (so that the
  // poster's back-offs fall due); their bodies, as JSON.
  std::vector<nlohmann::json> WaitForEvents(size_t n, ManualClock& clock) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      const auto taken = posts();
      if (taken.size() >= n) {
        std::vector<nlohmann::json> events;
        for (const auto& p : taken) {
          CHECK(p.content_type == "application/json");
          events.push_back(nlohmann::json::parse(p.body));
        }
        return events;
      }
      if (std::chrono::steady_clock::now() > deadline) FAIL("the webhook has " << taken.size());
      clock.Advance(std::chrono::milliseconds(20));
      std::this_thread::yield();
    }
  }

 private:
  std::mutex mutex_;
  int refusals_;
  std::vector<Post> posts_;
  std::unique_ptr<transport::HttpServer> server_;  // last: it calls the handler
};

// What the peer does with the n-th envelope it is sent (1-based, counted over all destinations).
enum class Misbehave { kNone, kFail5xx, kNoReceipt };

// The integrated system on loopback: reads each envelope, counts documents by EDocId and
// destination, and answers with a DeliveryReceipt in the HTTP answer unless told otherwise.
class Peer {
 public:
  explicit Peer(boost::asio::io_context& io)
      : parser_(Pool(), xml::ParserLimits{}),
        server_(StartLoopbackServer(
            io, [this](const transport::HttpRequest& request) { return Handle(request); })) {}
  uint16_t port() const { return server_->port(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/"; }
  void Down(const std::string& to, bool down) {
    std::lock_guard lock(mutex_);
    down_[to] = down;
  }
  // Every answer closes its connection: each send comes on a connection of its own.
  void CloseConnections() {
    std::lock_guard lock(mutex_);
    close_ = true;
  }
  void Plan(size_t nth, Misbehave what) {
    std::lock_guard lock(mutex_);
    plan_[nth] = what;
  }
  // Documents taken (answered with a receipt), by destination and EDocId.
  std::map<std::string, std::map<std::string, int>> taken() {
    std::lock_guard lock(mutex_);
    return taken_;
  }
  size_t seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // Envelopes that carried a document the peer took (a duplicate included).
  size_t received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // The wsa:MessageID of each envelope, in the order they came.
  std::vector<envelope::Headers> headers() {
    std::lock_guard lock(mutex_);
    return headers_;
  }

 private:
  transport::HttpResponse Handle(const transport::HttpRequest& request) {
    std::lock_guard lock(mutex_);
    transport::HttpResponse r = Answer(request);
    r.close = close_;
    return r;
  }

  transport::HttpResponse Answer(const transport::HttpRequest& request) {
    transport::HttpResponse r;
    const auto read = envelope::Read(request.body, parser_);
    if (read.problem) {
      r.status = 400;
      r.body = read.problem->reason_en;
      return r;
    }
    const auto& h = read.message.headers;
    headers_.push_back(h);
    const size_t nth = ++seen_;
    const Misbehave what = plan_.contains(nth) ? plan_[nth] : Misbehave::kNone;
    if (down_[h.to] || what == Misbehave::kFail5xx) {
      r.status = 503;
      r.body = "unavailable";
      return r;
    }
    const std::string e_doc_id = [&] {
      const auto& x = read.message.body_xml;  // canonical: declarations on the element
      const auto start = x.find('>', x.find(":EDocId")) + 1;
      return x.substr(start, x.find('<', start) - start);
    }();
    // A receiver detects a duplicate by the document's EDocId and answers it as the first time.
    int& times = taken_[h.to][e_doc_id];
    if (times == 0) times = 1;
    ++received_;
    r.status = 200;
    r.content_type = "application/soap+xml";
    if (what == Misbehave::kNoReceipt) {
      r.body.clear();
      return r;
    }
    envelope::Signal receipt;
    receipt.kind = envelope::SignalKind::kDeliveryReceipt;
    receipt.signal_id = "9b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d";
    receipt.date_time = "2026-11-24T10:00:00Z";
    r.body = envelope::SignalEnvelope(h, receipt, "urn:uuid:5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f");
    return r;
  }

  std::mutex mutex_;
  xml::SecureParser parser_;
  std::map<std::string, bool> down_;
  std::map<size_t, Misbehave> plan_;
  std::map<std::string, std::map<std::string, int>> taken_;
  std::vector<envelope::Headers> headers_;
  size_t seen_ = 0;
  size_t received_ = 0;
  bool close_ = false;
  std::unique_ptr<transport::HttpServer> server_;  // last: it calls Handle
};

// Peers on an event loop of their own: add them, then Run; the loop stops before they go.
struct PeerLoop {
  boost::asio::io_context io;
  std::vector<std::unique_ptr<Peer>> peers;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{
      boost::asio::make_work_guard(io)};
  std::thread thread;

  Peer& Add() {
    peers.push_back(std::make_unique<Peer>(io));
    return *peers.back();
  }
  void Run() {
    thread = std::thread([this] { io.run(); });
  }
  ~PeerLoop() {
    io.stop();
    if (thread.joinable()) thread.join();
  }
};

}  // namespace eaeu::test
