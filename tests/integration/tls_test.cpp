// TLS as the gateway speaks it, against real servers on 127.0.0.1: TLS 1.2 and 1.3 only, the
// cipher lists, revocation by CRL on both ends, a trust store or CRL replaced while the gateway
// runs, and a peer whose certificate expired and was renewed (end to end, through delivery).
// Certificates are checked against the real clock, so the keys here are dated by it.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <ctime>

#include "gateway/sign/keys.hpp"
#include "integration/gateway_fixture.hpp"
#include "integration/sandbox_fixture.hpp"
#include "integration/transport_fixture.hpp"

namespace eaeu::test {
namespace {

using transport::HttpClient;

// A CA and a TLS certificate it issued (RSA), valid from `from` (real time) for `days`; the
// server's names 127.0.0.1.
sign::DevelopmentKeys TlsKeys(const std::filesystem::path& dir, bool server,
                              std::time_t from = std::time(nullptr) - 3600, int days = 30) {
  sign::DevelopmentKeyOptions o;
  o.algorithm = sign::Algorithm::kRsaSha256;
  o.signer_key_usage = "digitalSignature,keyEncipherment";
  o.now = from;
  o.signer_days = days;
  if (server) o.subject_alt_names = "IP:127.0.0.1";
  auto keys = sign::GenerateDevelopmentKeys(o, dir);
  REQUIRE(keys.ok());
  return *keys;
}

// Writes the CA's CRL to `out`, revoking `revoked` (none: an empty CRL), dated by the real clock.
void WriteCrl(const sign::DevelopmentKeys& ca, const std::vector<std::filesystem::path>& revoked,
              const std::filesystem::path& out) {
  sign::DevelopmentCrlOptions o;
  o.this_update = std::time(nullptr) - 60;
  REQUIRE(sign::WriteDevelopmentCrl(ca, sign::Algorithm::kRsaSha256, revoked, o, out).ok());
}

transport::HttpServerSettings TlsServer(const sign::DevelopmentKeys& keys) {
  auto s = Plain();
  transport::TlsSettings tls;
  tls.certificate = keys.signer_certificate;
  tls.key = keys.signer_key;
  s.tls = tls;
  return s;
}

// One POST over its own connection with the TLS versions and TLS 1.2 ciphers given.
HttpReply Offer(uint16_t port, const sign::DevelopmentKeys& server, long versions,
                const std::string& ciphers = "") {
  HttpCall call;
  call.method = "POST";
  call.url = "https://127.0.0.1:" + std::to_string(port) + "/soap";
  call.body = "abc";
  call.cacert = server.ca_certificate.string();
  call.tls_versions = versions;
  call.tls12_ciphers = ciphers;
  return Http(call);
}

// Posts `r` and waits for its result.
PostResult PostOnce(HttpClient& client, const PostRequest& r) {
  Results results;
  client.Post(r, results.Callback());
  return results.Wait(1).front();
}

// libcurl's minimum and maximum TLS versions, or-ed as CURLOPT_SSLVERSION takes them.
constexpr long Versions(long min, long max) {
  return min | max;
}
constexpr long kTls12Only = Versions(CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2);

}  // namespace

TEST_CASE("TLS: 1.2 and 1.3 only, and of TLS 1.2 only forward-secret AEAD ciphers by default",
          "[transport][tls]") {
  TempDir dir;
  const auto keys = TlsKeys(dir / "server", true);
  Loop loop;
  auto server = EchoServer(loop.io, TlsServer(keys));
  const uint16_t port = server->port();

  CHECK(Offer(port, keys, CURL_SSLVERSION_TLSv1_3).status == 200);
  CHECK(Offer(port, keys, kTls12Only, "ECDHE-RSA-AES128-GCM-SHA256").status == 200);
  CHECK(Offer(port, keys, kTls12Only, "ECDHE-RSA-CHACHA20-POLY1305").status == 200);
  // Without forward secrecy, or CBC with SHA-1: refused.
  CHECK(Offer(port, keys, kTls12Only, "AES128-GCM-SHA256").status == -1);
  CHECK(Offer(port, keys, kTls12Only, "ECDHE-RSA-AES128-SHA").status == -1);
  // TLS 1.1, offered by a client willing to: refused.
  CHECK(Offer(port, keys, Versions(CURL_SSLVERSION_TLSv1_1, CURL_SSLVERSION_MAX_TLSv1_1),
              "DEFAULT:@SECLEVEL=0")
            .status == -1);
  loop.Stop();
}

TEST_CASE("TLS: a listener's cipher list is its own, and one OpenSSL does not know is refused",
          "[transport][tls]") {
  TempDir dir;
  const auto keys = TlsKeys(dir / "server", true);
  Loop loop;
  auto settings = TlsServer(keys);
  settings.tls->ciphers.tls12 = "ECDHE-RSA-AES256-GCM-SHA384";
  auto server = EchoServer(loop.io, settings);
  CHECK(Offer(server->port(), keys, kTls12Only, "ECDHE-RSA-AES256-GCM-SHA384").status == 200);
  CHECK(Offer(server->port(), keys, kTls12Only, "ECDHE-RSA-AES128-GCM-SHA256").status == -1);

  auto unknown = TlsServer(keys);
  unknown.tls->ciphers.tls12 = "NO-SUCH-CIPHER";
  auto refused = transport::HttpServer::Start(
      loop.io, unknown, [](transport::HttpRequest, transport::Respond) {}, NoErrors());
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().ToString(), Catch::Contains("NO-SUCH-CIPHER"));
  loop.Stop();
}

