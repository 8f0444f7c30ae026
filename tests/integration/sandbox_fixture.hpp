#pragma once
// The sandbox peer for the tests that run whole gateways against it: its settings on loopback,
// a gateway of a member state routed to it, and the sandbox with its event loop.
#include <utility>  // before Asio

#include "gateway/sandbox/sandbox.hpp"
#include "integration/gateway_fixture.hpp"
#include "integration/peer.hpp"

namespace eaeu::test {

inline sandbox::SandboxSettings SandboxOn() {
  sandbox::SandboxSettings s;
  s.listen = {"127.0.0.1", 0};
  s.openssl_config = OpenSslConfig();
  s.process_catalogue = SourceDir() / "config/process.toml";
  s.schema_catalog = SourceDir() / "schemas/catalog.toml";
  s.code_lists = {SourceDir() / "config/codelists"};
  s.reply_after = std::chrono::milliseconds(0);
  return s;
}

inline config::DaemonConfig GatewayOf(const GatewayFiles& files, const std::string& country,
                                      uint16_t sandbox_port) {
  auto c = files.Config();
  c.inbound.emplace();
  c.inbound->listen = {"127.0.0.1", 0};
  c.inbound->country = country;
  c.inbound->trust = files.keys.ca_certificate.parent_path();
  c.journal.file = files.dir / (country + "-journal.sqlite");
  route::RouteSettings route;
  route.to = "*";
  route.endpoint = "http://127.0.0.1:" + std::to_string(sandbox_port) + "/";
  c.routes.push_back(route);
  c.delivery.backoff_initial = std::chrono::milliseconds(10);
  c.delivery.backoff_max = std::chrono::milliseconds(40);
  return c;
}

// The configuration lines of a gateway process routed to the sandbox on `port`: [delivery] with
// `delivery`'s keys, every destination to the sandbox, and a plain-HTTP inbound endpoint on a free
// port for `country` that trusts `files`' CA.
inline std::string SandboxRouted(const GatewayFiles& files, uint16_t port,
                                 const std::string& country, const std::string& delivery) {
  return "[delivery]\n" + delivery +
         "[[route]]\nto = \"*\"\nendpoint = \"http://127.0.0.1:" + std::to_string(port) +
         "/\"\n[inbound]\nlisten = \"127.0.0.1:0\"\nplain_http = true\n" + "country = \"" +
         country + "\"\ntrust = \"" + files.keys.ca_certificate.parent_path().string() + "\"\n";
}

inline std::string InboundUrl(TestGateway& g) {
  return "http://127.0.0.1:" + std::to_string(g.daemon().inbound_port()) + "/";
}

// Asks `get` until `done`, moving the gateway's clock on a little between the asks.
inline Json Until(TestGateway& g, const HttpCall& get,
                  const std::function<bool(const Json&)>& done) {
  return WaitFor(get, done, &g.clock());
}

// Submits `count` example reports (EDocIds numbered from 0) as `token`'s caller and waits until
// each is acknowledged.
inline void SubmitAcknowledged(TestGateway& g, const std::string& token, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    Until(g,
          Submitted(
              g, token,
              WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(i))),
          [](const Json& j) { return j["state"] == "acknowledged"; });
  }
}

// A sandbox on loopback with its own event loop and clock; the loop stops before the sandbox goes
// (its HTTP client must not be destroyed under it).
class RunningSandbox {
 public:
  // `seed` starts its ids: a sandbox started again on the same state takes another.
  explicit RunningSandbox(sandbox::SandboxSettings settings = SandboxOn(), uint64_t seed = 1)
      : clock_(TestNow()), next_(seed) {
    auto started = sandbox::Sandbox::Start(loop_.io, std::move(settings), &clock_,
                                           [this] { return next_++ * 0x9E3779B97F4A7C15ull; });
    if (!started) throw std::runtime_error(started.error().ToString());
    sandbox_ = std::move(*started);
    loop_.Run();
  }
  ~RunningSandbox() {
    loop_.io.stop();
    if (loop_.thread.joinable()) loop_.thread.join();
  }
  sandbox::Sandbox* operator->() { return sandbox_.get(); }
  uint16_t port() const { return sandbox_->port(); }
  // What it took and sent (GET /sandbox/state), and the request that asks it.
  HttpCall StateCall() const {
    HttpCall call;
    call.url = "http://127.0.0.1:" + std::to_string(port()) + "/sandbox/state";
    return call;
  }
  Json State() const { return Http(StateCall()).json(); }

  // Asks the sandbox to misbehave on its next `count` envelopes ("refuse", "5xx", ...).
  void Misbehave(const std::string& what, int count = 1) {
    HttpCall call;
    call.method = "POST";
    call.url = "http://127.0.0.1:" + std::to_string(port()) + "/sandbox/misbehave";
    call.content_type = "application/json";
    call.body = Json{{"what", what}, {"count", count}}.dump();
    REQUIRE(Http(call).status == 200);
  }

 private:
  PeerLoop loop_;
  ManualClock clock_;
  uint64_t next_;
  std::unique_ptr<sandbox::Sandbox> sandbox_;
};

}  // namespace eaeu::test
