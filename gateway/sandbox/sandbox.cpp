#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/sandbox/sandbox.hpp"
#include "gateway/sandbox/spool.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "codecs/xml_writer.hpp"
#include "gateway/checked_toml/reader.hpp"
#include "gateway/envelope/envelope.hpp"
#include "gateway/envelope/process_catalogue.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/envelope/signals.hpp"
#include "gateway/inbound/receiver.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/trust_store.hpp"
#include "gateway/summary/summary.hpp"
#include "gateway/transport/http_client.hpp"
#include "gateway/transport/http_server.hpp"
#include "gateway/transport/tls_table.hpp"
#include "gateway/validate/validator.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::sandbox {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using envelope::Headers;
using envelope::SignalKind;
using Json = nlohmann::ordered_json;
using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

constexpr std::array<std::string_view, 8> kMisbehaviours = {
    "5xx",          "stall",  "drop-receipt", "duplicate",
    "out-of-order", "refuse", "fault",        "processing-receipt"};
// The ProcessingResultV2Code of a refusal (a processing result that is not positive).
constexpr std::string_view kRefused = "02";

std::string SegmentOf(std::string_view address) {
  constexpr std::string_view kScheme = "EAEU://";
  if (!address.starts_with(kScheme)) return {};
  address.remove_prefix(kScheme.size());
  return std::string(address.substr(0, address.find('/')));
}

HttpResponse Soap(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/soap+xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

HttpResponse JsonAnswer(unsigned status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(2) + "\n";
  return r;
}

// A document taken as it is, for load runs (check_documents = false): valid, of the kind its
// transaction carries, its EDocId read from the text (the first csdo:EDocId element).
validate::Validation Unchecked(std::string_view xml, std::string_view kind) {
  validate::Validation v;
  v.verdict.status = validate::Status::kValid;
  v.verdict.kind = model::KindFromName(kind);
  // The first start tag named EDocId (with any prefix and the namespaces canonical form puts on
  // it), and its text.
  constexpr std::string_view kName = "EDocId";
  for (size_t at = xml.find(kName); at != std::string_view::npos; at = xml.find(kName, at + 1)) {
    const size_t open = xml.rfind('<', at);
    const size_t after = at + kName.size();
    if (open == std::string_view::npos || xml[open + 1] == '/' || after >= xml.size() ||
        (xml[after] != '>' && xml[after] != ' ')) {
      continue;
    }
    const size_t text = xml.find('>', after);
    const size_t close = text == std::string_view::npos ? text : xml.find('<', text);
    if (close != std::string_view::npos) {
      v.verdict.e_doc_id = std::string(xml.substr(text + 1, close - text - 1));
    }
    break;
  }
  return v;
}

}  // namespace

