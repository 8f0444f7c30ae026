// The outbound HTTP client (libcurl multi on Asio) against real servers on 127.0.0.1, port 0:
// answers, many requests at once on one thread, a refused connection, a peer that never answers,
// and TLS with a pinned CA and a client certificate.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <boost/asio/ip/tcp.hpp>
#include <set>
#include <thread>

#include "gateway/sign/keys.hpp"
#include "integration/gateway_fixture.hpp"
#include "integration/transport_fixture.hpp"

namespace eaeu::test {

using transport::HttpClient;

TEST_CASE("HTTP client: answers, and many requests on one thread", "[transport]") {
  Loop loop;
  auto server = EchoServer(loop.io, Plain());
  auto client = std::make_unique<HttpClient>(loop.io);
  const std::string base = "http://127.0.0.1:" + std::to_string(server->port());

  Results results;
  constexpr size_t kRequests = 200;
  for (size_t i = 0; i < kRequests; ++i) {
    PostRequest r;
    r.url = base + (i % 10 == 0 ? "/fail" : "/soap");
    r.content_type = "application/soap+xml; charset=utf-8";
    r.body = "message-" + std::to_string(i);
    client->Post(std::move(r), results.Callback());
  }
  const auto got = results.Wait(kRequests);
  size_t ok = 0, failed = 0;
  std::set<std::string> bodies;
  for (const auto& r : got) {
    CHECK(r.error.empty());
    CHECK(r.reached);
    CHECK(r.content_type == "application/soap+xml");
    if (r.status == 200) ++ok;
    if (r.status == 503) ++failed;
    bodies.insert(r.body);
  }
  CHECK(ok == kRequests - kRequests / 10);
  CHECK(failed == kRequests / 10);
  CHECK(bodies.size() == kRequests);  // each answer went to its own request
  CHECK(bodies.contains("7-egassem"));
  CHECK(client->in_flight() == 0);
  loop.Stop();
}

TEST_CASE("HTTP client: a refused connection and a peer that never answers", "[transport]") {
  Loop loop;
  auto client = std::make_unique<HttpClient>(loop.io);
  // A port that was just free: nothing listens there.
  uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor a(loop.io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  // A listener that accepts (the kernel completes the handshake) but never reads or answers.
  asio::ip::tcp::acceptor silent(loop.io, {asio::ip::make_address("127.0.0.1"), 0});

  Results results;
  PostRequest refused;
  refused.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/soap";
  refused.content_type = "application/soap+xml";
  refused.body = "x";
  client->Post(refused, results.Callback());
  auto first = results.Wait(1);
  CHECK_FALSE(first[0].answered());
  CHECK_FALSE(first[0].reached);
  CHECK_FALSE(first[0].timed_out);
  CHECK_THAT(first[0].error, Catch::Contains("onnect"));

  PostRequest stalled = refused;
  stalled.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/soap";
  stalled.total_timeout = std::chrono::milliseconds(300);
  client->Post(stalled, results.Callback());
  auto second = results.Wait(2);
  CHECK_FALSE(second[1].answered());
  CHECK(second[1].reached);
  CHECK(second[1].timed_out);
  loop.Stop();
}

TEST_CASE("HTTP client: TLS with a pinned CA and a client certificate", "[transport]") {
  GatewayFiles files;
  sign::DevelopmentKeyOptions tls_options;
  tls_options.algorithm = sign::Algorithm::kRsaSha256;
  tls_options.signer_key_usage = "digitalSignature,keyEncipherment";
  tls_options.now = std::time(nullptr) - 3600;  // TLS checks against the real clock
  auto client_options = tls_options;
  tls_options.subject_alt_names = "IP:127.0.0.1";  // the client checks the server's name
  auto server_keys = sign::GenerateDevelopmentKeys(tls_options, files.dir / "tls-server");
  REQUIRE(server_keys.ok());
  auto client_keys = sign::GenerateDevelopmentKeys(client_options, files.dir / "tls-client");
  REQUIRE(client_keys.ok());

  Loop loop;
  auto settings = Plain();
  transport::TlsSettings tls;
  tls.certificate = server_keys->signer_certificate;
  tls.key = server_keys->signer_key;
  tls.client_ca = client_keys->ca_certificate;
  tls.require_client_certificate = true;
  settings.tls = tls;
  auto server = EchoServer(loop.io, settings);
  auto client = std::make_unique<HttpClient>(loop.io);

  PostRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(server->port()) + "/soap";
  r.content_type = "application/soap+xml";
  r.body = "abc";
  r.tls.ca_bundle = server_keys->ca_certificate;
  r.tls.certificate = client_keys->signer_certificate;
  r.tls.key = client_keys->signer_key;
  Results results;
  client->Post(r, results.Callback());
  // Without the client certificate the server refuses the handshake.
  PostRequest anonymous = r;
  anonymous.tls.certificate.clear();
  anonymous.tls.key.clear();
  client->Post(anonymous, results.Callback());
  // A CA that did not issue the server's certificate is not trusted.
  PostRequest wrong_ca = r;
  wrong_ca.tls.ca_bundle = client_keys->ca_certificate;
  client->Post(wrong_ca, results.Callback());

  auto got = results.Wait(3);
  size_t answered = 0;
  for (const auto& g : got) {
    INFO(g.error);
    if (g.answered()) {
      ++answered;
      CHECK(g.status == 200);
      CHECK(g.body == "cba");
    } else {
      CHECK_FALSE(g.error.empty());
    }
  }
  CHECK(answered == 1);
  loop.Stop();
}

}  // namespace eaeu::test
