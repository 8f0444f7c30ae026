// The daemon's configuration and the process catalogue: the shipped files load, and every kind of
// mistake is an error that names the key and its line. eaeu-gatewayd --check-config end to end.
#include <catch2/catch.hpp>

#include "gateway/checked_toml/reader.hpp"
#include "gateway/config/daemon_config.hpp"
#include "gateway/envelope/process_catalogue.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

using namespace std::chrono_literals;

// The shipped configuration with `edit` applied to its text, in a folder that has what it names.
Result<config::DaemonConfig> LoadEdited(const TempDir& dir,
                                        const std::function<void(std::string&)>& edit) {
  std::string text = ReadText(SourceDir() / "config/gateway.toml");
  edit(text);
  const auto config_dir = dir / "config";
  std::filesystem::create_directories(config_dir);
  std::filesystem::create_directories(dir / "var/keys/trust");
  std::filesystem::create_directories(config_dir / "calendars");
  for (const char* f : {"openssl-gost.cnf", "process.toml"}) {
    std::filesystem::copy_file(SourceDir() / "config" / f, config_dir / f,
                               std::filesystem::copy_options::overwrite_existing);
  }
  WriteText(dir / "var/api-tokens", "");
  WriteText(dir / "var/keys/gost2012-256-signer.key", "");
  WriteText(dir / "var/keys/gost2012-256-signer.pem", "");
  std::filesystem::create_directories(dir / "schemas");
  WriteText(dir / "schemas/catalog.toml", "");
  WriteText(config_dir / "gateway.toml", text);
  return config::LoadDaemonConfig(config_dir / "gateway.toml");
}

void Replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("Config: the shipped file loads with its documented values", "[config]") {
  TempDir dir;
  auto c = LoadEdited(dir, [](std::string&) {});
  REQUIRE(c.ok());
  CHECK(c->api.listen.host == "127.0.0.1");
  CHECK(c->api.listen.port == 8080);
  CHECK(!c->api.tls);
  CHECK(c->api.request_timeout == 30s);
  CHECK(c->worker_threads == 2);
  CHECK(c->journal.max_batch == 512);
  CHECK(c->journal.file == (dir / "var/journal.sqlite").lexically_normal());
  REQUIRE(c->drop_folders.size() == 1);
  CHECK(c->drop_folders[0].country == "RU");
  CHECK(c->drop_folders[0].scan_interval == 1s);
  REQUIRE(c->routes.size() == 1);
  CHECK(c->routes[0].endpoint == "http://127.0.0.1:8091/");
  REQUIRE(c->inbound);
  CHECK(c->inbound->country == "RU");
  CHECK(c->inbound->listen.port == 8092);
  CHECK(c->inbound->handover.mode == inbound::HandoverMode::kPull);
  REQUIRE(c->deadlines);
  CHECK(c->deadlines->calendars == dir / "config/calendars");
  CHECK(c->deadlines->at_risk_days == 3);
}

