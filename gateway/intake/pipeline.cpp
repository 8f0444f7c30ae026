#include "gateway/intake/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "gateway/sign/signature.hpp"
#include "gateway/validate/verdict_json.hpp"

namespace eaeu::intake {
namespace {

using store::MessageState;

std::string_view DefaultContentType(const validate::Validation& v) {
  return v.from_json ? "application/json" : "application/xml";
}

// A valid document that no transaction of the process lets an authority send.
void RejectUnroutable(validate::Verdict& verdict, std::string_view kind,
                      const envelope::ProcessCatalogue& catalogue) {
  validate::Violation v;
  v.rule_id = "PROCESS";
  v.path = "/";
  v.message_en = "an authority does not start any transaction of process " + catalogue.process +
                 " with a " + std::string(kind) + " (see the process catalogue)";
  v.message_ru = "Уполномоченный орган не начинает этим документом (" + std::string(kind) +
                 ") ни одну транзакцию процесса " + catalogue.process;
  v.source = "exchange.md §3";
  verdict.violations.push_back(std::move(v));
  verdict.status = validate::Status::kInvalid;
}

// The member state a document names as its sender, where it names one: the reporting state of an
// inspection report (T1 2.4), the authority of a notice (T2 3, rule SN-02) and the state that
// authorised a register's organization (↳ T3 1.8). A caller may
// submit only as its own state.
struct ClaimedSender {
  std::string country;
  std::string path;
};
std::optional<ClaimedSender> SenderNamedIn(const model::Document& document) {
  if (const auto* report = std::get_if<model::InspectionReport>(&document)) {
    if (report->report) {
      return ClaimedSender{report->report->country_code,
                           "/MedicalProductQmsInspectionDetails/InspectionReportDetails/"
                           "UnifiedCountryCode"};
    }
  }
  if (const auto* notice = std::get_if<model::SuspensionNotice>(&document)) {
    return ClaimedSender{notice->authority.unified_country_code.value_or(""),
                         "/MedicalProductReleaseSuspensionDetails/UnifiedAuthorityDetails/"
                         "UnifiedCountryCode"};
  }
  if (const auto* entry = std::get_if<model::RegisterEntry>(&document)) {
    return ClaimedSender{entry->organization.authorization.country_code,
                         "/MedicalProductInspectingOrganizationDetails/"
                         "InspectingOrganizationDetails/InspectionAuthorizationDocDetails/"
                         "UnifiedCountryCode"};
  }
  return std::nullopt;
}

bool SentAsAnotherState(validate::Verdict& verdict, const std::optional<model::Document>& document,
                        const std::string& caller_country) {
  if (!document) return false;
  const auto claimed = SenderNamedIn(*document);
  if (!claimed || claimed->country == caller_country) return false;
  validate::Violation v;
  v.rule_id = "SENDER";
  v.path = claimed->path;
  v.message_en = "the document is sent on behalf of " + claimed->country +
                 ", but the caller is bound to " + caller_country;
  v.message_ru = "Документ направлен от имени " + claimed->country + ", а отправитель привязан к " +
                 caller_country;
  v.source = "T1 2.4; T2 3 (SN-02); T3 1.8 (T3-R1)";
  verdict.violations.push_back(std::move(v));
  verdict.status = validate::Status::kInvalid;
  return true;
}

}  // namespace

std::vector<store::Delivery> PlannedDeliveries(const envelope::ProcessCatalogue& catalogue,
                                               const envelope::Transaction& transaction,
                                               const std::string& message_id,
                                               const std::string& country,
                                               const RandomSource& random) {
  std::vector<store::Delivery> out;
  for (const auto& to : catalogue.Destinations(transaction, country)) {
    store::Delivery d;
    d.message_id = message_id;
    d.destination = to;
    d.conversation_id = NewUuid(random);
    out.push_back(std::move(d));
  }
  return out;
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccepted:
      return "accepted";
    case Outcome::kDuplicate:
      return "duplicate";
    case Outcome::kInvalid:
      return "invalid";
    case Outcome::kUnusable:
      return "unusable";
    case Outcome::kForbidden:
      return "forbidden";
    case Outcome::kFailed:
      return "failed";
  }
  return "failed";
}

