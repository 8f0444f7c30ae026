// The inbound endpoint of a running gateway, on 127.0.0.1: envelopes as the integrated system
// sends them, answered with faults, ValidationErrors and receipts; duplicates answered as the
// first time; signatures checked against the trust store; replies that settle a delivery; and
// the handover to the national system through the inbox, a webhook and a folder.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <map>
#include <mutex>

#include "gateway/envelope/envelope.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/signature.hpp"
#include "integration/gateway_fixture.hpp"
#include "integration/peer.hpp"

namespace eaeu::test {
namespace {

constexpr std::string_view kRussia = "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001";
constexpr std::string_view kKazakhstan = "EAEU://KZ/CP/P.MM.00/P.MM.00.ACT.001";
constexpr std::string_view kCommission = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
constexpr std::string_view kDistribute =
    "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.002/P.MM.00.MSG.003";
constexpr std::string_view kNotice =
    "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.003/P.MM.00.MSG.004";
constexpr std::string_view kReportReply =
    "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MM.00.MSG.002";

// The last part of a distinct UUID for the n-th envelope.
std::string NumberedUuidTail(uint64_t n) {
  char tail[16];
  std::snprintf(tail, sizeof tail, "%012llu", static_cast<unsigned long long>(n));
  return tail;
}

// The document signed by the signer of `keys` at the test's time.
std::string Signed(const std::string& xml, const sign::DevelopmentKeys& keys) {
  auto credentials =
      sign::SigningCredentials::FromPem(keys.signer_key, keys.signer_certificate, {});
  REQUIRE(credentials.ok());
  auto signer = sign::MakeSigner(*credentials);
  REQUIRE(signer.ok());
  auto v = TestValidator().Validate(xml, validate::InputFormat::kXml, Context());
  REQUIRE(v.tree);
  auto signed_text = (*signer)->Sign(*v.tree, xml, std::chrono::system_clock::to_time_t(TestNow()));
  REQUIRE(signed_text.ok());
  return *signed_text;
}

// What the integrated system sends: `document` in an envelope from `from` with `action`.
struct Sent {
  std::string from{kCommission};
  std::string to{kRussia};
  std::string action{kDistribute};
  std::string relates_to;
  std::string message_id;
};

std::string EnvelopeOf(const Sent& s, const std::string& document, uint64_t n) {
  envelope::Headers h;
  h.to = s.to;
  h.reply_to = s.from;
  h.message_id = s.message_id.empty() ? "urn:uuid:0b7f3c52-8a1e-4d2b-9c3f-" + NumberedUuidTail(n)
                                      : s.message_id;
  h.relates_to = s.relates_to;
  h.action = s.action;
  h.procedure_id = "5d1f0e3c-2b4a-4c6d-8e9f-0a1b2c3d4e5f";
  h.conversation_id = "7c2e4a6b-8d0f-4a1c-9e3b-5d7f9a1c3e5b";
  return envelope::Build(h, document);
}

// The answer the endpoint gave, read back with the product's reader.
struct Answer {
  long status = 0;
  envelope::ReadResult read;
  std::string body;
};

// The integrated system's gateway posting to the inbound endpoint; over TLS when `tls` names the
// CA to trust (and a client certificate, if any).
class Inbound {
 public:
  explicit Inbound(TestGateway& g, HttpCall tls = {})
      : call_(std::move(tls)), parser_(Pool(), xml::ParserLimits{}) {
    call_.url = std::string(call_.cacert.empty() ? "http" : "https") +
                "://127.0.0.1:" + std::to_string(g.daemon().inbound_port()) + "/";
  }
  Answer Post(const std::string& envelope_xml) {
    HttpCall call = call_;
    call.method = "POST";
    call.content_type = "application/soap+xml; charset=utf-8";
    call.body = envelope_xml;
    const auto reply = Http(call);
    Answer a;
    a.status = reply.status;
    a.body = reply.body;
    if (!reply.body.empty()) a.read = envelope::Read(reply.body, parser_);
    return a;
  }