Result<SandboxSettings> LoadSandboxSettings(const std::filesystem::path& file) {
  auto parsed = checked_toml::ParseTomlFile(file, "sandbox.syntax");
  if (!parsed) return parsed.error();
  const std::filesystem::path base = std::filesystem::absolute(file).parent_path();
  checked_toml::Problems problems(file);
  checked_toml::Section top(&*parsed, "", &problems);
  using PathKind = checked_toml::Section::PathKind;
  SandboxSettings out;
  out.file = file;
  checked_toml::Section s = top.Table("sandbox");
  if (!s.present()) top.Problem("sandbox", "the [sandbox] table is required");
  if (auto listen = s.String("listen")) {
    const auto colon = listen->rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
      try {
        port = std::stoi(listen->substr(colon + 1));
      } catch (const std::exception&) {
        port = -1;
      }
    }
    if (port < 0 || port > 65535) {
      s.Problem("listen", "must be host:port, such as \"127.0.0.1:8091\"");
    } else {
      out.listen = {listen->substr(0, colon), static_cast<uint16_t>(port)};
      if (!out.listen.IsLoopback()) s.Problem("listen", "the sandbox listens on loopback only");
    }
  }
  if (checked_toml::Section tls = s.Table("tls"); tls.present()) {
    out.tls = transport::ReadServerTls(tls, base);
  }
  if (auto p = s.Path("openssl_config", base, PathKind::kFile)) out.openssl_config = *p;
  if (auto p = s.Path("process_catalogue", base, PathKind::kFile, true)) {
    out.process_catalogue = *p;
  }
  if (auto p = s.Path("schema_catalog", base, PathKind::kFile, true)) out.schema_catalog = *p;
  for (const auto& folder : s.Strings("code_lists")) {
    std::filesystem::path p(folder);
    out.code_lists.push_back((p.is_relative() ? base / p : p).lexically_normal());
  }
  if (auto v = s.Duration("reply_after", 0ms, 24h)) out.reply_after = *v;
  if (auto v = s.Duration("stall", 0ms, 24h)) out.stall = *v;
  if (auto v = s.String("result_code")) out.result_code = *v;
  if (auto p = s.Path("signing_key", base, PathKind::kFile)) out.signing_key = *p;
  if (auto p = s.Path("signing_certificate", base, PathKind::kFile)) {
    out.signing_certificate = *p;
  }
  if (out.signing_key.empty() != out.signing_certificate.empty()) {
    s.Problem("signing_key", "signing_key and signing_certificate go together");
  }
  if (auto p = s.Path("trust", base, PathKind::kFolder)) out.trust = *p;
  if (auto v = s.Bool("processing_receipt")) out.processing_receipt = *v;
  if (auto v = s.Bool("check_documents")) out.check_documents = *v;
  if (auto dir = s.String("state_dir")) {
    const std::filesystem::path p(*dir);
    out.state_dir = (p.is_relative() ? base / p : p).lexically_normal();
  }
  if (auto v = s.Duration("redeliver_initial", 1ms, 1h)) out.redeliver_initial = *v;
  if (auto v = s.Duration("redeliver_max", 1ms, 24h)) out.redeliver_max = *v;
  if (out.redeliver_max < out.redeliver_initial) {
    s.Problem("redeliver_max", "must not be shorter than redeliver_initial");
  }
  for (checked_toml::Section& g : s.Tables("gateway")) {
    SandboxGateway gw;
    gw.country = g.String("country", true).value_or("");
    gw.endpoint = g.String("endpoint", true).value_or("");
    if (!gw.endpoint.starts_with("http://") && !gw.endpoint.starts_with("https://")) {
      g.Problem("endpoint", "must be an http:// or https:// URL");
    }
    g.RejectUnknown();
    out.gateways.push_back(std::move(gw));
  }
  s.RejectUnknown();
  top.RejectUnknown();
  if (!problems.empty()) return problems.ToError("sandbox.invalid");
  return out;
}