struct Pipeline::Impl : std::enable_shared_from_this<Impl> {
  PipelineDependencies deps;
  mutable std::mutex signer_mutex;
  std::shared_ptr<const sign::Signer> signer;

  // Work in flight, and the messages being signed (Resume leaves them alone).
  std::mutex work_mutex;
  std::condition_variable idle_cv;
  size_t in_flight = 0;
  std::unordered_set<std::string> signing;

  std::atomic<uint64_t> accepted{0}, duplicates{0}, rejected{0}, failed{0}, queued{0},
      sign_failures{0};

  // What signing a message needs besides its DOM.
  struct SignJob {
    std::string id;
    std::string kind;
    std::string country;
    std::string participant;
    std::shared_ptr<validate::Validation> validation;
    std::shared_ptr<const std::string> source;  // the XML text of the validation's tree
  };

  void Begin() {
    std::lock_guard lock(work_mutex);
    ++in_flight;
  }
  void End() {
    std::lock_guard lock(work_mutex);
    if (--in_flight == 0) idle_cv.notify_all();
  }
  // Whether this call owns the signing of `id` (false: another is under way).
  bool ClaimSigning(const std::string& id) {
    std::lock_guard lock(work_mutex);
    return signing.insert(id).second;
  }
  void ReleaseSigning(const std::string& id) {
    std::lock_guard lock(work_mutex);
    signing.erase(id);
  }

  std::shared_ptr<const sign::Signer> CurrentSigner() const {
    std::lock_guard lock(signer_mutex);
    return signer;
  }

  validate::RuleContext Context(const std::string& country) const {
    validate::RuleContext context;
    context.today = UtcDate(deps.clock->Now());
    context.sender_country = country;
    if (deps.calendars) context.calendars = deps.calendars();
    context.certificate_status = CertificateHistoryOf(*deps.journal);
    context.certificate_history_complete = deps.certificate_history_complete;
    return context;
  }

  void Observe(Stage stage, std::chrono::steady_clock::time_point start) const {
    if (deps.observe) deps.observe(stage, SecondsSince(start));
  }