TEST_CASE("Config: mistakes name the key and the line", "[config]") {
  TempDir dir;
  struct Case {
    std::string from, to, expected;
  };
  const Case cases[] = {
      {"max_batch = 512", "max_batch = 512\nmax_bach = 3", "journal.max_bach: unknown key"},
      {"worker_threads = 2", "worker_threads = 0", "daemon.worker_threads: must be from 1 to 256"},
      {"request_timeout = \"30s\"", "request_timeout = \"soon\"",
       "api.request_timeout: must be a duration"},
      {"listen = \"127.0.0.1:8080\"", "listen = \"0.0.0.0:8080\"",
       "api.plain_http: is allowed only on a loopback address"},
      {"plain_http = true", "plain_http = false", "api.tls: is required"},
      {"drop/RU\"\ncountry = \"RU\"", "drop/RU\"\ncountry = \"XX\"",
       "drop_folder[1].country: must be a member state"},
      {"backend = \"sqlite\"", "backend = \"oracle\"",
       "journal.backend: must be \"sqlite\" or \"postgresql\""},
      {"backend = \"sqlite\"\nfile = \"../var/journal.sqlite\"", "backend = \"postgresql\"",
       "journal.url: is required"},
      {"backend = \"sqlite\"\nfile = \"../var/journal.sqlite\"",
       "backend = \"postgresql\"\nurl = \"postgresql://gw:secret@db.example/eaeu\"",
       "journal.url: keeps no password"},
      {"backend = \"sqlite\"\nfile = \"../var/journal.sqlite\"",
       "backend = \"postgresql\"\nurl = \"mysql://db.example/eaeu\"",
       "journal.url: must be a postgresql:// URL"},
      {"backend = \"sqlite\"\nfile = \"../var/journal.sqlite\"",
       "backend = \"postgresql\"\nurl = \"postgresql://db.example/eaeu\"\ninstance = \"gw a\"",
       "journal.instance: must be 1 to 48 letters"},
      {"backend = \"sqlite\"\nfile = \"../var/journal.sqlite\"",
       "backend = \"postgresql\"\nurl = \"postgresql://db.example/eaeu\"\nlease = \"100ms\"",
       "journal.lease:"},
      {"process_catalogue = \"process.toml\"", "process_catalogue = \"nowhere.toml\"",
       "daemon.process_catalogue: no such file"},
      {"level = \"info\"", "level = \"loud\"",
       "log.level: must be trace, debug, info, warn or error, not \"loud\""},
      {"format = \"text\"", "format = \"xml\"",
       "log.format: must be \"text\" or \"json\", not \"xml\""},
      {"[signing]", "[signing]\npassword_file = \"x\"\npassword_env = \"Y\"",
       "signing.password_file: no such file"},
      {"backoff_max = \"10m\"", "backoff_max = \"1s\"",
       "delivery.backoff_max: must not be shorter than backoff_initial"},
      {"# [[route]]", "[[route]]\nto = \"*\"\nendpoint = \"http://gate.example/soap\"",
       "route[1].endpoint: plain http:// is allowed to a loopback address only"},
      {"# [[route]]", "[[route]]\nto = \"RU\"\nendpoint = \"https://gate.example/soap\"",
       "route[1].to: must be a logical address"},
      {"# [[route]]", "[[route]]\nto = \"*\"", "route[1].endpoint: a route needs an endpoint"},
      {"country = \"RU\"                       # this gateway's",
       "country = \"EEC\"                       # this gateway's",
       "inbound.country: must be a member state's code"},
      {"mode = \"pull\"", "mode = \"webhook\"", "inbound.handover.webhook: is required"},
      {"listen = \"127.0.0.1:8092\"", "listen = \"0.0.0.0:8092\"",
       "inbound.plain_http: is allowed only on a loopback address"},
      {"# [notify]", "[notify]\nevents = [\"dead\"]", "notify.webhook: is required"},
      {"at_risk_days = 3", "at_risk_days = 500", "deadlines.at_risk_days: must be from 0 to 100"},
      {"calendars = \"calendars\"", "calendars = \"nowhere\"",
       "deadlines.calendars: no such folder"},
      {"# [notify]", "[notify]\nwebhook = \"http://127.0.0.1:9/e\"\nevents = [\"lost\"]",
       "notify.events: \"lost\" is not a state a message is reported in"},
      {"# [notify]", "[notify]\nwebhook = \"http://127.0.0.1:9/e\"\nevents = []",
       "notify.events: names no state"},
      {"# [notify]", "[notify]\nwebhook = \"http://national.example/e\"",
       "notify.webhook: plain http:// is allowed to a loopback address only"},
      {"# [[route]]",
       "[[route]]\nto = \"*\"\nendpoint = \"https://gate.example/soap\"\nciphers = \"RC4-MD5x\"",
       "route[1].ciphers: OpenSSL knows no cipher of \"RC4-MD5x\""},
      {"# [[route]]",
       "[[route]]\nto = \"*\"\nendpoint = \"https://gate.example/soap\"\n"
       "ciphersuites = \"ECDHE-RSA-AES128-GCM-SHA256\"",
       "route[1].ciphersuites: is not a list of TLS 1.3 suites"},
      {"# [[route]]",
       "[[route]]\nto = \"*\"\nendpoint = \"https://gate.example/soap\"\ncrl_file = \"gate.crl\"",
       "route[1].crl_file: no such file"},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    auto loaded = LoadEdited(dir, [&](std::string& text) { Replace(text, c.from, c.to); });
    REQUIRE(!loaded.ok());
    CHECK(loaded.error().code == "config.invalid");
    CHECK_THAT(loaded.error().message, Catch::Contains(c.expected));
  }
  // The line is the one of the key.
  std::string shipped = ReadText(SourceDir() / "config/gateway.toml");
  const auto line =
      std::count(shipped.begin(), shipped.begin() + shipped.find("max_batch = 512"), '\n') + 2;
  auto unknown = LoadEdited(dir, [](std::string& text) {
    Replace(text, "max_batch = 512", "max_batch = 512\nmax_bach = 3");
  });
  REQUIRE(!unknown.ok());
  CHECK_THAT(unknown.error().message,
             Catch::Contains("gateway.toml:" + std::to_string(line) + ": journal.max_bach"));
  // Several mistakes are reported together.
  auto many = LoadEdited(dir, [](std::string& text) {
    Replace(text, "io_threads = 1", "io_threads = \"one\"");
    Replace(text, "max_connections = 1024", "max_connections = 1024\ncolour = \"red\"");
  });
  REQUIRE(!many.ok());
  CHECK_THAT(many.error().message, Catch::Contains("daemon.io_threads: must be a whole number"));
  CHECK_THAT(many.error().message, Catch::Contains("api.colour: unknown key"));
  // A syntax error names its line.
  auto syntax = LoadEdited(dir, [](std::string& text) { text += "\n[journal\n"; });
  REQUIRE(!syntax.ok());
  CHECK(syntax.error().code == "config.syntax");
}