TEST_CASE("TLS: a client certificate its CA revoked is refused once the CRL is reloaded",
          "[transport][tls]") {
  TempDir dir;
  const auto server_keys = TlsKeys(dir / "server", true);
  const auto client_keys = TlsKeys(dir / "client", false);
  const auto crl = dir / "clients.crl";
  WriteCrl(client_keys, {}, crl);

  Loop loop;
  auto settings = TlsServer(server_keys);
  settings.tls->client_ca = client_keys.ca_certificate;
  settings.tls->client_crl = crl;
  settings.tls->require_client_certificate = true;
  auto server = EchoServer(loop.io, settings);
  HttpCall call;
  call.method = "POST";
  call.url = "https://127.0.0.1:" + std::to_string(server->port()) + "/soap";
  call.body = "abc";
  call.cacert = server_keys.ca_certificate.string();
  call.certificate = client_keys.signer_certificate.string();
  call.key = client_keys.signer_key.string();
  CHECK(Http(call).status == 200);

  // The CA revokes the client's certificate; the server reads its CRL again (SIGHUP).
  WriteCrl(client_keys, {client_keys.signer_certificate}, crl);
  REQUIRE(server->ReloadTls().ok());
  CHECK(Http(call).status == -1);
  loop.Stop();
}

TEST_CASE(
    "TLS: the client checks a peer's certificate against its CRL and reads a replaced CRL or "
    "trust store for its next connection without a restart",
    "[transport][tls]") {
  TempDir dir;
  const auto first = TlsKeys(dir / "first", true);
  const auto second = TlsKeys(dir / "second", true);  // another CA
  const auto crl = dir / "peer.crl";
  const auto bundle = dir / "peer-ca.pem";
  std::filesystem::copy_file(first.ca_certificate, bundle);
  WriteCrl(first, {first.signer_certificate}, crl);

  Loop loop;
  auto settings = TlsServer(first);
  auto server = EchoServer(loop.io, settings, /*close=*/true);
  HttpClient client(loop.io);
  PostRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(server->port()) + "/soap";
  r.content_type = "application/soap+xml";
  r.body = "abc";
  r.tls.ca_bundle = bundle;
  r.tls.crl = crl;

  auto revoked = PostOnce(client, r);
  CHECK_FALSE(revoked.reached);
  CHECK_THAT(revoked.error, Catch::Contains("revoked"));
  WriteCrl(first, {}, crl);  // a CRL that no longer lists it
  CHECK(PostOnce(client, r).status == 200);

  // The peer moves to a certificate of another CA: refused until the bundle names that CA.
  WriteText(settings.tls->certificate, ReadText(second.signer_certificate));
  WriteText(settings.tls->key, ReadText(second.signer_key));
  REQUIRE(server->ReloadTls().ok());
  r.tls.crl.clear();
  auto unknown = PostOnce(client, r);
  CHECK_FALSE(unknown.reached);
  CHECK_THAT(unknown.error, Catch::Contains("issuer"));
  WriteText(bundle, ReadText(second.ca_certificate));
  CHECK(PostOnce(client, r).status == 200);
  loop.Stop();
}

TEST_CASE(
    "TLS: a peer whose certificate expired gets nothing and the delivery says why until the "
    "certificate is renewed and the peer takes the message once",
    "[transport][tls][delivery][sandbox]") {
  GatewayFiles files;
  const std::time_t now = std::time(nullptr);
  const auto expired = TlsKeys(files.dir / "expired", true, now - 40 * 86'400, 30);
  const auto renewed = TlsKeys(files.dir / "renewed", true, now - 3600, 30);
  // The pinned bundle trusts the issuers of both (development keys come with a CA each).
  const auto ca = files.dir / "sandbox-ca.pem";
  WriteText(ca, ReadText(expired.ca_certificate) + ReadText(renewed.ca_certificate));

  auto sandbox_settings = SandboxOn();
  transport::TlsSettings tls;
  tls.certificate = files.dir / "sandbox.pem";
  tls.key = files.dir / "sandbox.key";
  WriteText(tls.certificate, ReadText(expired.signer_certificate));
  WriteText(tls.key, ReadText(expired.signer_key));
  sandbox_settings.tls = tls;
  RunningSandbox sandbox(sandbox_settings);

  auto config = GatewayOf(files, "RU", sandbox->port());
  config.routes[0].endpoint = "https://127.0.0.1:" + std::to_string(sandbox->port()) + "/";
  config.routes[0].ca_bundle = ca;
  config.delivery.transport_attempts = 100'000;  // the test moves the clock on as it asks
  TestGateway ru(config);
  sandbox->Join({"RU", InboundUrl(ru)});

  const auto report =
      Submitted(ru, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
  const Json failing = Until(ru, report, [](const Json& j) {
    return j["state"] == "retrying" && j["deliveries"][0].contains("error");
  });
  CHECK_THAT(failing["deliveries"][0]["error"].get<std::string>(), Catch::Contains("expired"));

  WriteText(tls.certificate, ReadText(renewed.signer_certificate));
  WriteText(tls.key, ReadText(renewed.signer_key));
  REQUIRE(sandbox->ReloadTls().ok());
  Until(ru, report, [](const Json& j) { return j["state"] == "acknowledged"; });

  HttpCall state = sandbox.StateCall();
  state.url.replace(0, 4, "https");
  state.cacert = ca.string();
  const Json taken = Http(state).json()["taken"];
  INFO(taken.dump(2));
  CHECK(taken.size() == 1);
}

}  // namespace eaeu::test