struct Sandbox::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context& io;
  SandboxSettings settings;
  const Clock* clock;
  RandomSource random;
  std::unique_ptr<validate::Validator> validator;
  envelope::ProcessCatalogue catalogue;
  std::unique_ptr<sign::Signer> signer;
  std::unique_ptr<sign::Verifier> verifier;  // null: signatures are not checked
  std::unique_ptr<transport::HttpServer> server;
  std::unique_ptr<transport::HttpClient> http;

  std::mutex gateways_mutex;  // guards settings.gateways

  std::mutex mutex;  // guards what follows
  std::unique_ptr<xml::SecureParser> parser;
  std::map<std::string, std::string> answers;  // "<to> <EDocId>" → the signal answered
  // "<to> <EDocId>" → the reply document a request was answered with: a duplicate of the request
  // (sent again because the reply did not reach its sender) gets the same reply again.
  std::map<std::string, std::string> replies;
  std::deque<std::string> plan;                // misbehaviours for the next envelopes
  Json taken = Json::array();                  // documents taken, in order
  Json sent = Json::array();                   // messages the sandbox sent, with their outcome
  std::vector<model::t4::ReportLine> reports;  // the reports the Commission took (TRN.001)
  uint64_t envelopes = 0;

  // What survives a restart (state_dir): the messages not yet taken by their gateway, the
  // answers and replies given (a duplicate after a restart is answered as the first time), and
  // the reports taken (for the summaries).
  Spool outbox;
  Spool answer_spool;
  Spool reply_spool;
  Spool report_spool;
  bool stopped = false;  // guarded by mutex

  Impl(asio::io_context& i, SandboxSettings s, const Clock* c, RandomSource r)
      : io(i), settings(std::move(s)), clock(c), random(std::move(r)) {}

  std::string NewMessageId() const { return "urn:uuid:" + NewUuid(random); }

  std::optional<std::string> GatewayOf(std::string_view country) {
    std::lock_guard lock(gateways_mutex);
    for (const auto& g : settings.gateways) {
      if (g.country == country) return g.endpoint;
    }
    return std::nullopt;
  }
  std::vector<SandboxGateway> Gateways() {
    std::lock_guard lock(gateways_mutex);
    return settings.gateways;
  }

  std::string FaultOf(const Headers& h, const envelope::FaultCode& code, std::string en,
                      std::string ru) const {
    envelope::Fault f;
    f.code = code;
    f.reason_en = std::move(en);
    f.reason_ru = std::move(ru);
    f.from = h.to.empty() ? catalogue.commission_address : h.to;
    f.message_id = NewMessageId();
    f.relates_to = h.message_id;
    f.relates_action = h.action;
    return envelope::BuildFault(f);
  }

  void Handle(HttpRequest request, Respond respond) {
    if (request.target == "/sandbox/state") {
      std::lock_guard lock(mutex);
      Json plan_json = Json::array();
      for (const auto& p : plan) plan_json.push_back(p);
      respond(JsonAnswer(
          200,
          Json{{"envelopes", envelopes}, {"taken", taken}, {"sent", sent}, {"plan", plan_json}}));
      return;
    }
    if (request.target == "/sandbox/misbehave") {
      const Json j = Json::parse(request.body, nullptr, false);
      const std::string what = j.is_object() ? j.value("what", "") : "";
      const int count = j.is_object() ? j.value("count", 1) : 0;
      if (std::find(kMisbehaviours.begin(), kMisbehaviours.end(), what) == kMisbehaviours.end() ||
          count < 1 || count > 1000) {
        respond(JsonAnswer(400, Json{{"error",
                                      "send {\"what\": \"5xx\" | \"stall\" | \"drop-receipt\" | "
                                      "\"duplicate\" | \"out-of-order\", \"count\": 1..1000}"}}));
        return;
      }
      std::lock_guard lock(mutex);
      for (int i = 0; i < count; ++i) plan.push_back(what);
      respond(JsonAnswer(200, Json{{"planned", plan.size()}}));
      return;
    }
    if (request.method != "POST") {
      respond(JsonAnswer(405, Json{{"error", "POST a SOAP 1.2 envelope"}}));
      return;
    }
    Envelope(std::move(request), std::move(respond));
  }

  void Envelope(HttpRequest request, Respond respond) {
    std::unique_lock lock(mutex);
    ++envelopes;
    const envelope::ReadResult read = envelope::Read(request.body, *parser);
    const envelope::Received& m = read.message;
    const Headers& h = m.headers;
    if (read.problem) {
      respond(Soap(
          400, FaultOf(h, read.problem->code, read.problem->reason_en, read.problem->reason_ru)));
      return;
    }
    if (m.signal || m.fault) {  // about one of the sandbox's own messages
      respond(Soap(202, ""));
      return;
    }
    std::string misbehave;
    if (!plan.empty()) {
      misbehave = plan.front();
      plan.pop_front();
    }
    if (misbehave == "fault") {
      respond(Soap(500, FaultOf(h, envelope::kInternalError,
                                "the sandbox was asked to answer this one with a fault",
                                "песочница отвечает на это сообщение ошибкой по запросу")));
      return;
    }
    if (misbehave == "5xx") {
      HttpResponse r;
      r.status = 503;
      r.content_type = "text/plain";
      r.body = "the sandbox was asked to fail this one\n";
      respond(std::move(r));
      return;
    }
    const envelope::Transaction* tr = nullptr;
    for (const auto& t : catalogue.transactions) {
      if (t.started_here && catalogue.Action(t, t.message) == h.action) tr = &t;
    }
    if (tr == nullptr) {
      respond(Soap(400, FaultOf(h, envelope::kActionNotSupported,
                                "the integrated system takes no " + h.action + " from an authority",
                                "интегрированная система не принимает " + h.action)));
      return;
    }
    const std::string sender = SegmentOf(h.reply_to);
    const std::string receiver = SegmentOf(h.to);
    const bool to_commission = h.to == catalogue.commission_address;
    const bool to_authority =
        tr->respondent == envelope::Respondent::kOtherAuthorities && receiver != sender &&
        h.to == catalogue.AddressOf(receiver, catalogue.authority_participant);
    if (!(tr->respondent == envelope::Respondent::kCommission ? to_commission : to_authority)) {
      respond(Soap(400, FaultOf(h, envelope::kDestinationUnreachable,
                                "no participant " + h.to + " for " + tr->code,
                                "участник " + h.to + " недоступен для " + tr->code)));
      return;
    }
    // A notice to a state whose gateway takes part is passed on, and its answer relayed.
    if (const auto gateway = to_authority ? GatewayOf(receiver) : std::nullopt) {
      lock.unlock();
      transport::PostRequest post;
      post.url = *gateway;
      post.content_type = "application/soap+xml; charset=utf-8";
      post.body = std::move(request.body);
      http->Post(std::move(post), [respond](transport::PostResult r) {
        HttpResponse answer;
        answer.status = r.answered() ? static_cast<unsigned>(r.status) : 502;
        answer.content_type = r.content_type.empty() ? "text/plain" : r.content_type;
        answer.body = r.answered() ? r.body : "the receiving gateway did not answer: " + r.error;
        respond(std::move(answer));
      });
      return;
    }

    validate::RuleContext context;
    context.today = UtcDate(clock->Now());
    context.sender_country = sender;
    const auto validation =
        settings.check_documents
            ? validator->Validate(std::make_shared<const std::string>(m.body_xml),
                                  validate::InputFormat::kXml, context)
            : Unchecked(m.body_xml, tr->kind);
    const auto& verdict = validation.verdict;
    envelope::Signal signal;
    signal.signal_id = NewUuid(random);
    signal.date_time = FormatUtc(clock->Now());
    const std::optional<envelope::SignalError> untrusted =
        verdict.valid() ? SignatureProblem(validation, verdict, tr->signature_required)
                        : std::nullopt;
    if (!verdict.valid()) {
      signal.kind = SignalKind::kValidationError;
      signal.errors = inbound::SignalErrorsOf(verdict);
    } else if (untrusted) {
      signal.kind = SignalKind::kValidationError;
      signal.errors.push_back(*untrusted);
    } else if (misbehave == "refuse" && tr->pattern == envelope::Pattern::kNotification) {
      signal.kind = SignalKind::kValidationError;
      signal.errors.push_back(
          {std::string(envelope::kDataError), "песочница отклоняет это сообщение по запросу",
           "the sandbox was asked to refuse this message", verdict.e_doc_id, ""});
    } else if (!verdict.kind || model::KindName(*verdict.kind) != tr->kind) {
      signal.kind = SignalKind::kValidationError;
      signal.errors.push_back({std::string(envelope::kUnexpectedMessage),
                               "сообщение " + tr->message + " несёт другой документ",
                               "message " + tr->message + " carries another document",
                               verdict.e_doc_id, ""});
    }
    const std::string key = h.to + " " + verdict.e_doc_id;
    const auto first = answers.find(key);
    const bool duplicate = verdict.valid() && !untrusted && first != answers.end();
    std::string signal_xml;
    if (duplicate) {
      signal_xml = first->second;
    } else {
      signal_xml = envelope::SignalXml(signal);
      if (signal.kind == SignalKind::kDeliveryReceipt) {
        answers[key] = signal_xml;
        Keep(answer_spool, key, signal_xml);
        taken.push_back({{"to", h.to},
                         {"from", h.reply_to},
                         {"kind", tr->kind},
                         {"eDocId", verdict.e_doc_id},
                         {"messageId", h.message_id},
                         {"conversationId", h.conversation_id}});
        const auto* report = validation.document
                                 ? std::get_if<model::InspectionReport>(&*validation.document)
                                 : nullptr;
        if (report && h.to == catalogue.commission_address && misbehave != "refuse") {
          if (auto line = summary::SummaryLineOf(*report)) {
            // A report sent again (a new EDocId) replaces the one with its number and state.
            std::erase_if(reports, [&](const model::t4::ReportLine& r) {
              return r.doc_id == line->doc_id && r.country_code == line->country_code;
            });
            reports.push_back(std::move(*line));
            Keep(report_spool, report->report->country_code + " " + report->report->doc_id,
                 m.body_xml);
          }
        }
      }
    }
    const auto kind = envelope::KindOfSignalXml(signal_xml).value_or(SignalKind::kDeliveryReceipt);
    HttpResponse answer = Soap(200, envelope::SignalEnvelope(h, kind, signal_xml, NewMessageId()));
    if (misbehave == "drop-receipt") answer.body.clear();
    lock.unlock();
    spdlog::info("sandbox: {} {} from {} to {}: {}{}", tr->code, verdict.e_doc_id, h.reply_to, h.to,
                 envelope::SignalRoot(kind), duplicate ? " (a duplicate)" : "");

    const bool accepted = kind == SignalKind::kDeliveryReceipt && !duplicate;
    if (!accepted) {
      // A request sent again: its reply may not have reached the sender; it is sent again, the
      // same document (exchange.md §4: a duplicate gets the answer the first one got).
      if (duplicate && tr->pattern == envelope::Pattern::kRequestResponse) {
        bool replied = false;
        {
          std::lock_guard relock(mutex);
          replied = replies.contains(h.to + " " + verdict.e_doc_id);
        }
        if (replied) {
          Send(h.reply_to, ReplyTo(*tr, h, verdict.e_doc_id, validation.document, false),
               tr->code + " reply again about " + verdict.e_doc_id, settings.reply_after, {});
        }
      }
      respond(std::move(answer));
      return;
    }
    if (tr->pattern == envelope::Pattern::kRequestResponse) {
      const int copies = misbehave == "duplicate" ? 2 : 1;
      std::string reply =
          ReplyTo(*tr, h, verdict.e_doc_id, validation.document, misbehave == "refuse");
      if (misbehave == "out-of-order") {
        // The reply goes first; the receipt is answered once it was taken.
        Send(h.reply_to, std::move(reply),
             tr->code + " reply about " + verdict.e_doc_id + " before its receipt", 0ms,
             [respond, answer]() mutable { respond(std::move(answer)); });
        return;
      }
      auto replies_out = [self = shared_from_this(), to = h.reply_to, reply, copies,
                          what = tr->code + " reply about " + verdict.e_doc_id] {
        for (int i = 0; i < copies; ++i)
          self->Send(to, reply, what, self->settings.reply_after, {});
      };
      if (settings.processing_receipt || misbehave == "processing-receipt") {
        // Accepted for processing: the receipt goes first, then the reply.
        envelope::Signal receipt;
        receipt.kind = SignalKind::kProcessingReceipt;
        receipt.signal_id = NewUuid(random);
        receipt.date_time = FormatUtc(clock->Now());
        Headers to_sender = h;
        Send(h.reply_to, envelope::SignalEnvelope(to_sender, receipt, NewMessageId()),
             tr->code + " ProcessingReceipt", settings.reply_after, replies_out);
      } else {
        replies_out();
      }
    }
    if (tr->kind == model::KindName(model::DocumentKind::kInspectionReport) &&
        misbehave != "refuse") {
      Distribute(h, m.body_xml, sender);
    }
    if (misbehave == "stall") {
      auto timer = std::make_shared<asio::steady_timer>(io, settings.stall);
      timer->async_wait([timer, respond, answer](boost::system::error_code) mutable {
        respond(std::move(answer));
      });
      return;
    }
    respond(std::move(answer));
  }

  // The reply to the request `h` about `e_doc_id`: the summary of the reports that answer a
  // summary request (MSG.008), or else the R.006 processing result.
  std::string ReplyTo(const envelope::Transaction& tr, const Headers& h,
                      const std::string& e_doc_id, const std::optional<model::Document>& document,
                      bool refuse) {
    const DateTime now = UtcDateTime(clock->Now());
    auto header = [&](const char* structure) {
      model::EDocHeader out;
      out.inf_envelope_code = tr.reply_message;
      out.e_doc_code = structure;
      out.e_doc_id = NewUuid(random);
      out.e_doc_ref_id = e_doc_id;
      out.e_doc_date_time = now;
      return out;
    };
    const std::string key = h.to + " " + e_doc_id;
    std::string body;
    {
      std::lock_guard lock(mutex);
      if (auto it = replies.find(key); it != replies.end()) body = it->second;
    }
    const auto* request = document ? std::get_if<model::SummaryRequest>(&*document) : nullptr;
    if (body.empty() && request && !refuse) {
      model::SummaryReport answer;
      answer.header = header("R.HC.MM.00.004");
      answer.period = request->period;
      std::lock_guard lock(mutex);
      answer.reports = summary::Summarise(*request, reports);
      if (!answer.reports.empty()) body = codec::WriteXml(answer, validator->catalog());
    }
    if (body.empty()) {
      // T4-R2: a summary request that nothing answers gets R.006 too.
      model::ProcessingResult result;
      result.header = header("R.006");
      result.event_date_time = now;
      result.result_code = refuse ? std::string(kRefused) : settings.result_code;
      result.description = refuse ? "Песочница отклоняет сведения по запросу"
                           : request ? "За период нет отчётов, отвечающих запросу"
                                     : "Сведения приняты песочницей интегрированной системы";
      body = codec::WriteXml(result, validator->catalog());
    }
    {
      std::lock_guard lock(mutex);
      if (replies.emplace(key, body).second) Keep(reply_spool, key, body);
    }
    Headers back;
    back.to = h.reply_to;
    back.reply_to = h.to;
    back.message_id = NewMessageId();
    back.relates_to = h.message_id;
    back.action = catalogue.Action(tr, tr.reply_message);
    back.procedure_id = h.procedure_id;
    back.conversation_id = h.conversation_id;
    return envelope::Build(back, Signed(std::move(body)));
  }

  std::string Signed(std::string xml) const {
    if (!signer) return xml;
    // The sandbox wrote the document itself: read, not validated again, to be signed.
    auto tree = validator->ReadTree(xml);
    if (!tree) return xml;
    auto signed_text =
        signer->Sign(**tree, xml, std::chrono::system_clock::to_time_t(clock->Now()));
    if (!signed_text) {
      spdlog::warn("sandbox: not signed: {}", signed_text.error().ToString());
      return xml;
    }
    return std::move(*signed_text);
  }

  // TRN.002: the Commission sends the report to every other state's gateway that takes part.
  void Distribute(const Headers& h, const std::string& report, const std::string& sender) {
    const auto* tr = [&]() -> const envelope::Transaction* {
      for (const auto& t : catalogue.transactions) {
        if (!t.started_here && t.kind == model::KindName(model::DocumentKind::kInspectionReport))
          return &t;
      }
      return nullptr;
    }();
    if (tr == nullptr) return;
    for (const auto& g : Gateways()) {
      if (g.country == sender) continue;
      Headers out;
      out.to = catalogue.AddressOf(g.country, catalogue.authority_participant);
      out.reply_to = catalogue.commission_address;
      out.message_id = NewMessageId();
      out.action = catalogue.Action(*tr, tr->message);
      out.procedure_id = h.procedure_id;
      out.conversation_id = NewUuid(random);
      Send(out.to, envelope::Build(out, report), tr->code, settings.reply_after, {});
    }
  }

  // The signature of an accepted document, checked against the trust store like the Commission
  // does: one that does not verify, or leads to no trusted certificate, is refused, and so is a
  // document without one when the transaction requires it. The error of the ValidationError.
  std::optional<envelope::SignalError> SignatureProblem(const validate::Validation& validation,
                                                        const validate::Verdict& verdict,
                                                        bool required) const {
    if (!verifier || !validation.tree) return std::nullopt;
    sign::VerifyOptions options;
    options.now = std::chrono::system_clock::to_time_t(clock->Now());
    const sign::SignatureVerdict sv = verifier->Verify(*validation.tree, options);
    if (sv.valid) return std::nullopt;
    if (!required && sv.failed == sign::SignatureCheck::kPresence) return std::nullopt;
    envelope::SignalError e;
    e.code = sv.Code();
    e.description =
        "подпись документа не принята: " +
        std::string(sign::CheckName(sv.failed.value_or(sign::SignatureCheck::kPresence)));
    e.details = "the document's signature is not accepted: " + sv.reason;
    e.e_doc_id = verdict.e_doc_id;
    return e;
  }

  // Writes what must survive a restart; a spool that cannot be written is logged (the sandbox
  // goes on in memory).
  void Keep(const Spool& spool, const std::string& key, const std::string& content) const {
    if (auto st = spool.Put(Spool::NameOf(key), key + "\n" + content); !st) {
      spdlog::error("sandbox: {}", st.error().ToString());
    }
  }

  // Sends `envelope_xml` to the gateway of `to`'s state after `after`, and again with back-off
  // until that gateway takes it (a 2xx answer that is not a refusal); written to the outbox
  // first, so that a restart sends it on. `then` runs after the first attempt.
  void Send(const std::string& to, std::string envelope_xml, std::string what,
            std::chrono::milliseconds after, std::function<void()> then) {
    const std::string id = NewUuid(random);
    if (auto st = outbox.Put(id, to + "\n" + what + "\n" + envelope_xml); !st) {
      spdlog::error("sandbox: {} to {} is kept in memory only: {}", what, to,
                    st.error().ToString());
    }
    Attempt(id, to, std::make_shared<const std::string>(std::move(envelope_xml)), std::move(what),
            after, std::move(then), 1);
  }

  void Attempt(std::string id, std::string to, std::shared_ptr<const std::string> envelope_xml,
               std::string what, std::chrono::milliseconds after, std::function<void()> then,
               int attempt) {
    auto timer = std::make_shared<asio::steady_timer>(io, after);
    timer->async_wait([self = shared_from_this(), timer, id = std::move(id), to = std::move(to),
                       envelope_xml, what = std::move(what), then = std::move(then),
                       attempt](boost::system::error_code ec) mutable {
      if (ec) return;
      {
        std::lock_guard lock(self->mutex);
        if (self->stopped) return;
      }
      const auto endpoint = self->GatewayOf(SegmentOf(to));
      if (!endpoint) {
        self->Retry(std::move(id), std::move(to), envelope_xml, std::move(what), std::move(then),
                    attempt, "no gateway of " + SegmentOf(to) + " takes part in the sandbox");
        return;
      }
      transport::PostRequest post;
      post.url = *endpoint;
      post.content_type = "application/soap+xml; charset=utf-8";
      post.body = *envelope_xml;
      self->http->Post(std::move(post), [self, id = std::move(id), to = std::move(to), envelope_xml,
                                         what = std::move(what), then = std::move(then),
                                         attempt](transport::PostResult r) mutable {
        const std::string refusal = r.answered() ? self->RefusalIn(r.body) : std::string();
        if (r.status >= 200 && r.status < 300 && refusal.empty()) {
          self->outbox.Remove(id);
          self->Record(to, what, "HTTP " + std::to_string(r.status), attempt);
        } else if (!refusal.empty()) {
          // The gateway took it and refused it: sending it again would be refused again.
          self->outbox.Remove(id);
          self->Record(to, what, "refused: " + refusal, attempt);
        } else {
          self->Retry(std::move(id), std::move(to), envelope_xml, std::move(what), {}, attempt,
                      r.answered() ? "HTTP " + std::to_string(r.status) : "no answer: " + r.error);
        }
        if (then) then();
      });
    });
  }

  void Retry(std::string id, std::string to, std::shared_ptr<const std::string> envelope_xml,
             std::string what, std::function<void()> then, int attempt, const std::string& why) {
    const auto wait = std::min<std::chrono::milliseconds>(
        settings.redeliver_max, settings.redeliver_initial * (1ll << std::min(attempt - 1, 20)));
    spdlog::warn("sandbox: {} to {} not taken ({}); sent again in {} ms", what, to, why,
                 wait.count());
    if (then) then();
    Attempt(std::move(id), std::move(to), std::move(envelope_xml), std::move(what), wait, {},
            attempt + 1);
  }

  // What a gateway's answer refuses: its Fault or ValidationError, in words; empty otherwise.
  std::string RefusalIn(const std::string& body) {
    if (body.empty()) return {};
    std::lock_guard lock(mutex);
    const envelope::ReadResult read = envelope::Read(body, *parser);
    if (read.message.fault) {
      return "fault " + read.message.fault->subcode + ": " + read.message.fault->reason;
    }
    if (read.message.signal && read.message.signal->kind == SignalKind::kValidationError) {
      std::string why = "ValidationError";
      for (const auto& e : read.message.signal->errors) why += " " + e.code;
      return why;
    }
    return {};
  }

  // Takes back what the spools kept: the answers, the replies and the reports, and every message
  // not yet taken, sent on now.
  Status Restore() {
    auto keyed = [](const std::string& content) {
      const auto nl = content.find('\n');
      return nl == std::string::npos ? std::pair<std::string, std::string>{}
                                     : std::pair<std::string, std::string>{content.substr(0, nl),
                                                                           content.substr(nl + 1)};
    };
    auto answers_kept = answer_spool.All();
    if (!answers_kept) return answers_kept.error();
    for (const auto& [name, content] : *answers_kept) answers.insert(keyed(content));
    auto replies_kept = reply_spool.All();
    if (!replies_kept) return replies_kept.error();
    for (const auto& [name, content] : *replies_kept) replies.insert(keyed(content));
    auto reports_kept = report_spool.All();
    if (!reports_kept) return reports_kept.error();
    for (const auto& [name, content] : *reports_kept) {
      auto document = validator->Read(keyed(content).second);
      const auto* report = document ? std::get_if<model::InspectionReport>(&*document) : nullptr;
      if (report == nullptr) continue;
      if (auto line = summary::SummaryLineOf(*report)) reports.push_back(std::move(*line));
    }
    auto pending = outbox.All();
    if (!pending) return pending.error();
    for (auto& [id, content] : *pending) {
      const auto first = content.find('\n');
      const auto second = first == std::string::npos ? first : content.find('\n', first + 1);
      if (second == std::string::npos) {
        outbox.Remove(id);
        continue;
      }
      spdlog::info("sandbox: {} to {} was not taken before the restart: sent on",
                   content.substr(first + 1, second - first - 1), content.substr(0, first));
      Attempt(id, content.substr(0, first),
              std::make_shared<const std::string>(content.substr(second + 1)),
              content.substr(first + 1, second - first - 1), 0ms, {}, 1);
    }
    return Ok{};
  }

  void Record(const std::string& to, const std::string& what, const std::string& outcome,
              int attempts) {
    spdlog::info("sandbox: sent {} to {}: {}", what, to, outcome);
    std::lock_guard lock(mutex);
    sent.push_back({{"to", to}, {"what", what}, {"outcome", outcome}, {"attempts", attempts}});
  }
};