TEST_CASE("Config: a journal on PostgreSQL", "[config]") {
  TempDir dir;
  auto loaded = LoadEdited(dir, [&](std::string& text) {
    Replace(text, "backend = \"sqlite\"\nfile = \"../var/journal.sqlite\"",
            "backend = \"postgresql\"\nurl = \"postgresql://gateway@db.example:5432/eaeu?"
            "sslmode=verify-full\"\npassword_env = \"EAEU_DB_PASSWORD\"\ninstance = \"gw-a\"\n"
            "lease = \"30s\"");
    Replace(text, "readers = 4", "readers = 8");
  });
  INFO((loaded.ok() ? std::string() : loaded.error().ToString()));
  REQUIRE(loaded.ok());
  CHECK(loaded->journal.backend == "postgresql");
  CHECK(loaded->journal.url == "postgresql://gateway@db.example:5432/eaeu?sslmode=verify-full");
  CHECK(loaded->journal.password_env == "EAEU_DB_PASSWORD");
  CHECK(loaded->journal.readers == 8);
  CHECK(loaded->journal.instance == "gw-a");
  CHECK(loaded->journal.lease == std::chrono::seconds(30));
}

TEST_CASE("Config: routes and delivery", "[config]") {
  TempDir dir;
  auto loaded = LoadEdited(dir, [](std::string& text) {
    Replace(text, "# [[route]]",
            "[[route]]\nto = \"EAEU://EEC/*\"\nendpoint = \"https://eec.example/soap\"\n"
            "max_in_flight = 4\ntimeout = \"20s\"\n[[route]]\nto = \"*\"\n"
            "endpoint = \"http://127.0.0.1:9443/soap\"");
  });
  REQUIRE(loaded.ok());
  REQUIRE(loaded->routes.size() == 3);  // the two, then the shipped route to the sandbox
  CHECK(loaded->routes[0].max_in_flight == 4);
  CHECK(loaded->routes[0].timeout == 20s);
  CHECK(loaded->delivery.backoff_max == 10min);
  CHECK(loaded->delivery.positive_results == std::vector<std::string>{"01"});
  const auto* eec = route::RouteFor(loaded->routes, "EAEU://EEC/CP/P.MM.00/P.ACT.001");
  REQUIRE(eec != nullptr);
  CHECK(eec->endpoint == "https://eec.example/soap");
  const auto* kz = route::RouteFor(loaded->routes, "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001");
  REQUIRE(kz != nullptr);
  CHECK(kz->endpoint == "http://127.0.0.1:9443/soap");
  CHECK(route::RouteFor({}, "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001") == nullptr);
  // TLS: the modern lists unless a route names its own.
  CHECK(eec->ciphers.tls12 == transport::kDefaultTls12Ciphers);
  CHECK(eec->ciphers.tls13 == transport::kDefaultTls13Suites);
  CHECK(eec->crl_file.empty());
}

