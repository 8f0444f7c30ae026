// The daemon end to end on loopback: REST intake with a real HTTP client (libcurl), the journal,
// signing and the envelope, TLS with client certificates, the drop folder.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "codecs/json_codec.hpp"
#include "gateway/envelope/envelope.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/trust_store.hpp"
#include "integration/gateway_fixture.hpp"
#include "integration/peer.hpp"

namespace eaeu::test {
namespace {

HttpReply Post(const TestGateway& g, const std::string& token, const std::string& body,
               const std::string& type = "application/xml") {
  HttpCall call;
  call.method = "POST";
  call.url = g.Url("/v1/documents");
  call.body = body;
  call.content_type = type;
  call.token = token;
  return Http(call);
}

HttpReply Get(const TestGateway& g, const std::string& token, const std::string& path) {
  HttpCall call;
  call.url = g.Url(path);
  call.token = token;
  return Http(call);
}

// Polls the message until it reaches `state` (the signing runs after the answer).
Json WaitForState(const TestGateway& g, const std::string& token, const std::string& id,
                  const std::string& state) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  Json j;
  while (std::chrono::steady_clock::now() < deadline) {
    j = Get(g, token, "/v1/messages/" + id).json();
    if (j.value("state", "") == state) return j;
    std::this_thread::yield();
  }
  FAIL("message " << id << " did not reach " << state << ": " << j.dump());
  return j;
}

}  // namespace

TEST_CASE("REST: an accepted report is journalled, signed, enveloped and queued", "[daemon]") {
  GatewayFiles files;
  TestGateway g(files.Config());

  const auto reply = Post(g, files.ru_token, ExampleText(model::DocumentKind::kInspectionReport));
  REQUIRE(reply.status == 202);
  const Json answer = reply.json();
  const std::string id = answer["id"];
  CHECK(IsRfc4122Uuid(id));
  CHECK(answer["state"] == "validated");
  CHECK(answer["duplicate"] == false);
  CHECK(answer["kind"] == "inspection-report");
  CHECK(reply.headers.find("Location: /v1/messages/" + id) != std::string::npos);

  const Json m = WaitForState(g, files.ru_token, id, "queued");
  REQUIRE(m["history"].size() == 3);
  CHECK(m["history"][0]["state"] == "validated");
  CHECK(m["history"][1]["state"] == "signed");
  CHECK(m["history"][2]["state"] == "queued");
  CHECK(m["diagnostics"]["transactionCode"] == "P.MM.00.TRN.001");
  CHECK(m["diagnostics"]["action"] ==
        "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MM.00.MSG.001");
  CHECK(m["diagnostics"]["to"] == "EAEU://EEC/CP/P.MM.00/P.ACT.001");
  CHECK(m["diagnostics"]["replyTo"] == "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001");

  // The envelope carries the headers of exchange.md §1, and its body the signed document, whose
  // signature verifies against the development CA.
  const auto envelope = Get(g, files.ru_token, "/v1/messages/" + id + "/envelope");
  REQUIRE(envelope.status == 200);
  for (const char* header : {"<wsa:To>EAEU://EEC/CP/P.MM.00/P.ACT.001</wsa:To>",
                             "<wsa:MessageID>urn:uuid:", "<int:ConversationID>",
                             "<int:ProcedureID>", "<wsa:Action>int://CP/P.MM.00/"}) {
    CHECK(envelope.body.find(header) != std::string::npos);
  }
  CHECK(envelope.body.find("<int:Integration>") == std::string::npos);
  const std::string body(envelope::BodyOf(envelope.body));
  REQUIRE(!body.empty());
  const auto& validator = PlainValidator();
  auto parsed = validator.Validate(body, validate::InputFormat::kXml, Context(),
                                   xml::Keep{.tree = true, .dom = true});
  REQUIRE(parsed.dom);
  auto trust = sign::TrustStore::Load(files.keys.ca_certificate.parent_path());
  REQUIRE(trust.ok());
  const auto verdict = sign::MakeVerifier(*trust)->Verify(
      parsed.dom->dom(), {std::chrono::system_clock::to_time_t(TestNow()), std::nullopt, 300});
  CHECK(verdict.valid);
  CHECK(verdict.reason == "");
}