Result<std::unique_ptr<Sandbox>> Sandbox::Start(asio::io_context& io,
                                                const SandboxSettings& settings, const Clock* clock,
                                                RandomSource random) {
  if (auto crypto = sign::InitialiseCrypto(settings.openssl_config); !crypto) {
    return crypto.error();
  }
  auto impl = std::make_shared<Impl>(io, settings, clock, std::move(random));
  validate::ValidatorSettings vs;
  vs.schema_catalog = settings.schema_catalog;
  vs.code_lists = settings.code_lists;
  auto validator = validate::Validator::Create(vs);
  if (!validator) return validator.error();
  impl->validator = std::move(*validator);
  auto catalogue = envelope::LoadProcessCatalogue(settings.process_catalogue);
  if (!catalogue) return catalogue.error();
  impl->catalogue = std::move(*catalogue);
  if (!settings.signing_key.empty()) {
    auto credentials =
        sign::SigningCredentials::FromPem(settings.signing_key, settings.signing_certificate, {});
    if (!credentials) return credentials.error();
    auto signer = sign::MakeSigner(*credentials);
    if (!signer) return signer.error();
    impl->signer = std::move(*signer);
  }
  if (!settings.trust.empty()) {
    auto trust = sign::TrustStore::Load(settings.trust);
    if (!trust) return trust.error();
    impl->verifier = sign::MakeVerifier(*trust);
  }
  impl->parser =
      std::make_unique<xml::SecureParser>(impl->validator->grammar_pool(), xml::ParserLimits{});
  impl->http = std::make_unique<transport::HttpClient>(io);
  if (!settings.state_dir.empty()) {
    for (auto [spool, folder] :
         {std::pair{&impl->outbox, "outbox"}, std::pair{&impl->answer_spool, "answers"},
          std::pair{&impl->reply_spool, "replies"}, std::pair{&impl->report_spool, "reports"}}) {
      auto opened = Spool::Open(settings.state_dir / folder);
      if (!opened) return opened.error();
      *spool = std::move(*opened);
    }
  }
  if (auto st = impl->Restore(); !st) return st.error();
  transport::HttpServerSettings hs;
  hs.listen = settings.listen;
  hs.tls = settings.tls;
  std::weak_ptr<Impl> weak = impl;
  auto server = transport::HttpServer::Start(
      io, hs,
      [weak](HttpRequest r, Respond respond) {
        if (auto self = weak.lock()) self->Handle(std::move(r), std::move(respond));
      },
      [](unsigned status, std::string detail) {
        return JsonAnswer(status, Json{{"error", std::move(detail)}});
      });
  if (!server) return server.error();
  impl->server = std::move(*server);
  spdlog::info("sandbox: the integrated system on {}://{}:{}; gateways taking part: {}",
               settings.tls ? "https" : "http", settings.listen.host, impl->server->port(),
               settings.gateways.size());
  return std::unique_ptr<Sandbox>(new Sandbox(std::move(impl)));
}

Sandbox::Sandbox(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Sandbox::~Sandbox() {
  Stop();
  // Its event loop has stopped: the client goes with the sends still in it, whose callbacks hold
  // the sandbox (a send to a gateway that was down is always in flight or due).
  impl_->http.reset();
}

uint16_t Sandbox::port() const {
  return impl_->server->port();
}

Status Sandbox::ReloadTls() {
  return impl_->server->ReloadTls();
}

void Sandbox::Join(SandboxGateway gateway) {
  std::lock_guard lock(impl_->gateways_mutex);
  auto& all = impl_->settings.gateways;
  std::erase_if(all, [&](const SandboxGateway& g) { return g.country == gateway.country; });
  all.push_back(std::move(gateway));
}

void Sandbox::Stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopped = true;
  }
  if (impl_->server) impl_->server->Stop();
}

}  // namespace eaeu::sandbox
