#include "gateway/inbound/receiver.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gateway/envelope/signals.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/verdict_json.hpp"
#include "gateway/validate/validator.hpp"
#include "gateway/validate/verdict_json.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::inbound {
namespace {

using envelope::FaultCode;
using envelope::Headers;
using envelope::Signal;
using envelope::SignalKind;
using store::MessageState;
using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

constexpr std::string_view kSoapContentType = "application/soap+xml; charset=utf-8";

// The segment of a logical address: "KZ" of "EAEU://KZ/CP/…".
std::string SegmentOf(std::string_view address) {
  constexpr std::string_view kScheme = "EAEU://";
  if (!address.starts_with(kScheme)) return {};
  address.remove_prefix(kScheme.size());
  return std::string(address.substr(0, address.find('/')));
}

// The participant: what follows the process in EAEU://<seg>/CP/<process>/<participant>.
std::string ParticipantOf(std::string_view address) {
  const auto last = address.rfind('/');
  return last == std::string_view::npos ? std::string() : std::string(address.substr(last + 1));
}

bool IsMemberState(const envelope::ProcessCatalogue& c, std::string_view segment) {
  return std::find(c.member_states.begin(), c.member_states.end(), segment) !=
         c.member_states.end();
}

HttpResponse Soap(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kSoapContentType);
  r.body = std::move(body);
  return r;
}

// SOAP 1.2 over HTTP: a Sender fault is 400, a Receiver fault 500.
unsigned FaultStatus(const FaultCode& code) {
  return code.value == "soap:Sender" ? 400 : 500;
}

// The document kinds that may answer a request of `transaction`: the processing result R.006
// always, and the transaction's own reply document (the summary report answers its request).
bool IsExpectedReply(const envelope::Transaction& transaction, std::string_view kind) {
  if (kind == model::KindName(model::DocumentKind::kProcessingResult)) return true;
  return transaction.kind == model::KindName(model::DocumentKind::kSummaryRequest) &&
         kind == model::KindName(model::DocumentKind::kSummaryReport);
}

// Parsers for envelopes: one per request under way, kept for the next.
class ParserPool {
 public:
  explicit ParserPool(std::shared_ptr<const xml::GrammarPool> grammars)
      : grammars_(std::move(grammars)) {}

  std::unique_ptr<xml::SecureParser> Take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto p = std::move(free_.back());
        free_.pop_back();
        return p;
      }
    }
    return std::make_unique<xml::SecureParser>(grammars_, xml::ParserLimits{});
  }
  void Give(std::unique_ptr<xml::SecureParser> parser) {
    std::lock_guard lock(mutex_);
    if (free_.size() < 16) free_.push_back(std::move(parser));
  }

 private:
  std::shared_ptr<const xml::GrammarPool> grammars_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<xml::SecureParser>> free_;
};

}  // namespace

std::vector<envelope::SignalError> SignalErrorsOf(const validate::Verdict& verdict) {
  std::vector<envelope::SignalError> out;
  for (const auto& v : verdict.violations) {
    if (v.severity != validate::Severity::kError) continue;
    envelope::SignalError e;
    const bool structural = v.rule_id == "XSD" || v.rule_id == "XML" || v.rule_id == "JSON" ||
                            verdict.status == validate::Status::kUnusable;
    e.code = structural ? std::string(envelope::kDataError) : v.rule_id;
    e.description = v.message_ru.empty() ? v.message_en : v.message_ru;
    e.details = v.message_ru.empty() ? std::string() : v.message_en;
    e.e_doc_id = verdict.e_doc_id;
    e.reference = v.path;
    out.push_back(std::move(e));
  }
  if (out.empty()) {
    envelope::SignalError e;
    e.code = std::string(envelope::kDataError);
    e.description = "документ не прошёл проверку";
    e.details = "the document failed its checks";
    e.e_doc_id = verdict.e_doc_id;
    out.push_back(std::move(e));
  }
  return out;
}

struct Receiver::Impl : std::enable_shared_from_this<Impl> {
  ReceiverDependencies deps;
  ReceiverSettings settings;
  std::string address;
  ParserPool parsers;
  struct Counters {
    std::atomic<uint64_t> accepted{0}, duplicates{0}, rejected{0}, faults{0}, signals{0};
  } counts;

  Impl(ReceiverDependencies d, ReceiverSettings s)
      : deps(std::move(d)),
        settings(std::move(s)),
        address(deps.catalogue->AddressOf(settings.country, deps.catalogue->authority_participant)),
        parsers(deps.validator->grammar_pool()) {}

  std::string NewMessageId() const { return "urn:uuid:" + NewUuid(deps.random); }