TEST_CASE("Config: a listener's TLS table, with its CRL and cipher lists", "[config]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "config");
  for (const char* f : {"server.pem", "server.key", "clients-ca.pem", "clients.crl"}) {
    WriteText(dir / "config" / f, "");
  }
  auto edit = [&](const std::string& tls) {
    return LoadEdited(dir, [&](std::string& text) {
      Replace(text, "plain_http = true\ntokens", "tokens");
      Replace(text, "[journal]", "[api.tls]\n" + tls + "\n[journal]");
    });
  };
  auto loaded = edit(
      "certificate = \"server.pem\"\nkey = \"server.key\"\nclient_ca = \"clients-ca.pem\"\n"
      "client_crl = \"clients.crl\"\nciphers = \"ECDHE-RSA-AES256-GCM-SHA384\"\n"
      "ciphersuites = \"TLS_AES_256_GCM_SHA384\"");
  INFO((loaded.ok() ? std::string() : loaded.error().ToString()));
  REQUIRE(loaded.ok());
  REQUIRE(loaded->api.tls);
  CHECK(loaded->api.tls->client_crl == dir / "config/clients.crl");
  CHECK(loaded->api.tls->ciphers.tls12 == "ECDHE-RSA-AES256-GCM-SHA384");
  CHECK(loaded->api.tls->ciphers.tls13 == "TLS_AES_256_GCM_SHA384");

  auto no_ca =
      edit("certificate = \"server.pem\"\nkey = \"server.key\"\nclient_crl = \"clients.crl\"");
  REQUIRE_FALSE(no_ca.ok());
  CHECK_THAT(no_ca.error().message, Catch::Contains("api.tls.client_crl: needs client_ca"));
  auto unknown = edit("certificate = \"server.pem\"\nkey = \"server.key\"\nciphers = \"NOPE\"");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::Contains("api.tls.ciphers: OpenSSL knows no cipher"));
}

TEST_CASE("Config: the events of submitted messages ([notify])", "[config]") {
  TempDir dir;
  auto none = LoadEdited(dir, [](std::string&) {});
  REQUIRE(none.ok());
  CHECK(!none->notify);
  WriteText(dir / "notify-token", "t\n");
  auto loaded = LoadEdited(dir, [&dir](std::string& text) {
    Replace(text, "# [notify]",
            "[notify]\nwebhook = \"https://national.example/events\"\n"
            "events = [\"dead\", \"acknowledged\"]\nwebhook_timeout = \"5s\"\n"
            "webhook_token_file = \"" +
                (dir / "notify-token").string() + "\"");
  });
  REQUIRE(loaded.ok());
  REQUIRE(loaded->notify);
  CHECK(loaded->notify->webhook.url == "https://national.example/events");
  CHECK(loaded->notify->webhook.timeout == 5s);
  CHECK(loaded->notify->webhook.token_file == dir / "notify-token");
  CHECK(loaded->notify->events == std::vector<std::string>{"dead", "acknowledged"});
  auto defaults = LoadEdited(dir, [](std::string& text) {
    Replace(text, "# [notify]", "[notify]\nwebhook = \"https://national.example/events\"");
  });
  REQUIRE(defaults.ok());
  CHECK(defaults->notify->events == std::vector<std::string>{"rejected", "dead"});
}

TEST_CASE("Config: durations", "[config]") {
  CHECK(checked_toml::ParseDuration("250ms") == 250ms);
  CHECK(checked_toml::ParseDuration("30s") == 30s);
  CHECK(checked_toml::ParseDuration("5m") == 5min);
  CHECK(checked_toml::ParseDuration("1h") == 1h);
  CHECK(!checked_toml::ParseDuration("1"));
  CHECK(!checked_toml::ParseDuration("s"));
  CHECK(!checked_toml::ParseDuration("-1s"));
  CHECK(!checked_toml::ParseDuration("1d"));
  CHECK(envelope::ParseIsoDuration("PT20M") == 20min);
  CHECK(envelope::ParseIsoDuration("PT1H30M") == 90min);
  CHECK(envelope::ParseIsoDuration("P1DT1S") == std::chrono::milliseconds(86'401'000));
  CHECK(!envelope::ParseIsoDuration("PT"));
  CHECK(!envelope::ParseIsoDuration("P1H"));
  CHECK(!envelope::ParseIsoDuration("20M"));
}