 private:
  HttpCall call_;
  xml::SecureParser parser_;
};

inbound::InboundSettings InboundOn(const GatewayFiles& files) {
  inbound::InboundSettings in;
  in.listen = {"127.0.0.1", 0};
  in.country = "RU";
  in.trust = files.keys.ca_certificate.parent_path();
  return in;
}

}  // namespace

TEST_CASE("Inbound: header control, schema control, receipts, duplicates and the inbox",
          "[daemon][inbound]") {
  GatewayFiles files;
  auto config = files.Config();
  config.inbound = InboundOn(files);
  TestGateway g(config);
  Inbound in(g);
  const std::string report =
      Signed(ExampleText(model::DocumentKind::kInspectionReport), files.keys);

  // A report the Commission distributes: checked, journalled, answered with a DeliveryReceipt.
  const auto first = in.Post(EnvelopeOf({}, report, 1));
  INFO(first.body);
  REQUIRE(first.status == 200);
  REQUIRE_FALSE(first.read.problem);
  REQUIRE(first.read.message.signal);
  CHECK(first.read.message.signal->kind == envelope::SignalKind::kDeliveryReceipt);
  CHECK(first.read.message.headers.relates_to ==
        "urn:uuid:0b7f3c52-8a1e-4d2b-9c3f-" + NumberedUuidTail(1));
  CHECK(first.read.message.headers.to == kCommission);
  CHECK(first.read.message.headers.reply_to == kRussia);
  CHECK(first.read.message.headers.action.ends_with("/P.MM.00.TRN.002/P.MSG.RCV"));

  // The same document again, in a resend with a new MessageID: the same answer, kept once.
  const auto again = in.Post(EnvelopeOf({}, report, 2));
  REQUIRE(again.read.message.signal);
  CHECK(again.read.message.signal->signal_id == first.read.message.signal->signal_id);
  CHECK(again.read.message.headers.relates_to ==
        "urn:uuid:0b7f3c52-8a1e-4d2b-9c3f-" + NumberedUuidTail(2));

  // The inbox of the Russian caller holds it once; the Kazakh caller has no inbox here.
  HttpCall inbox;
  inbox.url = g.Url("/v1/inbox");
  inbox.token = files.ru_token;
  const Json listed = WaitFor(inbox, [](const Json& j) { return j["items"].size() == 1; });
  const auto item = listed["items"][0];
  CHECK(item["direction"] == "inbound");
  CHECK(item["kind"] == "inspection-report");
  CHECK(item["sender"]["country"] == "EEC");
  const std::string id = item["id"].get<std::string>();
  HttpCall foreign = inbox;
  foreign.token = files.kz_token;
  CHECK(Http(foreign).status == 403);

  // The document as it came, its signature verdict and the envelope's headers in the record.
  HttpCall document;
  document.url = g.Url("/v1/inbox/" + id);
  document.token = files.ru_token;
  const auto xml = Http(document);
  CHECK(xml.status == 200);
  CHECK(xml.body.find("ds:SignatureValue") != std::string::npos);
  document.url = g.Url("/v1/inbox/" + id + "?format=json");
  const auto json = Http(document).json();
  CHECK(json.dump().find("2503-118") != std::string::npos);
  HttpCall record;
  record.url = g.Url("/v1/messages/" + id);
  record.token = files.ru_token;
  const Json r = Http(record).json();
  CHECK(r["signatureVerdict"]["valid"] == true);
  CHECK(r["diagnostics"]["transactionCode"] == "P.MM.00.TRN.002");
  CHECK(r["diagnostics"]["replyTo"] == kCommission);
  CHECK(r["state"] == "queued");

  // Acknowledged by the national system: delivered, out of the inbox; a second ack is no error.
  HttpCall ack;
  ack.method = "POST";
  ack.url = g.Url("/v1/inbox/" + id + "/ack");
  ack.token = files.ru_token;
  ack.body = "";
  CHECK(Http(ack).status == 200);
  CHECK(Http(ack).status == 200);
  CHECK(Http(inbox).json()["items"].empty());
  CHECK(Http(record).json()["state"] == "delivered");

  SECTION("header errors are answered with faults, and never reach the inbox") {
    Sent wrong_to;
    wrong_to.to = std::string(kKazakhstan);
    auto a = in.Post(EnvelopeOf(wrong_to, report, 3));
    CHECK(a.status == 400);
    REQUIRE(a.read.message.fault);
    CHECK(a.read.message.fault->subcode == "wsa:DestinationUnreachable");
    CHECK(a.read.message.from == kRussia);

    Sent unknown;
    unknown.action = "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.009/P.MM.00.MSG.017";
    a = in.Post(EnvelopeOf(unknown, report, 4));
    REQUIRE(a.read.message.fault);
    CHECK(a.read.message.fault->subcode == "wsa:ActionNotSupported");

    std::string no_id = EnvelopeOf({}, report, 5);
    const auto start = no_id.find("<wsa:MessageID>");
    no_id.erase(start, no_id.find("</wsa:MessageID>") + 16 - start);
    a = in.Post(no_id);
    REQUIRE(a.read.message.fault);
    CHECK(a.read.message.fault->subcode == "wsa:MessageAddressingHeaderRequired");

    a = in.Post("<not-soap/>");
    CHECK(a.status == 400);
    REQUIRE(a.read.message.fault);
    CHECK(Http(inbox).json()["items"].empty());
  }

  SECTION("a document that breaks its schema gets a ValidationError with Common:DataError") {
    std::string broken = ExampleText(model::DocumentKind::kInspectionReport);
    broken.replace(broken.find("<csdo:EDocId>"), 13, "<csdo:EDocIdentifier>");
    broken.replace(broken.find("</csdo:EDocId>"), 14, "</csdo:EDocIdentifier>");
    const auto a = in.Post(EnvelopeOf({}, broken, 6));
    CHECK(a.status == 200);
    REQUIRE(a.read.message.signal);
    CHECK(a.read.message.signal->kind == envelope::SignalKind::kValidationError);
    REQUIRE_FALSE(a.read.message.signal->errors.empty());
    CHECK(a.read.message.signal->errors[0].code == "Common:DataError");
    CHECK(a.read.message.headers.action.ends_with("/P.MSG.ERR"));

    // A notice where the Commission distributes a report: an unexpected message.
    const auto b = in.Post(EnvelopeOf({}, ExampleText(model::DocumentKind::kSuspensionNotice), 7));
    REQUIRE(b.read.message.signal);
    REQUIRE_FALSE(b.read.message.signal->errors.empty());
    CHECK(b.read.message.signal->errors[0].code == "Common:UnexpectedMessage");
    CHECK(Http(inbox).json()["items"].empty());
  }
}

TEST_CASE("Inbound: over TLS, only a pinned peer gateway's client certificate gets in",
          "[daemon][inbound]") {
  GatewayFiles files;
  const TlsParty server = MakeTlsParty(files.dir / "tls-server");
  const TlsParty peer = MakeTlsParty(files.dir / "tls-peer");
  const TlsParty stranger = MakeTlsParty(files.dir / "tls-stranger");
  // Both client CAs are trusted by TLS; only the peer's certificate is pinned.
  WriteText(files.dir / "client-cas.pem",
            ReadText(peer.keys.ca_certificate) + ReadText(stranger.keys.ca_certificate));
  auto config = files.Config();
  config.inbound = InboundOn(files);
  transport::TlsSettings tls;
  tls.certificate = server.keys.signer_certificate;
  tls.key = server.keys.signer_key;
  tls.client_ca = files.dir / "client-cas.pem";
  tls.require_client_certificate = true;
  config.inbound->tls = tls;
  config.inbound->peer_certificates = {peer.sha256};
  TestGateway g(config);
  const std::string report =
      Signed(ExampleText(model::DocumentKind::kInspectionReport), files.keys);

  HttpCall as_peer;
  as_peer.cacert = server.keys.ca_certificate.string();
  as_peer.certificate = peer.keys.signer_certificate.string();
  as_peer.key = peer.keys.signer_key.string();
  const auto taken = Inbound(g, as_peer).Post(EnvelopeOf({}, report, 1));
  INFO(taken.body);
  REQUIRE(taken.status == 200);
  REQUIRE(taken.read.message.signal);
  CHECK(taken.read.message.signal->kind == envelope::SignalKind::kDeliveryReceipt);

  // A certificate TLS accepts but that is not pinned: 403, and nothing is taken in.
  HttpCall as_stranger = as_peer;
  as_stranger.certificate = stranger.keys.signer_certificate.string();
  as_stranger.key = stranger.keys.signer_key.string();
  const auto refused = Inbound(g, as_stranger).Post(EnvelopeOf({}, report, 2));
  CHECK(refused.status == 403);
  CHECK(refused.body.find("inbound.peer_certificates") != std::string::npos);
  // No client certificate: the handshake fails; plain HTTP does not get an answer either.
  HttpCall anonymous = as_peer;
  anonymous.certificate.clear();
  anonymous.key.clear();
  CHECK(Inbound(g, anonymous).Post(EnvelopeOf({}, report, 3)).status <= 0);
  CHECK(Inbound(g).Post(EnvelopeOf({}, report, 4)).status != 200);

  HttpCall inbox;
  inbox.url = g.Url("/v1/inbox");
  inbox.token = files.ru_token;
  const Json listed = WaitFor(inbox, [](const Json& j) { return !j["items"].empty(); });
  CHECK(listed["items"].size() == 1);  // the peer's report only
}

TEST_CASE("Inbound: a transaction that requires a signature refuses an untrusted or missing one",
          "[daemon][inbound]") {
  GatewayFiles files;
  TempDir other;
  sign::DevelopmentKeyOptions options;
  options.algorithm = sign::Algorithm::kEcdsaP256Sha256;
  options.now = std::chrono::system_clock::to_time_t(TestNow()) - 86'400;
  auto stranger = sign::GenerateDevelopmentKeys(options, other / "keys");
  REQUIRE(stranger.ok());

  // The catalogue with TRN.003 marked "signature required".
  std::string catalogue = ReadText(SourceDir() / "config/process.toml");
  const std::string marker = "code = \"P.MM.00.TRN.003\"\n";
  catalogue.insert(catalogue.find(marker) + marker.size(), "signature_required = true\n");
  WriteText(files.dir / "process.toml", catalogue);
  auto config = files.Config();
  config.process_catalogue = files.dir / "process.toml";
  config.inbound = InboundOn(files);
  TestGateway g(config);
  Inbound in(g);

  Sent from_kz;
  from_kz.from = std::string(kKazakhstan);
  from_kz.action = std::string(kNotice);
  const std::string notice =
      WithEDocId(ExampleText(model::DocumentKind::kSuspensionNotice), NumberedEDocId(901));
  // The notice's authority is Kazakh, like its sender.
  std::string kz_notice = notice;
  for (size_t at = kz_notice.find(">RU<"); at != std::string::npos;
       at = kz_notice.find(">RU<", at)) {
    kz_notice.replace(at, 4, ">KZ<");
  }

  auto untrusted = in.Post(EnvelopeOf(from_kz, Signed(kz_notice, *stranger), 1));
  INFO(untrusted.body);
  REQUIRE(untrusted.read.message.signal);
  REQUIRE(untrusted.read.message.signal->kind == envelope::SignalKind::kValidationError);
  CHECK(untrusted.read.message.signal->errors[0].code == "signature.trust");

  auto unsigned_one = in.Post(EnvelopeOf(from_kz, kz_notice, 2));
  REQUIRE(unsigned_one.read.message.signal);
  CHECK(unsigned_one.read.message.signal->errors[0].code == "signature.presence");

  auto trusted = in.Post(EnvelopeOf(from_kz, Signed(kz_notice, files.keys), 3));
  INFO(trusted.body);
  REQUIRE(trusted.read.message.signal);
  CHECK(trusted.read.message.signal->kind == envelope::SignalKind::kDeliveryReceipt);

  // Refused ones are kept for the record as rejected; only the trusted one waits in the inbox.
  HttpCall inbox;
  inbox.url = g.Url("/v1/inbox");
  inbox.token = files.ru_token;
  const Json listed = WaitFor(inbox, [](const Json& j) { return j["items"].size() == 1; });
  CHECK(listed["items"][0]["sender"]["country"] == "KZ");
  inbox.url = g.Url("/v1/inbox?state=rejected");
  CHECK(Http(inbox).json()["items"].size() == 2);
}

TEST_CASE("Inbound: the Commission's R.006 reply settles the delivery of a report",
          "[daemon][inbound][delivery]") {
  GatewayFiles files;
  PeerLoop loop;
  Peer& peer = loop.Add();
  loop.Run();
  auto config = files.Config();
  config.inbound = InboundOn(files);
  route::RouteSettings to_peer;
  to_peer.to = "*";
  to_peer.endpoint = peer.Url();
  config.routes.push_back(to_peer);
  TestGateway g(config);
  Inbound in(g);

  HttpCall submit;
  submit.method = "POST";
  submit.url = g.Url("/v1/documents");
  submit.token = files.ru_token;
  submit.body = ExampleText(model::DocumentKind::kInspectionReport);
  const auto accepted = Http(submit);
  REQUIRE(accepted.status == 202);
  HttpCall get;
  get.token = files.ru_token;
  get.url = g.Url("/v1/messages/" + accepted.json()["id"].get<std::string>());
  WaitFor(get, [](const Json& j) { return j["state"] == "delivered"; });  // the receipt came
  REQUIRE(peer.headers().size() == 1);
  const std::string wire = peer.headers()[0].message_id;

  Sent reply;
  reply.action = std::string(kReportReply);
  reply.relates_to = wire;
  // Without RelatesTo a reply is a header error.
  Sent orphan = reply;
  orphan.relates_to.clear();
  const std::string result = ReadText(ExamplePath(model::DocumentKind::kProcessingResult));
  auto bad = in.Post(EnvelopeOf(orphan, result, 1));
  REQUIRE(bad.read.message.fault);
  CHECK(bad.read.message.fault->subcode == "wsa:MessageAddressingHeaderRequired");

  auto a = in.Post(EnvelopeOf(reply, result, 2));
  INFO(a.body);
  REQUIRE(a.read.message.signal);
  CHECK(a.read.message.signal->kind == envelope::SignalKind::kDeliveryReceipt);
  const Json m = WaitFor(get, [](const Json& j) { return j["state"] == "acknowledged"; });
  CHECK(m["deliveries"][0]["history"].back()["detail"].get<std::string>().find("01") !=
        std::string::npos);
}

TEST_CASE("Inbound: a webhook that fails is tried again until it takes the document",
          "[daemon][inbound]") {
  GatewayFiles files;
  PeerLoop loop;
  WebhookSink hook(loop.io, 2);
  loop.Run();

  auto config = files.Config();
  config.inbound = InboundOn(files);
  config.inbound->handover.mode = inbound::HandoverMode::kWebhook;
  config.inbound->handover.webhook.url = hook.Url();
  config.inbound->handover.webhook_json = true;
  config.delivery.backoff_initial = std::chrono::milliseconds(10);
  config.delivery.backoff_max = std::chrono::milliseconds(40);
  {
    TestGateway g(config);
    Inbound in(g);
    const auto a = in.Post(
        EnvelopeOf({}, Signed(ExampleText(model::DocumentKind::kInspectionReport), files.keys), 1));
    REQUIRE(a.read.message.signal);
    HttpCall inbox;
    inbox.url = g.Url("/v1/inbox?state=delivered");
    inbox.token = files.ru_token;
    const Json done = WaitFor(
        inbox, [](const Json& j) { return j["items"].size() == 1; }, &g.clock());
    HttpCall record;
    record.url = g.Url("/v1/messages/" + done["items"][0]["id"].get<std::string>());
    record.token = files.ru_token;
    const Json r = Http(record).json();
    // queued, retrying (the first refusal), delivered by the third attempt.
    REQUIRE(r["history"].size() == 4);
    CHECK(r["history"][2]["state"] == "retrying");
    CHECK(r["history"][3]["detail"] == "taken by the webhook (HTTP 204)");
  }
  const auto posts = hook.posts();
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].content_type == "application/json");
  CHECK(Json::parse(posts[0].body).dump().find("2503-118") != std::string::npos);
}