TEST_CASE("REST: violations, duplicates, senders, limits and authentication", "[daemon]") {
  GatewayFiles files;
  auto config = files.Config();
  config.api.max_body_bytes = 256 * 1024;
  TestGateway g(config);
  const std::string report = ExampleText(model::DocumentKind::kInspectionReport);

  SECTION("a duplicate EDocId gets the first answer again") {
    const auto first = Post(g, files.ru_token, report);
    REQUIRE(first.status == 202);
    const auto again = Post(g, files.ru_token, report);
    REQUIRE(again.status == 202);
    CHECK(again.json()["id"] == first.json()["id"]);
    CHECK(again.json()["duplicate"] == true);
    // The same document as JSON is the same EDocId: a duplicate too.
    const auto json =
        Post(g, files.ru_token, codec::WriteJson(Example(model::DocumentKind::kInspectionReport)),
             "application/json");
    REQUIRE(json.status == 202);
    CHECK(json.json()["id"] == first.json()["id"]);
  }

  SECTION("an invalid document: 422 with every violation, kept in the journal as rejected") {
    std::string bad = report;
    const auto at = bad.find("<csdo:UnifiedCountryCode codeListId=\"P.CLS.019\">RU");
    REQUIRE(at != std::string::npos);
    bad = WithEDocId(bad, "not-a-uuid");
    const auto reply = Post(g, files.ru_token, bad);
    REQUIRE(reply.status == 422);
    CHECK(reply.headers.find("application/problem+json") != std::string::npos);
    const Json p = reply.json();
    CHECK(p["type"] == "urn:eaeu-gateway:problem:invalid-document");
    CHECK(p["status"] == 422);
    REQUIRE(p["verdict"]["violations"].size() >= 1);
    CHECK(p["verdict"]["violations"][0]["rule"] == "XSD");
    CHECK(p["verdict"]["violations"][0]["path"].get<std::string>().find("EDocId") !=
          std::string::npos);
    const Json m =
        Get(g, files.ru_token, "/v1/messages/" + p["messageId"].get<std::string>()).json();
    CHECK(m["state"] == "rejected");
  }

  SECTION("malformed JSON is not a document: 400") {
    const auto reply = Post(g, files.ru_token, "{\"header\": ", "application/json");
    REQUIRE(reply.status == 400);
    CHECK(reply.json()["type"] == "urn:eaeu-gateway:problem:not-a-document");
    CHECK(reply.json()["verdict"]["violations"][0]["rule"] == "JSON");
  }

  SECTION("JSON with a byte that is not UTF-8 is not a document: 400, and the daemon goes on") {
    // The parser's message quotes the bytes it stopped at; they reach the verdict as U+FFFD.
    const auto reply =
        Post(g, files.ru_token, "{\"eDocHeader\": \"\xC3\x28\"}", "application/json");
    REQUIRE(reply.status == 400);
    CHECK(reply.json()["verdict"]["violations"][0]["rule"] == "JSON");
    CHECK(reply.json()["verdict"]["violations"][0]["message"].get<std::string>().find(
              "\xEF\xBF\xBD") != std::string::npos);
    CHECK(Post(g, files.ru_token, report).status == 202);
  }

  SECTION("a report on behalf of another state: 403, and the caller cannot read it") {
    const auto reply = Post(g, files.kz_token, report);
    REQUIRE(reply.status == 403);
    const Json p = reply.json();
    CHECK(p["type"] == "urn:eaeu-gateway:problem:wrong-sender");
    bool named = false;
    for (const auto& v : p["verdict"]["violations"]) named = named || v["rule"] == "SENDER";
    CHECK(named);
    // The Russian caller's accepted report is invisible to the Kazakh caller.
    const auto accepted = Post(g, files.ru_token, report);
    REQUIRE(accepted.status == 202);
    const std::string id = accepted.json()["id"].get<std::string>();
    CHECK(Get(g, files.kz_token, "/v1/messages/" + id).status == 404);
    CHECK(Get(g, files.ru_token, "/v1/messages/" + id).status == 200);
    CHECK(Get(g, files.kz_token, "/v1/messages").json()["items"].size() == 1);  // its own 403
  }

  SECTION("authentication") {
    CHECK(Post(g, "", report).status == 401);
    const auto wrong = Post(g, "eaeu_not-a-token", report);
    CHECK(wrong.status == 401);
    CHECK(wrong.headers.find("WWW-Authenticate: Bearer") != std::string::npos);
    CHECK(Get(g, "", "/v1/messages").status == 401);
    CHECK(Get(g, "", "/healthz").status == 200);
    CHECK(Get(g, "", "/readyz").status == 200);
  }

  SECTION("limits and media types") {
    const auto large = Post(g, files.ru_token, std::string(300 * 1024, ' ') + report);
    CHECK(large.status == 413);
    CHECK(large.json()["status"] == 413);
    CHECK(Post(g, files.ru_token, report, "text/plain").status == 415);
    HttpCall get_documents;
    get_documents.url = g.Url("/v1/documents");
    get_documents.token = files.ru_token;
    CHECK(Http(get_documents).status == 405);
    CHECK(Get(g, files.ru_token, "/v2/nothing").status == 404);
    CHECK(Get(g, files.ru_token, "/v1/messages?state=lost").status == 400);
    CHECK(Get(g, files.ru_token, "/v1/messages?limit=0").status == 400);
    CHECK(Get(g, files.ru_token, "/v1/messages?colour=red").status == 400);
    // A value that means nothing is an error, not an empty list that looks like "nothing there".
    const auto kind = Get(g, files.ru_token, "/v1/messages?kind=report");
    CHECK(kind.status == 400);
    CHECK(kind.json()["detail"].get<std::string>().find("kind") != std::string::npos);
    CHECK(Get(g, files.ru_token, "/v1/messages?after=last").status == 400);
    const auto after =
        Get(g, files.ru_token, "/v1/messages?after=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    CHECK(after.status == 400);
    CHECK(after.json()["detail"].get<std::string>().find("no message") != std::string::npos);
    CHECK(Get(g, files.ru_token, "/v1/messages?kind=inspection-report").status == 200);
  }

  SECTION("the list pages through the caller's messages, oldest first") {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
      const auto reply =
          Post(g, files.ru_token, WithEDocId(report, NumberedEDocId(static_cast<uint64_t>(i))));
      REQUIRE(reply.status == 202);
      ids.push_back(reply.json()["id"]);
    }
    std::vector<std::string> seen;
    std::string path = "/v1/messages?kind=inspection-report&limit=2";
    for (int pages = 0; pages < 10 && !path.empty(); ++pages) {
      const Json page = Get(g, files.ru_token, path).json();
      for (const auto& item : page["items"]) seen.push_back(item["id"]);
      path = page["next"].is_string() ? page["next"].get<std::string>() : "";
    }
    CHECK(seen == ids);
  }
}

