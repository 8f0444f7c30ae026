#pragma once
// A gateway for the tests: development keys, a tokens file with a Russian and a Kazakh caller,
// a journal in a temporary folder, the API on 127.0.0.1 port 0; and a libcurl client.

#include <curl/curl.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "gateway/api/callers.hpp"
#include "gateway/app/daemon.hpp"
#include "gateway/config/daemon_config.hpp"
#include "gateway/sign/keys.hpp"
#include "support.hpp"

namespace eaeu::test {

using Json = nlohmann::json;

inline std::chrono::system_clock::time_point TestNow() {
  return FromUtc(*DateTime::Parse("2026-11-24T10:00:00"));
}

struct HttpReply {
  long status = 0;
  std::string body;
  std::string headers;
  Json json() const { return Json::parse(body, nullptr, false); }
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::optional<std::string> body;
  std::string content_type = "application/xml";
  std::string token;
  std::string cacert;
  std::string certificate;
  std::string key;
  long tls_versions = 0;      // CURLOPT_SSLVERSION (a minimum | a maximum); 0: libcurl's default
  std::string tls12_ciphers;  // CURLOPT_SSL_CIPHER_LIST; empty: libcurl's default
};

inline size_t CollectInto(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

inline HttpReply Http(const HttpCall& call) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)global;
  HttpReply reply;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  CURL* c = curl.get();
  curl_slist* headers = nullptr;
  const std::string auth = "Authorization: Bearer " + call.token;
  const std::string type = "Content-Type: " + call.content_type;
  if (!call.token.empty()) headers = curl_slist_append(headers, auth.c_str());
  if (call.body) headers = curl_slist_append(headers, type.c_str());
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectInto);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, CollectInto);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60'000L);
  if (call.body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body->size()));
  }
  if (!call.cacert.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, call.cacert.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);  // the test certificates name no host
  }
  if (!call.certificate.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, call.certificate.c_str());
  if (!call.key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, call.key.c_str());
  if (call.tls_versions != 0) curl_easy_setopt(c, CURLOPT_SSLVERSION, call.tls_versions);
  if (!call.tls12_ciphers.empty()) {
    curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, call.tls12_ciphers.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    reply.status = -1;
    reply.body = curl_easy_strerror(rc);
    return reply;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

// Development keys for TLS (RSA, valid by the real clock, which TLS checks against): a CA of
// their own and a certificate it issued, with the SHA-256 of that certificate's DER (hex).
struct TlsParty {
  sign::DevelopmentKeys keys;
  std::string sha256;
};

inline TlsParty MakeTlsParty(const std::filesystem::path& dir) {
  sign::DevelopmentKeyOptions options;
  options.algorithm = sign::Algorithm::kRsaSha256;
  options.signer_key_usage = "digitalSignature,keyEncipherment";
  options.now = std::time(nullptr) - 3600;
  auto keys = sign::GenerateDevelopmentKeys(options, dir);
  if (!keys) throw std::runtime_error(keys.error().ToString());
  const auto der = dir / "certificate.der";
  const auto command = Openssl("x509 -in '" + keys->signer_certificate.string() +
                               "' -outform DER -out '" + der.string() + "'");
  if (RunCommand(command, dir).exit_code != 0) throw std::runtime_error("openssl x509 failed");
  return {*keys, api::Sha256Hex(ReadText(der))};
}

// The files a gateway needs, in a temporary folder.
struct GatewayFiles {
  TempDir dir;
  sign::DevelopmentKeys keys;
  std::string ru_token;
  std::string kz_token;
  std::string operator_token;  // the gateway's people: see every state
  std::string auditor_token;

  // The keys are valid from `valid_from` (a day before the tests' day, unless a test runs its
  // clock elsewhere).
  explicit GatewayFiles(std::chrono::system_clock::time_point valid_from = TestNow() -
                                                                           std::chrono::days(1)) {
    if (auto st = sign::InitialiseCrypto(OpenSslConfig()); !st) {
      throw std::runtime_error(st.error().ToString());
    }
    sign::DevelopmentKeyOptions options;
    options.algorithm = sign::Algorithm::kEcdsaP256Sha256;
    options.now = std::chrono::system_clock::to_time_t(valid_from);
    auto generated = sign::GenerateDevelopmentKeys(options, dir / "keys");
    if (!generated) throw std::runtime_error(generated.error().ToString());
    keys = *generated;
    const auto ru = api::MakeToken({"ru-job", "RU", "P.MM.00.ACT.001"});
    const auto kz = api::MakeToken({"kz-job", "KZ", "P.MM.00.ACT.001"});
    const auto ops = api::MakeToken({"ops", "", "", api::Role::kOperator});
    const auto audit = api::MakeToken({"audit", "", "", api::Role::kAuditor});
    ru_token = ru.token;
    kz_token = kz.token;
    operator_token = ops.token;
    auditor_token = audit.token;
    WriteText(dir / "tokens", "# test callers\n" + ru.line + "\n" + kz.line + "\n" + ops.line +
                                  "\n" + audit.line + "\n");
  }

  config::DaemonConfig Config() const {
    config::DaemonConfig c;
    c.file = dir / "gateway.toml";
    c.io_threads = 1;
    c.worker_threads = 2;
    c.shutdown_grace = std::chrono::milliseconds(5'000);
    c.openssl_config = OpenSslConfig();
    c.process_catalogue = SourceDir() / "config/process.toml";
    c.api.listen = {"127.0.0.1", 0};
    c.api.tokens = dir / "tokens";
    c.api.request_timeout = std::chrono::milliseconds(2'000);
    c.api.idle_timeout = std::chrono::milliseconds(2'000);
    c.journal.file = dir / "journal.sqlite";
    c.signing.key = keys.signer_key;
    c.signing.certificate = keys.signer_certificate;
    c.validation.schema_catalog = SourceDir() / "schemas/catalog.toml";
    c.validation.code_lists = {SourceDir() / "config/codelists"};
    return c;
  }
};

// The configuration file of `c` (the parts the tests set), with `api_extra` lines in [api] and
// `tail` at the end (routes, say).
inline std::string TomlOf(const config::DaemonConfig& c, const std::string& api_extra = "",
                          const std::string& tail = "") {
  return "[daemon]\nworker_threads = " + std::to_string(c.worker_threads) +
         "\nopenssl_config = \"" + c.openssl_config.string() + "\"\nprocess_catalogue = \"" +
         c.process_catalogue.string() +
         "\"\n[api]\nlisten = \"127.0.0.1:0\"\nplain_http = true\ntokens = \"" +
         c.api.tokens.string() + "\"\n" + api_extra + "[journal]\nfile = \"" +
         c.journal.file.string() + "\"\n[signing]\nkey = \"" + c.signing.key.string() +
         "\"\ncertificate = \"" + c.signing.certificate.string() +
         "\"\n[validation]\nschema_catalog = \"" + c.validation.schema_catalog.string() +
         "\"\ncode_lists = [\"" + c.validation.code_lists[0].string() + "\"]\n" + tail;
}

// A running gateway in this process, on an injected clock.
class TestGateway {
 public:
  explicit TestGateway(const config::DaemonConfig& config,
                       std::chrono::system_clock::time_point now = TestNow())
      : clock_(now) {
    app::DaemonHooks hooks;
    hooks.clock = &clock_;
    auto daemon = app::Daemon::Create(config, hooks);
    if (!daemon) throw std::runtime_error(daemon.error().ToString());
    daemon_ = std::move(*daemon);
    if (auto st = daemon_->Start(); !st) throw std::runtime_error(st.error().ToString());
    scheme_ = config.api.tls ? "https" : "http";
  }
  ~TestGateway() {
    daemon_->Shutdown();
    daemon_->Wait();
  }
  std::string Url(std::string_view path) const {
    return scheme_ + "://127.0.0.1:" + std::to_string(daemon_->api_port()) + std::string(path);
  }
  uint16_t port() const { return daemon_->api_port(); }
  app::Daemon& daemon() { return *daemon_; }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  std::string scheme_;
  std::unique_ptr<app::Daemon> daemon_;
};

// Asks `get` until `done`; with a clock, moves it on a little between the asks (so that the
// gateway's back-offs fall due).
inline Json WaitFor(const HttpCall& get, const std::function<bool(const Json&)>& done,
                    ManualClock* clock = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    Json j = Http(get).json();
    if (done(j)) return j;
    if (std::chrono::steady_clock::now() > deadline) FAIL("still " << j.dump(2));
    if (clock != nullptr) clock->Advance(std::chrono::milliseconds(20));
    std::this_thread::yield();
  }
}

// Submits `body` as `token`'s caller and requires it accepted; the request that reads the message.
inline HttpCall Submitted(const TestGateway& g, const std::string& token, const std::string& body) {
  HttpCall call;
  call.method = "POST";
  call.url = g.Url("/v1/documents");
  call.token = token;
  call.body = body;
  const auto reply = Http(call);
  INFO(reply.body);
  REQUIRE(reply.status == 202);
  HttpCall get;
  get.url = g.Url("/v1/messages/" + reply.json()["id"].get<std::string>());
  get.token = token;
  return get;
}

// Waits until the gateway's metrics (read with an operator's `token`) have `line`.
inline void WaitForMetric(const TestGateway& g, const std::string& token, const std::string& line) {
  HttpCall metrics;
  metrics.url = g.Url("/metrics");
  metrics.token = token;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (std::string now = Http(metrics).body; now.find(line + "\n") == std::string::npos;
       now = Http(metrics).body) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("no " << line << " in\n" << now);
    std::this_thread::yield();
  }
}

}  // namespace eaeu::test