TEST_CASE("Process catalogue: the shipped one, and its mistakes", "[config]") {
  auto catalogue = envelope::LoadProcessCatalogue(SourceDir() / "config/process.toml");
  REQUIRE(catalogue.ok());
  const auto* report = catalogue->ForKind("inspection-report");
  REQUIRE(report != nullptr);
  CHECK(report->code == "P.MM.00.TRN.001");  // the one an authority starts, not TRN.002
  CHECK(report->receive_timer == 20min);
  CHECK(report->response_timer == 1h);
  CHECK(catalogue->Action(*report, report->message) ==
        "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MM.00.MSG.001");
  const auto* notice = catalogue->ForKind("suspension-notice");
  REQUIRE(notice != nullptr);
  const auto to = catalogue->Destinations(*notice, "KZ");
  CHECK(to == std::vector<std::string>{
                  "EAEU://AM/CP/P.MM.00/P.MM.00.ACT.001", "EAEU://BY/CP/P.MM.00/P.MM.00.ACT.001",
                  "EAEU://KG/CP/P.MM.00/P.MM.00.ACT.001", "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001"});
  CHECK(catalogue->ForKind("summary-report") == nullptr);  // the Commission sends it

  TempDir dir;
  std::string text = ReadText(SourceDir() / "config/process.toml");
  Replace(text, "pattern = \"notification\"", "pattern = \"broadcast\"");
  Replace(text, "receive_timer = \"PT20M\"", "receive_timer = \"20 minutes\"");
  WriteText(dir / "process.toml", text);
  auto bad = envelope::LoadProcessCatalogue(dir / "process.toml");
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("transaction[1].receive_timer: must be an ISO "
                                                  "8601 duration"));
  CHECK_THAT(bad.error().message, Catch::Contains("transaction[2].pattern: must be one of"));
}

TEST_CASE("Schema catalogue: the shipped one, and its mistakes all at once", "[config]") {
  auto shipped = xml::LoadSchemaCatalog(SourceDir() / "schemas/catalog.toml");
  REQUIRE(shipped.ok());
  CHECK(shipped->documents.ccdo_ns == "urn:EEC:M:ComplexDataObjects:v0.4.14");
  CHECK(shipped->schemas.size() >= 4 + model::kDocumentKindCount);

  TempDir dir;
  std::filesystem::copy(SourceDir() / "schemas", dir / "schemas",
                        std::filesystem::copy_options::recursive);
  WriteText(dir / "outside.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>");
  const auto copy = dir / "schemas/catalog-under-test.toml";
  std::string text = ReadText(SourceDir() / "schemas/catalog.toml");
  Replace(text, "ds = \"", "dsig = \"");  // an unknown key, and ds missing
  Replace(text, "\"basis/EEC_M_BaseDataTypes_v0.4.14.xsd\"", "\"../outside.xsd\"");
  Replace(text, "\"xmldsig/xmldsig-subset.xsd\"", "\"xmldsig/missing.xsd\"");
  Replace(text, "kind = \"suspension-notice\"", "kind = \"inspection-report\"");  // twice
  WriteText(copy, text);
  auto bad = xml::LoadSchemaCatalog(copy);
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == "catalog.invalid");
  const auto& m = bad.error().message;
  CHECK_THAT(m, Catch::Matches("(.|\\n)*catalog-under-test\\.toml:[0-9]+: namespaces\\.dsig: "
                               "unknown key(.|\\n)*"));
  CHECK_THAT(m, Catch::Contains("namespaces.ds: is required"));
  CHECK_THAT(m, Catch::Contains("schema[1].file: the schema file must be inside"));
  CHECK_THAT(m, Catch::Contains("schema[4].file: no such file"));
  CHECK_THAT(m, Catch::Contains("kind: \"inspection-report\" appears twice"));
  CHECK_THAT(m, Catch::Contains("no [[document]] for kind \"suspension-notice\""));
}

TEST_CASE("eaeu-gatewayd --check-config exits 0 or 1 and says why", "[config]") {
  TempDir dir;
  const std::string daemon = EAEU_DAEMON;
  auto missing =
      RunCommand(daemon + " --check-config '" + (dir / "none.toml").string() + "'", dir.path());
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("no such file"));
  auto bad = LoadEdited(dir, [](std::string& text) { text += "\n[extra]\n"; });
  REQUIRE(!bad.ok());
  auto run = RunCommand(daemon + " --check-config '" + (dir / "config/gateway.toml").string() + "'",
                        dir.path());
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("extra: unknown key"));
}

}  // namespace eaeu::test