TEST_CASE("REST: a client that stalls is closed when its deadline passes", "[daemon]") {
  GatewayFiles files;
  auto config = files.Config();
  config.api.idle_timeout = std::chrono::milliseconds(200);
  TestGateway g(config);

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(g.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string partial = "POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Le";
  REQUIRE(::send(fd, partial.data(), partial.size(), 0) == static_cast<ssize_t>(partial.size()));
  // Blocks until the server closes the connection: recv answers 0 (or a reset), not data.
  char buffer[256];
  const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
  ::close(fd);
  CHECK(got <= 0);
  // The server goes on serving others.
  HttpCall health;
  health.url = g.Url("/healthz");
  CHECK(Http(health).status == 200);
}

TEST_CASE("REST over TLS: a client certificate binds the caller to its state", "[daemon]") {
  GatewayFiles files;
  // Development CAs of their own issue the server's and the client's certificates (RSA).
  const TlsParty server = MakeTlsParty(files.dir / "tls-server");
  const TlsParty client = MakeTlsParty(files.dir / "tls-client");

  auto config = files.Config();
  transport::TlsSettings tls;
  tls.certificate = server.keys.signer_certificate;
  tls.key = server.keys.signer_key;
  tls.client_ca = client.keys.ca_certificate;
  config.api.tls = tls;
  config.api.certificate_clients.push_back({client.sha256, "RU", "P.MM.00.ACT.001", "ru-mtls", ""});
  TestGateway g(config);

  HttpCall call;
  call.method = "POST";
  call.url = g.Url("/v1/documents");
  call.body = ExampleText(model::DocumentKind::kInspectionReport);
  call.cacert = server.keys.ca_certificate.string();
  call.certificate = client.keys.signer_certificate.string();
  call.key = client.keys.signer_key.string();
  const auto accepted = Http(call);
  INFO(accepted.body);
  REQUIRE(accepted.status == 202);

  // Without a client certificate, a token still works; without either, 401.
  HttpCall with_token = call;
  with_token.certificate.clear();
  with_token.key.clear();
  with_token.body = WithEDocId(*call.body, NumberedEDocId(99));
  with_token.token = files.ru_token;
  CHECK(Http(with_token).status == 202);
  with_token.token.clear();
  CHECK(Http(with_token).status == 401);
  // Plain HTTP to the TLS port does not get through.
  HttpCall plain;
  plain.url = "http://127.0.0.1:" + std::to_string(g.port()) + "/healthz";
  CHECK(Http(plain).status != 200);
}

TEST_CASE("Drop folder: files are taken, then moved to accepted/ or rejected/", "[daemon]") {
  GatewayFiles files;
  auto config = files.Config();
  const auto folder = files.dir / "drop";
  config.drop_folders.push_back({folder, "RU", "P.MM.00.ACT.001", std::chrono::milliseconds(20)});
  TestGateway g(config);

  // Written under a temporary name, then renamed: the folder takes only finished files.
  WriteText(folder / "report.xml.part", ExampleText(model::DocumentKind::kInspectionReport));
  std::filesystem::rename(folder / "report.xml.part", folder / "report.xml");
  WriteText(folder / ".bad.json", "{\"not\": \"a document\"}");
  std::filesystem::rename(folder / ".bad.json", folder / "bad.json");

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto count = [](const std::filesystem::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
    return n;
  };
  // The report is written under a temporary name first: wait for the report itself.
  const auto report_file = folder / "rejected/bad.json.report.json";
  while (std::chrono::steady_clock::now() < deadline &&
         (count(folder / "accepted") < 1 || !std::filesystem::exists(report_file))) {
    std::this_thread::yield();
  }
  REQUIRE(count(folder / "accepted") == 1);
  REQUIRE(count(folder / "rejected") == 2);
  const auto accepted = std::filesystem::directory_iterator(folder / "accepted")->path();
  const std::string id = accepted.filename().string().substr(0, 36);
  CHECK(accepted.filename().string().ends_with("-report.xml"));
  CHECK(Get(g, files.ru_token, "/v1/messages/" + id).status == 200);
  const Json report = Json::parse(ReadText(report_file));
  CHECK(report["file"] == "bad.json");
  CHECK(report["status"] != "valid");
  CHECK(!report["violations"].empty());
  CHECK(!std::filesystem::exists(folder / "report.xml"));
  CHECK(std::filesystem::is_empty(folder / ".work"));
}

TEST_CASE("Delivery in the daemon: a notice fans out over a route and each state acknowledges it",
          "[daemon][delivery]") {
  GatewayFiles files;
  PeerLoop loop;
  Peer& peer = loop.Add();
  loop.Run();

  auto config = files.Config();
  route::RouteSettings to_peer;
  to_peer.to = "*";
  to_peer.endpoint = peer.Url();
  config.routes.push_back(to_peer);
  TestGateway g(config);

  HttpCall submit;
  submit.method = "POST";
  submit.url = g.Url("/v1/documents");
  submit.token = files.ru_token;
  submit.body = ExampleText(model::DocumentKind::kSuspensionNotice);
  const auto accepted = Http(submit);
  INFO(accepted.body);
  REQUIRE(accepted.status == 202);
  const std::string id = accepted.json()["id"].get<std::string>();

  HttpCall get;
  get.token = files.ru_token;
  get.url = g.Url("/v1/messages/" + id);
  Json m;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    m = Http(get).json();
    if (m["state"] == "acknowledged") break;
    if (std::chrono::steady_clock::now() > deadline) FAIL("the notice is " << m.dump(2));
    std::this_thread::yield();
  }
  REQUIRE(m["deliveries"].size() == 4);  // AM, BY, KG, KZ (SN-05)
  for (const auto& d : m["deliveries"]) {
    CHECK(d["state"] == "acknowledged");
    CHECK(d["sends"] == 1);
    CHECK(d["history"].size() == 3);  // planned, sent, DeliveryReceipt
  }
  const auto taken = peer.taken();
  CHECK(taken.size() == 4);
  CHECK_FALSE(taken.contains("EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001"));

  // Only a dead message is requeued.
  HttpCall retry;
  retry.method = "POST";
  retry.url = g.Url("/v1/messages/" + id + "/retry");
  retry.token = files.ru_token;
  retry.body = "";
  CHECK(Http(retry).status == 409);
  retry.token = files.kz_token;
  CHECK(Http(retry).status == 404);  // another state's message
}