TEST_CASE("Inbound: the folder handover writes each document, and a restart hands over the rest",
          "[daemon][inbound]") {
  GatewayFiles files;
  auto config = files.Config();
  config.inbound = InboundOn(files);
  config.inbound->handover.mode = inbound::HandoverMode::kFolder;
  config.inbound->handover.folder = files.dir / "national";
  {
    TestGateway g(config);
    Inbound in(g);
    const auto a = in.Post(
        EnvelopeOf({}, Signed(ExampleText(model::DocumentKind::kInspectionReport), files.keys), 1));
    REQUIRE(a.read.message.signal);
    HttpCall inbox;
    inbox.url = g.Url("/v1/inbox?state=delivered");
    inbox.token = files.ru_token;
    const Json done = WaitFor(inbox, [](const Json& j) { return j["items"].size() == 1; });
    const auto file = files.dir / "national" /
                      ("inspection-report-" + done["items"][0]["id"].get<std::string>() + ".xml");
    CHECK(ReadText(file).find("2503-118") != std::string::npos);
  }
  // Received while the folder's handover was off (a pull configuration), then restarted with it.
  config.inbound->handover.mode = inbound::HandoverMode::kPull;
  {
    TestGateway g(config);
    Inbound in(g);
    const auto a = in.Post(EnvelopeOf(
        {},
        Signed(WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(902)),
               files.keys),
        2));
    REQUIRE(a.read.message.signal);
  }
  config.inbound->handover.mode = inbound::HandoverMode::kFolder;
  TestGateway g(config);
  HttpCall inbox;
  inbox.url = g.Url("/v1/inbox?state=delivered");
  inbox.token = files.ru_token;
  WaitFor(inbox, [](const Json& j) { return j["items"].size() == 2; });
  size_t written = 0;
  for (const auto& e : std::filesystem::directory_iterator(files.dir / "national")) {
    written += e.path().extension() == ".xml" ? 1 : 0;
  }
  CHECK(written == 2);
}

}  // namespace eaeu::test