  void Validate(Submission s, SubmitCallback done) {
    const auto validating = std::chrono::steady_clock::now();
    // Shared with the validation: a large report file is checked where it stands in them and
    // stays there for the signer (the tree keeps them alive).
    auto bytes = std::make_shared<const std::string>(std::move(s.bytes));
    auto validation = std::make_shared<validate::Validation>(
        deps.validator->Validate(bytes, s.format, Context(s.sender.country)));
    Observe(Stage::kValidate, validating);
    validate::Verdict& verdict = validation->verdict;
    std::string kind;
    if (verdict.kind) kind = std::string(model::KindName(*verdict.kind));
    const bool forbidden = SentAsAnotherState(verdict, validation->document, s.sender.country);
    if (verdict.valid() && deps.catalogue->ForKind(kind) == nullptr) {
      RejectUnroutable(verdict, kind, *deps.catalogue);
    }

    store::NewMessage m;
    m.id = NewTimeOrderedUuid(deps.clock->Now(), deps.random);
    m.direction = store::Direction::kOutbound;
    m.sender_country = s.sender.country;
    m.sender_participant = s.sender.participant;
    m.kind = kind;
    m.e_doc_id = verdict.e_doc_id;
    m.content_type =
        s.content_type.empty() ? std::string(DefaultContentType(*validation)) : s.content_type;
    m.state = verdict.valid() ? MessageState::kValidated : MessageState::kRejected;
    if (verdict.valid() && validation->document)
      m.certificates = CertificatesOf(*validation->document);
    // What the signer writes the signature into: the XML text as it came, or as JSON became.
    std::shared_ptr<const std::string> source;
    if (verdict.valid()) {
      source = validation->from_json
                   ? std::make_shared<const std::string>(std::move(validation->xml))
                   : bytes;
      validation->xml.clear();
    }
    // XML input is its own canonical XML: kept once, as the payload.
    if (verdict.valid() && validation->from_json) m.canonical_xml = *source;
    m.payload = *bytes;
    m.violations = validate::VerdictToJson(verdict).dump(-1, ' ', false,
                                                         nlohmann::json::error_handler_t::replace);
    m.at = deps.clock->Now();
    const std::string channel = s.channel;
    std::string id = m.id;
    // Left before the commit, so that a reader that follows the journal finds it: forgotten
    // again below unless the document is taken in under this id.
    const bool kept =
        verdict.valid() && validation->document && deps.recent &&
        deps.recent->Put(m.id,
                         std::make_shared<const model::Document>(std::move(*validation->document)),
                         source->size());

    deps.journal->AcceptAsync(
        std::move(m), [self = shared_from_this(), validation, source, done = std::move(done), kind,
                       sender = std::move(s.sender), channel, forbidden, kept, id = std::move(id),
                       asked = std::chrono::steady_clock::now()](Result<store::AcceptOutcome> r) {
          self->Observe(Stage::kJournal, asked);
          if (kept && (!r || r->duplicate || r->id != id)) self->deps.recent->Forget(id);
          SubmissionResult result;
          result.verdict = std::move(validation->verdict);
          if (!r) {
            ++self->failed;
            spdlog::error("intake channel={} sender={} journal refused: {}", channel, sender.name,
                          r.error().ToString());
            result.error = r.error();
            done(std::move(result));
            self->End();
            return;
          }
          result.message_id = r->id;
          result.state = r->state;
          if (r->duplicate) {
            ++self->duplicates;
            result.outcome = Outcome::kDuplicate;
          } else if (r->state == MessageState::kRejected) {
            ++self->rejected;
            result.outcome = forbidden ? Outcome::kForbidden
                             : result.verdict.status == validate::Status::kUnusable
                                 ? Outcome::kUnusable
                                 : Outcome::kInvalid;
          } else {
            ++self->accepted;
            result.outcome = Outcome::kAccepted;
          }
          spdlog::info("message={} intake channel={} sender={} {} kind={} e_doc_id={} outcome={}",
                       r->id, channel, sender.name, sender.country, kind.empty() ? "-" : kind,
                       result.verdict.e_doc_id.empty() ? "-" : result.verdict.e_doc_id,
                       OutcomeName(result.outcome));
          const bool sign = result.outcome == Outcome::kAccepted;
          done(std::move(result));
          if (sign && self->ClaimSigning(r->id)) {
            SignJob job{r->id, kind, sender.country, sender.participant, validation, source};
            self->deps.post([self, job = std::move(job)]() mutable { self->Sign(std::move(job)); });
            return;  // Sign ends the work
          }
          self->End();
        });
  }

  // Signs the validated document from its tree and hands the message off to delivery (signed +
  // queued + planned).
  void Sign(SignJob job) {
    const auto finish = [this, &job] {
      ReleaseSigning(job.id);
      End();
    };
    const envelope::Transaction* transaction = deps.catalogue->ForKind(job.kind);
    if (transaction == nullptr || !job.validation || !job.validation->tree || !job.source) {
      spdlog::error("message={} cannot be signed: no transaction or document for kind {}", job.id,
                    job.kind);
      ++sign_failures;
      return finish();
    }
    const auto now = deps.clock->Now();
    std::string detail = "not signed (the transaction does not ask for it)";
    const auto sign_start = std::chrono::steady_clock::now();
    // The message's XML with the signature put in: the journal keeps the XML once.
    store::SignedDocument document{job.source, {}, 0, false};
    if (transaction->signed_document) {
      auto current = CurrentSigner();
      auto placed = current ? current->SignInPlace(*job.validation->tree, *job.source,
                                                   std::chrono::system_clock::to_time_t(now))
                            : Result<sign::Enveloped>(
                                  MakeError("sign.unavailable", "", "no signing key is loaded"));
      if (!placed) {
        ++sign_failures;
        spdlog::error("message={} stays validated, not signed: {}", job.id,
                      placed.error().ToString());
        return finish();
      }
      if (placed->document) {  // written anew (a source not in UTF-8): kept whole
        document = {std::make_shared<const std::string>(placed->Join(*job.source)), {}, 0, true};
      } else {
        document.signature = std::move(placed->signature);
        document.at = placed->at;
      }
      detail = std::string(sign::Info(current->algorithm()).name) + " by " +
               current->certificate().subject;
    }
    Observe(Stage::kSign, sign_start);
    job.validation.reset();  // the tree is not needed any more
    job.source.reset();
    std::string signature;
    std::string unsigned_detail;
    (transaction->signed_document ? signature : unsigned_detail) = std::move(detail);
    HandOff(job, std::move(document), std::move(signature), std::move(unsigned_detail), now);
  }