TEST_CASE("SIGHUP: routes are read again, and a broken file keeps the routes in force",
          "[daemon][delivery]") {
  GatewayFiles files;
  PeerLoop loop;
  Peer& first = loop.Add();
  Peer& second = loop.Add();
  loop.Run();

  auto config = files.Config();
  const auto route_to = [](const Peer& p) {
    return "[[route]]\nto = \"*\"\nendpoint = \"" + p.Url() + "\"\n";
  };
  WriteText(config.file, TomlOf(config, "", route_to(first)));
  auto loaded = config::LoadDaemonConfig(config.file);
  REQUIRE(loaded.ok());
  config.routes = loaded->routes;
  TestGateway g(config);

  // Submits a notice and waits until it is acknowledged; returns where it went.
  uint64_t n = 0;
  auto deliver = [&] {
    HttpCall submit;
    submit.method = "POST";
    submit.url = g.Url("/v1/documents");
    submit.token = files.ru_token;
    submit.body =
        WithEDocId(ExampleText(model::DocumentKind::kSuspensionNotice), NumberedEDocId(500 + ++n));
    const auto accepted = Http(submit);
    REQUIRE(accepted.status == 202);
    HttpCall get;
    get.token = files.ru_token;
    get.url = g.Url("/v1/messages/" + accepted.json()["id"].get<std::string>());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Http(get).json()["state"] != "acknowledged") {
      if (std::chrono::steady_clock::now() > deadline) FAIL("not acknowledged");
      std::this_thread::yield();
    }
  };
  deliver();
  CHECK(first.received() == 4);
  CHECK(second.received() == 0);

  WriteText(config.file, TomlOf(config, "", route_to(second)));
  REQUIRE(g.daemon().Reload().ok());
  deliver();
  CHECK(first.received() == 4);
  CHECK(second.received() == 4);

  // A mistake in the file: the reload says which, and the routes in force stay.
  WriteText(config.file, TomlOf(config, "", route_to(first) + "max_in_flight = 0\n"));
  const auto refused = g.daemon().Reload();
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("route[1].max_in_flight"));
  deliver();
  CHECK(first.received() == 4);
  CHECK(second.received() == 8);
}

}  // namespace eaeu::test

