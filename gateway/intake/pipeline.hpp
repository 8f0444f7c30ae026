#pragma once
// The way in: a document from a national system is decoded, validated, committed to the journal
// and answered; an accepted one then goes on to its envelope and signature and is queued for
// delivery (ARCHITECTURE "The way a document travels").
//
//   Submit ─▶ worker: decode + validate (one parse) ─▶ journal commit ─▶ answer the caller
//                                                                    └▶ worker: sign the same DOM
//                                                                       ─▶ hand-off: signed +
//                                                                       queued + deliveries
//                                                                       planned, one change ─▶
//                                                                       delivery (in memory)
//
// Nothing is answered before the journal has made it durable. A restart calls Resume, which
// takes every message the journal holds as validated (or, from an earlier version, signed) on
// from there.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/recent.hpp"
#include "gateway/core/result.hpp"
#include "gateway/core/stage.hpp"
#include "gateway/envelope/process_catalogue.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::sign {
class Signer;
}

namespace eaeu::intake {

// Who submits: the authenticated caller's member state and participant.
struct Sender {
  std::string country;
  std::string participant;
  std::string name;  // for the record
};

struct Submission {
  std::string bytes;
  validate::InputFormat format = validate::InputFormat::kAuto;
  std::string content_type;  // as given; "application/xml" or "application/json" when empty
  Sender sender;
  std::string channel;  // how it came: "rest", "drop-folder", for the history
};

enum class Outcome {
  kAccepted,   // committed as validated; signing and queueing follow
  kDuplicate,  // an accepted message of this sender had this EDocId: that message's answer
  kInvalid,    // committed as rejected: schema or rule errors
  kUnusable,   // committed as rejected: not a document at all
  kForbidden,  // committed as rejected: the document names another member state as its sender
  kFailed,     // not committed (the journal refused): the caller may try again
};

struct SubmissionResult {
  Outcome outcome = Outcome::kFailed;
  std::string message_id;
  store::MessageState state = store::MessageState::kReceived;
  validate::Verdict verdict;  // the violations (warnings too, when accepted)
  Error error;                // kFailed
};

// SN-04's history, kept with the notices themselves: the certificate statuses a notice of
// suspension or resumption declares (the authority's state, each certificate, its status and the
// notice's date); empty for any other document.
std::vector<store::CertificateStatus> CertificatesOf(const model::Document& document);
// The rules' view of that history in the journal (RuleContext::certificate_status).
std::function<Result<std::optional<std::string>>(std::string_view, std::string_view)>
CertificateHistoryOf(store::Journal& journal);

// Runs a job on the worker pool (validation and signing never run on an I/O thread).
using PostToWorkers = std::function<void(std::function<void()>)>;
using SubmitCallback = std::function<void(SubmissionResult)>;

struct PipelineDependencies {
  store::Journal* journal = nullptr;
  const validate::Validator* validator = nullptr;
  const envelope::ProcessCatalogue* catalogue = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  PostToWorkers post;
  // The member states' business-day calendars now (reloaded on SIGHUP); may be empty.
  std::function<std::shared_ptr<const calendar::Calendars>()> calendars;
  // Handed each message that reached queued, with its signed document in memory (delivery
  // takes it from there); may be empty.
  std::function<void(store::OutboundMessage)> queued;
  // Whether the journal's notices go back to the state's first (ValidationSettings).
  bool certificate_history_complete = true;
  // Told how long validation, signing and the journal's commits of a submission take.
  StageObserver observe;
  // Where the model of each document taken in valid is left for the readers of this process that
  // would read it again (the deadline tracker); may be null.
  std::shared_ptr<Recent<model::Document>> recent;
};

class Pipeline {
 public:
  Pipeline(PipelineDependencies deps, std::shared_ptr<const sign::Signer> signer);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Takes a submission; `done` is called once, on a worker or journal thread, after the commit.
  void Submit(Submission submission, SubmitCallback done);

  // Replaces the signer (SIGHUP); messages that could not be signed are tried again.
  void SetSigner(std::shared_ptr<const sign::Signer> signer);

  // Takes every validated or signed message of the journal on (after a restart, or after a new
  // signer). Returns how many it took.
  Result<size_t> Resume();

  // Takes these validated messages on to signing and delivery (a register sync journalled them);
  // one that is not validated any more is left as it is.
  void Take(const std::vector<std::string>& ids);

  // Blocks until no submission or signing is in flight; the second form gives up after
  // `timeout` and says whether it got there.
  void WaitIdle();
  bool WaitIdle(std::chrono::milliseconds timeout);

  struct Stats {
    uint64_t accepted = 0;
    uint64_t duplicates = 0;
    uint64_t rejected = 0;
    uint64_t failed = 0;
    uint64_t queued = 0;
    uint64_t sign_failures = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

std::string_view OutcomeName(Outcome outcome);

// The deliveries a message of `transaction` from `country` starts with: one per destination
// (exchange.md §3, SN-05), queued, each with a ConversationID of its own.
std::vector<store::Delivery> PlannedDeliveries(const envelope::ProcessCatalogue& catalogue,
                                               const envelope::Transaction& transaction,
                                               const std::string& message_id,
                                               const std::string& country,
                                               const RandomSource& random);

}  // namespace eaeu::intake