  store::Diagnostics DiagnosticsOf(const envelope::Received& m, std::string status) const {
    store::Diagnostics d;
    const Headers& h = m.headers;
    d.action = h.action;
    d.to = h.to;
    d.reply_to = h.reply_to;
    d.from = m.from;
    d.message_id = h.message_id;
    d.relates_to = h.relates_to;
    d.conversation_id = h.conversation_id;
    d.track_id = m.track_id;
    d.accept_time = m.accept_time;
    d.message_type = m.signal ? "signal" : (m.fault ? "fault" : "application");
    d.status = std::move(status);
    // int://CP/<process>/<version>/<procedure>/<transaction>/<message>
    std::string_view a = h.action;
    if (a.starts_with("int://CP/")) {
      a.remove_prefix(9);
      std::string* parts[] = {&d.process_code, &d.process_version, &d.procedure_code,
                              &d.transaction_code, &d.message_code};
      for (std::string* part : parts) {
        const auto slash = a.find('/');
        *part = std::string(a.substr(0, slash));
        if (slash == std::string_view::npos) break;
        a.remove_prefix(slash + 1);
      }
    }
    return d;
  }

  void Handle(HttpRequest request, Respond respond) {
    if (request.method != "POST") {
      HttpResponse r;
      r.status = 405;
      r.content_type = "text/plain";
      r.body = "the integrated system's endpoint takes POST of a SOAP 1.2 envelope\n";
      r.headers.emplace_back("Allow", "POST");
      respond(std::move(r));
      return;
    }
    if (!settings.peer_certificates.empty()) {
      const auto& peers = settings.peer_certificates;
      if (std::find(peers.begin(), peers.end(), request.client_certificate_sha256) == peers.end()) {
        spdlog::warn("inbound: refused a sender from {} (client certificate SHA-256 \"{}\")",
                     request.remote, request.client_certificate_sha256);
        HttpResponse r;
        r.status = 403;
        r.content_type = "text/plain";
        r.body = "the client certificate is not one of inbound.peer_certificates\n";
        respond(std::move(r));
        return;
      }
    }
    deps.post([self = shared_from_this(), request = std::move(request),
               respond = std::move(respond)]() mutable {
      self->Check(std::move(request), std::move(respond));
    });
  }

  void Check(HttpRequest request, Respond respond) {
    envelope::ReadResult read;
    {
      auto parser = parsers.Take();
      read = envelope::Read(request.body, *parser);
      parsers.Give(std::move(parser));
    }
    envelope::Received& m = read.message;
    if (read.problem) {
      Fault(std::move(request.body), m, read.problem->code, read.problem->reason_en,
            read.problem->reason_ru, std::move(respond));
      return;
    }
    if (m.signal || m.fault) {
      ++counts.signals;
      HttpResponse r;
      r.status = 202;
      r.content_type = "text/plain";
      respond(std::move(r));
      if (deps.answered) deps.answered(std::move(m));
      return;
    }
    if (m.headers.to != address) {
      Fault(std::move(request.body), m, envelope::kDestinationUnreachable,
            "wsa:To \"" + m.headers.to + "\" is not this gateway's address " + address,
            "wsa:To \"" + m.headers.to + "\" не является адресом этого шлюза " + address,
            std::move(respond));
      return;
    }
    const auto incoming = deps.catalogue->Incoming(m.headers.action);
    if (!incoming) {
      Fault(std::move(request.body), m, envelope::kActionNotSupported,
            "wsa:Action \"" + m.headers.action + "\" is not a message an authority receives",
            "wsa:Action \"" + m.headers.action +
                "\" не является сообщением, которое принимает уполномоченный орган",
            std::move(respond));
      return;
    }
    if (incoming->reply && m.headers.relates_to.empty()) {
      Fault(std::move(request.body), m, envelope::kHeaderRequired,
            "wsa:RelatesTo is required on the reply " + incoming->message,
            "в ответе " + incoming->message + " обязателен заголовок wsa:RelatesTo",
            std::move(respond));
      return;
    }
    Document(std::move(m), *incoming, std::move(respond));
  }