namespace eaeu::test {
namespace {

void ReplaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

// The example notice (a suspension of two certificates in Russia) under another EDocId, with
// another status and date.
std::string Notice(uint64_t n, const std::string& status, const std::string& date) {
  std::string xml =
      WithEDocId(ExampleText(model::DocumentKind::kSuspensionNotice), NumberedEDocId(n));
  ReplaceOnce(xml, "<doc:RegistrationCertificateStatusCode>02<",
              "<doc:RegistrationCertificateStatusCode>" + status + "<");
  ReplaceOnce(xml, "<csdo:DocCreationDate>2026-11-20<", "<csdo:DocCreationDate>" + date + "<");
  return xml;
}

// The rule ids of a 422's violations.
std::vector<std::string> RulesOf(const HttpReply& r) {
  std::vector<std::string> out;
  const Json body = r.json();
  for (const auto& v : body["verdict"]["violations"]) out.push_back(v["rule"]);
  return out;
}

}  // namespace

TEST_CASE("SN-04 in production: a resumption needs the certificate's suspension in the journal",
          "[daemon]") {
  GatewayFiles files;
  config::DaemonConfig config = files.Config();
  TestGateway g(config);

  // No suspension of either certificate is known: refused, each certificate named.
  const auto early = Post(g, files.ru_token, Notice(1, "06", "2026-11-21"));
  REQUIRE(early.status == 422);
  CHECK(RulesOf(early) == std::vector<std::string>{"SN-04", "SN-04"});
  const Json first = early.json()["verdict"]["violations"][0];
  CHECK(first["severity"] == "error");
  CHECK(first["path"].get<std::string>().ends_with(
      "/doc:MedicalProductDetails[1]/doc:RegistrationCertificateId"));
  CHECK(first["message"].get<std::string>().find(
            "no suspension of certificate РЗН 2023/19504 in RU is known to this gateway") !=
        std::string::npos);

  // A refused suspension does not count; an accepted one does.
  std::string bad = Notice(2, "02", "2026-11-20");
  ReplaceOnce(bad, "<csdo:DocCreationDate>2026-11-20<", "<csdo:DocCreationDate>2026-11-01<");
  REQUIRE(Post(g, files.ru_token, bad).status == 422);  // SN-03: before the report it cites
  REQUIRE(Post(g, files.ru_token, Notice(3, "06", "2026-11-21")).status == 422);
  REQUIRE(Post(g, files.ru_token, Notice(4, "02", "2026-11-20")).status == 202);
  const auto resumed = Post(g, files.ru_token, Notice(5, "06", "2026-11-21"));
  INFO(resumed.body);
  CHECK(resumed.status == 202);

  // Resumed already: the latest notice of each certificate resumed it.
  const auto again = Post(g, files.ru_token, Notice(6, "06", "2026-11-22"));
  REQUIRE(again.status == 422);
  CHECK(again.json()["verdict"]["violations"][0]["message"].get<std::string>().find(
            "certificate РЗН 2023/19504 is not suspended in RU: its latest notice resumed it") !=
        std::string::npos);
}

TEST_CASE("SN-04 with a partial history: a resumption without a suspension is a warning",
          "[daemon]") {
  GatewayFiles files;
  config::DaemonConfig config = files.Config();
  config.validation.suspension_history_complete = false;
  TestGateway g(config);
  const auto taken = Post(g, files.ru_token, Notice(1, "06", "2026-11-21"));
  REQUIRE(taken.status == 202);
  CHECK(taken.json()["warnings"][0]["rule"] == "SN-04");
  CHECK(taken.json()["warnings"][0]["severity"] == "warning");
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE("Drop folder: a symbolic link is set aside unread, and an odd name is taken safely",
          "[daemon][hostile]") {
  GatewayFiles files;
  auto config = files.Config();
  const auto folder = files.dir / "drop";
  config.drop_folders.push_back({folder, "RU", "P.MM.00.ACT.001", std::chrono::milliseconds(20)});
  TestGateway g(config);
  // A secret the daemon's user may read, linked into the folder.
  WriteText(files.dir / "secret.xml", "<secret>the signing key's password</secret>");
  std::filesystem::create_symlink(files.dir / "secret.xml", folder / "secret.xml");
  // A name with a line break (that would forge a log line) and shell characters.
  const std::string odd = "a\nforged $(line) ;x.xml";
  WriteText(folder / ".odd.part", ExampleText(model::DocumentKind::kSuspensionNotice));
  std::filesystem::rename(folder / ".odd.part", folder / odd);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto has = [](const std::filesystem::path& dir, const std::string& suffix) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().filename().string().ends_with(suffix)) return true;
    }
    return false;
  };
  while (std::chrono::steady_clock::now() < deadline &&
         (!has(folder / "accepted", odd) ||
          !std::filesystem::is_symlink(folder / "rejected/secret.xml"))) {
    std::this_thread::yield();
  }
  CHECK(has(folder / "accepted", odd));
  // The link was moved aside as a link, never read: no message holds the secret.
  CHECK(std::filesystem::is_symlink(folder / "rejected/secret.xml"));
  CHECK(ReadText(files.dir / "secret.xml").find("password") != std::string::npos);
  const Json messages = Get(g, files.ru_token, "/v1/messages?limit=100").json();
  CHECK(messages["items"].size() == 1);
  for (const auto& m : messages["items"]) {
    const auto one = Get(g, files.ru_token, "/v1/messages/" + m["id"].get<std::string>());
    CHECK(one.body.find("password") == std::string::npos);
  }
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE("Certificates: each configured one's expiry is a metric, and warned of 30 days ahead",
          "[daemon]") {
  GatewayFiles files;
  auto facts = sign::ReadCertificateFacts(files.keys.signer_certificate);
  REQUIRE(facts.ok());
  // 20 days before the signing certificate expires.
  const auto at = std::chrono::system_clock::from_time_t(facts->not_after - 20 * 24 * 3600);
  TestGateway g(files.Config(), at);
  HttpCall metrics;
  metrics.url = g.Url("/metrics");
  // The metrics are the gateway's people's: a member state's caller is refused them.
  metrics.token = files.ru_token;
  CHECK(Http(metrics).status == 403);
  metrics.token.clear();
  CHECK(Http(metrics).status == 401);
  metrics.token = files.auditor_token;
  const std::string text = Http(metrics).body;
  CHECK(text.find("eaeu_certificate_expiry_seconds{certificate=\"signing\"} 1728000\n") !=
        std::string::npos);
  // One that cannot be read is named.
  const auto missing = sign::ReadCertificateFacts(files.dir / "none.pem");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "file.open");
}

}  // namespace eaeu::test
