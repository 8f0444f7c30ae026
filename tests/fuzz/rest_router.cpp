// Fuzz target: the REST API's router and handlers, as a running gateway takes a parsed request
// (method, target with its query, content type, caller, body) past its socket. The gateway runs
// in this process on a fixed clock with a journal in a temporary folder and no route.
//
// Input: the first byte chooses the caller (a token of RU, of KZ, a token nobody issued, none);
// then "METHOD TARGET\n", the Content-Type line and the body.
//
// What must hold for every request: exactly one answer, within the libFuzzer timeout; a status
// of 2xx-4xx, or 503 (not ready); never 500, which is the server's answer to a handler that threw
// or gave no answer; and every error a problem document (RFC 9457) whose status is the answer's.
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/api/callers.hpp"
#include "gateway/app/daemon.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace eaeu;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "rest_router: %s\n", what.c_str());
  std::abort();
}

struct Gateway {
  std::filesystem::path dir;
  std::string ru_token;
  std::string kz_token;
  ManualClock clock{std::chrono::sys_days(std::chrono::year(2026) / 11 / 24) +
                    std::chrono::hours(10)};
  std::unique_ptr<app::Daemon> daemon;

  Gateway() {
    std::string d = (std::filesystem::temp_directory_path() / "eaeu-fuzz-rest-XXXXXX").string();
    if (::mkdtemp(d.data()) == nullptr) Fail("mkdtemp");
    dir = d;
    spdlog::set_level(spdlog::level::err);  // a line per request would be most of the time
    const auto openssl = fuzz::SourceDir() / "config/openssl-gost.cnf";
    if (auto st = sign::InitialiseCrypto(openssl); !st) Fail(st.error().ToString());
    sign::DevelopmentKeyOptions options;
    options.algorithm = sign::Algorithm::kEcdsaP256Sha256;
    options.now = std::chrono::system_clock::to_time_t(clock.Now()) - 86'400;
    auto keys = sign::GenerateDevelopmentKeys(options, dir / "keys");
    if (!keys) Fail(keys.error().ToString());
    const auto ru = api::MakeToken({"ru-job", "RU", "P.MM.00.ACT.001"});
    const auto kz = api::MakeToken({"kz-job", "KZ", "P.MM.00.ACT.001"});
    ru_token = ru.token;
    kz_token = kz.token;
    std::ofstream(dir / "tokens") << ru.line << "\n" << kz.line << "\n";

    config::DaemonConfig c;
    c.file = dir / "gateway.toml";
    c.io_threads = 1;
    c.worker_threads = 2;
    c.openssl_config = openssl;
    c.process_catalogue = fuzz::SourceDir() / "config/process.toml";
    c.api.listen = {"127.0.0.1", 0};
    c.api.tokens = dir / "tokens";
    c.journal.file = dir / "journal.sqlite";
    c.signing.key = keys->signer_key;
    c.signing.certificate = keys->signer_certificate;
    c.validation.schema_catalog = fuzz::SourceDir() / "schemas/catalog.toml";
    c.validation.code_lists = {fuzz::SourceDir() / "config/codelists"};
    app::DaemonHooks hooks;
    hooks.clock = &clock;
    auto created = app::Daemon::Create(c, hooks);
    if (!created) Fail(created.error().ToString());
    daemon = std::move(*created);
    if (auto st = daemon->Start(); !st) Fail(st.error().ToString());
  }
  ~Gateway() {
    daemon->Shutdown();
    daemon->Wait();
    daemon.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Gateway& TheGateway() {
  static Gateway gateway;
  return gateway;
}

// The answer of one request, or "dropped" when every copy of its Respond went without one.
struct Slot {
  std::promise<transport::HttpResponse> promise;
  bool answered = false;
  ~Slot() {
    if (!answered) Fail("a request was dropped without an answer");
  }
};

transport::HttpRequest RequestOf(std::string_view bytes, const Gateway& g) {
  transport::HttpRequest r;
  r.remote = "127.0.0.1:40000";
  if (bytes.empty()) return r;
  switch (static_cast<unsigned char>(bytes.front()) % 4) {
    case 0:
      r.authorization = "Bearer " + g.ru_token;
      break;
    case 1:
      r.authorization = "Bearer " + g.kz_token;
      break;
    case 2:
      r.authorization = "Bearer eaeu_0000000000000000000000000000000000";
      break;
    default:
      break;
  }
  bytes.remove_prefix(1);
  auto line = [&bytes] {
    const auto end = bytes.find('\n');
    std::string out(bytes.substr(0, end));
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
    return out;
  };
  const std::string request_line = line();
  const auto space = request_line.find(' ');
  r.method = request_line.substr(0, space);
  r.target = space == std::string::npos ? "/" : request_line.substr(space + 1);
  r.content_type = line();
  r.body = std::string(bytes);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Gateway& g = TheGateway();
  transport::HttpRequest request = RequestOf(fuzz::Bytes(data, size), g);
  const std::string what = request.method + " " + request.target;
  auto slot = std::make_shared<Slot>();
  auto answer = slot->promise.get_future();
  g.daemon->HandleApi(std::move(request), [slot](transport::HttpResponse r) {
    if (slot->answered) Fail("a request was answered twice");
    slot->answered = true;
    slot->promise.set_value(std::move(r));
  });
  slot.reset();
  const transport::HttpResponse r = answer.get();
  if (r.status == 500 || r.status < 200 || r.status > 599 || (r.status >= 500 && r.status != 503)) {
    Fail(what + ": answered " + std::to_string(r.status) + ": " + r.body);
  }
  if (r.status >= 400) {
    const auto problem = nlohmann::json::parse(r.body, nullptr, false);
    if (r.content_type != "application/problem+json" || !problem.is_object() ||
        problem.value("status", 0u) != r.status) {
      Fail(what + ": " + std::to_string(r.status) +
           " is not a problem document: " + r.content_type + " " + r.body);
    }
  }
  return 0;
}