  // A header error: a Fault, journalled with the envelope as it came.
  void Fault(std::string bytes, const envelope::Received& m, const FaultCode& code,
             std::string reason_en, std::string reason_ru, Respond respond) {
    ++counts.faults;
    envelope::Fault fault;
    fault.code = code;
    fault.reason_ru = std::move(reason_ru);
    fault.reason_en = std::move(reason_en);
    fault.from = address;
    fault.message_id = NewMessageId();
    fault.relates_to = m.headers.message_id;
    fault.relates_action = m.headers.action;
    std::string answer = envelope::BuildFault(fault);
    spdlog::warn("inbound: header error {} ({}), MessageID \"{}\"", code.subcode, fault.reason_en,
                 m.headers.message_id);

    store::NewMessage record;
    record.id = NewTimeOrderedUuid(deps.clock->Now(), deps.random);
    record.direction = store::Direction::kInbound;
    record.sender_country = SegmentOf(m.headers.reply_to);
    record.sender_participant = ParticipantOf(m.headers.reply_to);
    record.kind = m.body_name;
    record.content_type = "application/soap+xml";
    record.payload = std::move(bytes);
    record.state = MessageState::kRejected;
    record.violations = nlohmann::json{{"fault", code.subcode}, {"reason", fault.reason_en}}.dump();
    record.at = deps.clock->Now();
    record.diagnostics = DiagnosticsOf(m, "header-error");
    record.diagnostics->error_code = std::string(code.subcode);
    record.diagnostics->error_text = fault.reason_en;
    record.answer = answer;
    const unsigned status = FaultStatus(code);
    deps.journal->AcceptAsync(
        std::move(record), [status, answer = std::move(answer),
                            respond = std::move(respond)](Result<store::AcceptOutcome> r) {
          if (!r) spdlog::error("inbound: the journal refused a fault: {}", r.error().ToString());
          respond(Soap(status, answer));
        });
  }

  Signal NewSignal(SignalKind kind) const {
    Signal s;
    s.kind = kind;
    s.signal_id = NewUuid(deps.random);
    s.date_time = FormatUtc(deps.clock->Now());
    return s;
  }

  void Document(envelope::Received m, const envelope::IncomingMessage& incoming, Respond respond) {
    const envelope::Transaction& tr = *incoming.transaction;
    const std::string segment = SegmentOf(m.headers.reply_to);
    validate::RuleContext context;
    context.today = UtcDate(deps.clock->Now());
    if (IsMemberState(*deps.catalogue, segment)) context.sender_country = segment;
    if (deps.calendars) context.calendars = deps.calendars();
    const auto verifier = deps.verifier ? deps.verifier() : nullptr;
    // The signature is verified on the validator's tree: no DOM, and a report file stays where
    // it is in the bytes.
    const auto body = std::make_shared<const std::string>(std::move(m.body_xml));
    validate::Validation validation =
        deps.validator->Validate(body, validate::InputFormat::kXml, context);
    const validate::Verdict& verdict = validation.verdict;
    const std::string kind =
        verdict.kind ? std::string(model::KindName(*verdict.kind)) : std::string();

    std::vector<envelope::SignalError> errors;
    std::string status = "accepted";
    if (!verdict.valid()) {
      errors = SignalErrorsOf(verdict);
      status = "rejected";
    } else if (incoming.reply ? !IsExpectedReply(tr, kind) : kind != tr.kind) {
      envelope::SignalError e;
      e.code = std::string(envelope::kUnexpectedMessage);
      e.description = "сообщение " + incoming.message + " не может содержать документ " + kind;
      e.details = "message " + incoming.message + " does not carry a " + kind;
      e.e_doc_id = verdict.e_doc_id;
      errors.push_back(std::move(e));
      status = "unexpected";
    }

    std::string signature;
    if (validation.tree) {
      if (verifier) {
        sign::VerifyOptions options;
        options.now = std::chrono::system_clock::to_time_t(deps.clock->Now());
        const sign::SignatureVerdict sv = verifier->Verify(*validation.tree, options);
        signature = sign::SignatureVerdictToJson(sv).dump(-1, ' ', false,
                                                          nlohmann::json::error_handler_t::replace);
        if (!sv.valid && tr.signature_required && errors.empty()) {
          envelope::SignalError e;
          e.code = sv.Code();
          e.description =
              "подпись документа не принята: " +
              std::string(sign::CheckName(sv.failed.value_or(sign::SignatureCheck::kPresence)));
          e.details = sv.reason;
          e.e_doc_id = verdict.e_doc_id;
          errors.push_back(std::move(e));
          status = "signature";
        }
      } else {
        signature = nlohmann::json{{"valid", nullptr},
                                   {"code", "signature.unchecked"},
                                   {"notes", {"no trust store is configured (inbound.trust)"}}}
                        .dump();
        if (tr.signature_required && errors.empty()) {
          envelope::SignalError e;
          e.code = "signature.unchecked";
          e.description = "подпись не может быть проверена: не настроены доверенные сертификаты";
          e.details = "the signature cannot be checked: inbound.trust is not configured";
          e.e_doc_id = verdict.e_doc_id;
          errors.push_back(std::move(e));
          status = "signature";
        }
      }
    }

    Signal answer =
        NewSignal(errors.empty() ? SignalKind::kDeliveryReceipt : SignalKind::kValidationError);
    answer.errors = std::move(errors);
    const bool accepted = answer.kind == SignalKind::kDeliveryReceipt;

    store::NewMessage record;
    record.id = NewTimeOrderedUuid(deps.clock->Now(), deps.random);
    record.direction = store::Direction::kInbound;
    record.sender_country = segment;
    record.sender_participant = ParticipantOf(m.headers.reply_to);
    record.kind = kind;
    record.e_doc_id = verdict.e_doc_id;
    record.content_type = "application/xml";
    record.payload = *body;
    record.state = accepted ? MessageState::kValidated : MessageState::kRejected;
    if (accepted && validation.document)
      record.certificates = intake::CertificatesOf(*validation.document);
    record.violations = validate::VerdictToJson(verdict).dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    record.at = deps.clock->Now();
    record.diagnostics = DiagnosticsOf(m, status);
    if (!accepted) {
      record.diagnostics->error_code = answer.errors.front().code;
      record.diagnostics->error_text = answer.errors.front().details.empty()
                                           ? answer.errors.front().description
                                           : answer.errors.front().details;
    }
    record.signature_verdict = std::move(signature);
    record.answer = envelope::SignalXml(answer);
    const std::string signal_xml = record.answer;
    deps.journal->AcceptAsync(std::move(record), [self = shared_from_this(), m = std::move(m),
                                                  reply = incoming.reply, accepted, signal_xml,
                                                  respond = std::move(respond)](
                                                     Result<store::AcceptOutcome> r) mutable {
      self->Committed(std::move(r), std::move(m), reply, accepted, signal_xml, std::move(respond));
    });
  }

