#pragma once
// A loop, servers and a result collector for the tests of the HTTP transport (client and server)
// on 127.0.0.1, port 0.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gateway/transport/http_client.hpp"
#include "gateway/transport/http_server.hpp"

namespace eaeu::test {

namespace asio = boost::asio;
using transport::PostRequest;
using transport::PostResult;

// An io_context run by one thread for the duration of a test; the client and servers built on
// it are destroyed after it stopped.
struct Loop {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{
      asio::make_work_guard(io)};
  std::thread thread{[this] { io.run(); }};
  void Stop() {
    guard.reset();
    io.stop();
    if (thread.joinable()) thread.join();
  }
  ~Loop() { Stop(); }
};

// Collects results until `n` have come.
struct Results {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<PostResult> got;
  transport::PostCallback Callback() {
    return [this](PostResult r) {
      std::lock_guard lock(mutex);
      got.push_back(std::move(r));
      cv.notify_all();
    };
  }
  std::vector<PostResult> Wait(size_t n) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return got.size() >= n; });
    return got;
  }
};

inline transport::HttpServerSettings Plain() {
  transport::HttpServerSettings s;
  s.listen = {"127.0.0.1", 0};
  return s;
}

inline transport::ErrorResponder NoErrors() {
  return [](unsigned status, std::string detail) {
    transport::HttpResponse r;
    r.status = status;
    r.body = detail;
    return r;
  };
}

// A server that answers every POST with its body reversed, 200, or 503 for "/fail"; with
// `close`, each answer ends its connection (the next request makes a new one).
inline std::unique_ptr<transport::HttpServer> EchoServer(
    asio::io_context& io, const transport::HttpServerSettings& settings, bool close = false) {
  auto server = transport::HttpServer::Start(
      io, settings,
      [close](transport::HttpRequest request, transport::Respond respond) {
        transport::HttpResponse r;
        r.close = close;
        r.status = request.target == "/fail" ? 503 : 200;
        r.content_type = "application/soap+xml";
        r.body = std::string(request.body.rbegin(), request.body.rend());
        respond(std::move(r));
      },
      NoErrors());
  REQUIRE(server.ok());
  return std::move(*server);
}

}  // namespace eaeu::test