  // Everything delivery needs, committed in one change with the move to queued: the signed
  // document, the ProcedureID every envelope carries, one delivery per destination with its
  // ConversationID. Delivery builds each destination's envelope from them, and is handed the
  // document in memory when the change is durable.
  void HandOff(const SignJob& job, store::SignedDocument document, std::string signature,
               std::string unsigned_detail, std::chrono::system_clock::time_point now) {
    const envelope::Transaction* transaction = deps.catalogue->ForKind(job.kind);
    if (transaction == nullptr) {
      spdlog::error("message={} cannot be queued: no transaction for kind {}", job.id, job.kind);
      ++sign_failures;
      ReleaseSigning(job.id);
      End();
      return;
    }
    store::Handoff handoff;
    handoff.message_id = job.id;
    handoff.document = document;
    handoff.procedure_id = NewUuid(deps.random);
    handoff.signature = std::move(signature);
    handoff.unsigned_detail = std::move(unsigned_detail);
    handoff.deliveries =
        PlannedDeliveries(*deps.catalogue, *transaction, job.id, job.country, deps.random);
    store::Diagnostics& d = handoff.diagnostics;
    d.process_code = deps.catalogue->process;
    d.process_version = deps.catalogue->version;
    d.procedure_code = deps.catalogue->procedure;
    d.transaction_code = transaction->code;
    d.message_code = transaction->message;
    d.action = deps.catalogue->Action(*transaction, transaction->message);
    d.reply_to = deps.catalogue->AddressOf(job.country, job.participant);
    // The first destination's envelope until its first send: a notice's other destinations
    // have envelopes of their own, and every send a MessageID of its own.
    d.message_id = "urn:uuid:" + NewUuid(deps.random);
    if (!handoff.deliveries.empty()) {
      d.to = handoff.deliveries.front().destination;
      d.conversation_id = handoff.deliveries.front().conversation_id;
    }
    d.message_type = "application";
    d.status = "queued";

    store::OutboundMessage outbound;
    outbound.summary.id = job.id;
    outbound.summary.direction = store::Direction::kOutbound;
    outbound.summary.sender_country = job.country;
    outbound.summary.sender_participant = job.participant;
    outbound.summary.kind = job.kind;
    outbound.summary.state = MessageState::kQueued;
    outbound.document = std::move(document);
    outbound.procedure_id = handoff.procedure_id;
    outbound.reply_to = d.reply_to;
    outbound.deliveries = handoff.deliveries;
    deps.journal->HandOffAsync(std::move(handoff), now,
                               [self = shared_from_this(), outbound = std::move(outbound)](
                                   Status st) mutable { self->Queued(std::move(outbound), st); });
  }

  void Queued(store::OutboundMessage message, const Status& st) {
    const std::string id = message.summary.id;
    if (st) {
      ++queued;
      spdlog::debug("message={} queued", id);
      if (deps.queued) deps.queued(std::move(message));
    } else {
      spdlog::error("message={} could not be queued: {}", id, st.error().ToString());
    }
    ReleaseSigning(id);
    End();
  }

  // Takes one unfinished message on from the state the journal has: a validated one is read
  // back (a parse, no validation: its verdict of record is the one given at acceptance) and
  // signed; one that a journal of an earlier version left signed is handed off with the document
  // it kept.
  void ResumeOne(const store::MessageRecord& record) {
    const auto& s = record.summary;
    if (!ClaimSigning(s.id)) return;
    Begin();
    SignJob job{s.id, s.kind, s.sender_country, s.sender_participant, nullptr, nullptr};
    if (s.state == MessageState::kSigned) {
      HandOff(job,
              store::SignedDocument{
                  std::make_shared<const std::string>(record.signed_document), {}, 0, true},
              {}, {}, deps.clock->Now());
      return;
    }
    deps.post([self = shared_from_this(), job = std::move(job),
               xml = std::make_shared<const std::string>(record.CanonicalXml())]() mutable {
      auto tree = self->deps.validator->ReadTree(xml);
      if (!tree) {
        spdlog::error("message={} stays validated: {}", job.id, tree.error().ToString());
        ++self->sign_failures;
        self->ReleaseSigning(job.id);
        self->End();
        return;
      }
      job.validation = std::make_shared<validate::Validation>();
      job.validation->tree = std::move(*tree);
      job.source = std::move(xml);
      self->Sign(std::move(job));
    });
  }
};