  // The journal has the message (or had it already): answer, then hand it on.
  void Committed(Result<store::AcceptOutcome> r, envelope::Received m, bool reply, bool accepted,
                 const std::string& signal_xml, Respond respond) {
    if (!r) {
      spdlog::error("inbound: the journal refused a received message: {}", r.error().ToString());
      envelope::Fault fault;
      fault.code = envelope::kInternalError;
      fault.reason_ru = "сообщение не сохранено; повторите отправку позже";
      fault.reason_en = "the message could not be kept; send it again later";
      fault.from = address;
      fault.message_id = NewMessageId();
      fault.relates_to = m.headers.message_id;
      fault.relates_action = m.headers.action;
      respond(Soap(500, envelope::BuildFault(fault)));
      return;
    }
    if (r->duplicate) {
      ++counts.duplicates;
      // Answered as the first time: the first message's signal, related to this MessageID.
      deps.post([self = shared_from_this(), id = r->id, headers = m.headers,
                 respond = std::move(respond)] {
        auto first = self->deps.journal->Get(id);
        std::string body;
        if (first && *first) body = (*first)->answer;
        if (!envelope::KindOfSignalXml(body)) {
          body = envelope::SignalXml(self->NewSignal(SignalKind::kDeliveryReceipt));
        }
        spdlog::info("inbound: {} is a duplicate of message {}; answered as the first time",
                     headers.message_id, id);
        respond(Soap(200, envelope::SignalEnvelope(headers, *envelope::KindOfSignalXml(body), body,
                                                   self->NewMessageId())));
      });
      // A reply that comes again goes to delivery again: what the first one was to do there may
      // have been cut off by a crash after the journal kept it (delivery takes a reply to a
      // delivery already settled as nothing).
      if (reply && deps.answered) deps.answered(std::move(m));
      return;
    }
    ++(accepted ? counts.accepted : counts.rejected);
    respond(Soap(
        200, envelope::SignalEnvelope(
                 m.headers, accepted ? SignalKind::kDeliveryReceipt : SignalKind::kValidationError,
                 signal_xml, NewMessageId())));
    if (!accepted) return;
    const std::string id = r->id;
    deps.journal->TransitionAsync(
        id, MessageState::kQueued, "waiting for the national system", deps.clock->Now(), {},
        [self = shared_from_this(), id](Result<Ok> t) {
          if (!t) {
            spdlog::error("inbound: message {}: {}", id, t.error().ToString());
            return;
          }
          if (self->deps.taken) self->deps.taken(id);
        });
    if (reply && deps.answered) deps.answered(std::move(m));
  }
};

Receiver::Receiver(ReceiverDependencies deps, ReceiverSettings settings)
    : impl_(std::make_shared<Impl>(std::move(deps), std::move(settings))) {}

Receiver::~Receiver() = default;

void Receiver::Handle(HttpRequest request, Respond respond) const {
  impl_->Handle(std::move(request), std::move(respond));
}

const std::string& Receiver::address() const {
  return impl_->address;
}

Receiver::Stats Receiver::stats() const {
  const auto& c = impl_->counts;
  return {c.accepted.load(), c.duplicates.load(), c.rejected.load(), c.faults.load(),
          c.signals.load()};
}

}  // namespace eaeu::inbound