Pipeline::Pipeline(PipelineDependencies deps, std::shared_ptr<const sign::Signer> signer)
    : impl_(std::make_shared<Impl>()) {
  impl_->deps = std::move(deps);
  impl_->signer = std::move(signer);
}

Pipeline::~Pipeline() {
  WaitIdle();
}

void Pipeline::Submit(Submission submission, SubmitCallback done) {
  impl_->Begin();
  impl_->deps.post([impl = impl_, s = std::move(submission), done = std::move(done)]() mutable {
    impl->Validate(std::move(s), std::move(done));
  });
}

void Pipeline::SetSigner(std::shared_ptr<const sign::Signer> signer) {
  std::lock_guard lock(impl_->signer_mutex);
  impl_->signer = std::move(signer);
}

Result<size_t> Pipeline::Resume() {
  size_t taken = 0;
  for (const MessageState state : {MessageState::kValidated, MessageState::kSigned}) {
    store::MessageFilter filter;
    filter.direction = store::Direction::kOutbound;
    filter.state = state;
    filter.limit = 500;
    for (;;) {
      auto page = impl_->deps.journal->List(filter);
      if (!page) return page.error();
      for (const auto& summary : *page) {
        auto record = impl_->deps.journal->Get(summary.id);
        if (!record) return record.error();
        if (!*record || (*record)->summary.state != state) continue;
        impl_->ResumeOne(**record);
        ++taken;
      }
      if (page->size() < filter.limit) break;
      filter.after_id = page->back().id;
    }
  }
  return taken;
}

void Pipeline::Take(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    auto record = impl_->deps.journal->Get(id);
    if (!record) {
      spdlog::error("message={} stays validated: {}", id, record.error().ToString());
      continue;
    }
    if (*record && ((*record)->summary.state == MessageState::kValidated ||
                    (*record)->summary.state == MessageState::kSigned)) {
      impl_->ResumeOne(**record);
    }
  }
}

void Pipeline::WaitIdle() {
  std::unique_lock lock(impl_->work_mutex);
  impl_->idle_cv.wait(lock, [this] { return impl_->in_flight == 0; });
}

bool Pipeline::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->work_mutex);
  return impl_->idle_cv.wait_for(lock, timeout, [this] { return impl_->in_flight == 0; });
}

Pipeline::Stats Pipeline::stats() const {
  return {impl_->accepted.load(), impl_->duplicates.load(), impl_->rejected.load(),
          impl_->failed.load(),   impl_->queued.load(),     impl_->sign_failures.load()};
}

std::vector<store::CertificateStatus> CertificatesOf(const model::Document& document) {
  std::vector<store::CertificateStatus> out;
  const auto* notice = std::get_if<model::SuspensionNotice>(&document);
  if (notice == nullptr || !notice->authority.unified_country_code) return out;
  for (const auto& product : notice->products) {
    out.push_back({*notice->authority.unified_country_code, product.registration_certificate_id,
                   notice->certificate_status_code, notice->doc_creation_date.ToString()});
  }
  return out;
}

std::function<Result<std::optional<std::string>>(std::string_view, std::string_view)>
CertificateHistoryOf(store::Journal& journal) {
  return [&journal](std::string_view country,
                    std::string_view certificate) -> Result<std::optional<std::string>> {
    auto standing = journal.CertificateStatusOf(country, certificate);
    if (!standing) return standing.error();
    if (!*standing) return std::optional<std::string>();
    return std::optional<std::string>((*standing)->latest.status);
  };
}

}  // namespace eaeu::intake
