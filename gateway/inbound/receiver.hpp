#pragma once
// The inbound endpoint (exchange.md §1–5): what the integrated system's gateway sends to this
// authority — reports the Commission distributes, other authorities' notices, the replies to this
// gateway's requests and the signals about its sends — is checked in the order D5 gives and
// answered in the same HTTP exchange:
//
//   envelope and headers ─▶ SOAP Fault (§4 codes)         a header error; never about a fault
//   a signal or a fault  ─▶ delivery (Answered); 202        it answers one of this gateway's sends
//   Body: XSD            ─▶ ValidationError Common:DataError
//   the message expected ─▶ ValidationError Common:UnexpectedMessage
//   the business rules   ─▶ ValidationError with the rule ids
//   the signature        ─▶ verdict kept; ValidationError where the transaction requires one
//   journal commit       ─▶ DeliveryReceipt
//
// A document whose EDocId this sender already had accepted is answered with the signal the first
// one got, and nothing is kept twice. Each received message is journalled before it is answered,
// then handed on (Taken) to the national system.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/envelope/process_catalogue.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/transport/http_server.hpp"

namespace eaeu::sign {
class Verifier;
}
namespace eaeu::validate {
class Validator;
struct Verdict;
}  // namespace eaeu::validate

namespace eaeu::inbound {

struct ReceiverDependencies {
  store::Journal* journal = nullptr;
  const validate::Validator* validator = nullptr;
  const envelope::ProcessCatalogue* catalogue = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  intake::PostToWorkers post;  // reading, validation and verification run there
  // The verifier of received signatures (the trust store may be reloaded); null: none is
  // configured, and a signature is recorded as not checked.
  std::function<std::shared_ptr<const sign::Verifier>()> verifier;
  // The member states' business-day calendars now (reloaded on SIGHUP); may be empty.
  std::function<std::shared_ptr<const calendar::Calendars>()> calendars;
  // A signal, fault or accepted reply about one of this gateway's sends; may be empty.
  std::function<void(envelope::Received)> answered;
  // A received document is journalled and waits for the national system; may be empty.
  std::function<void(const std::string& id)> taken;
};

struct ReceiverSettings {
  std::string country;  // this gateway's member state: its authority's address is the only To
  // SHA-256 (hex) of the client certificates of the gateways allowed to send; empty: any.
  std::vector<std::string> peer_certificates;
};

// The errors of a ValidationError for a document the validator refused: XSD and reading errors
// under Common:DataError, rule errors under their rule ids (exchange.md §4).
std::vector<envelope::SignalError> SignalErrorsOf(const validate::Verdict& verdict);

class Receiver {
 public:
  Receiver(ReceiverDependencies deps, ReceiverSettings settings);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // The transport::HttpHandler of the inbound listener.
  void Handle(transport::HttpRequest request, transport::Respond respond) const;

  // This gateway's own logical address: EAEU://<country>/CP/<process>/<authority participant>.
  const std::string& address() const;

  struct Stats {
    uint64_t accepted = 0;
    uint64_t duplicates = 0;
    uint64_t rejected = 0;  // answered with a ValidationError
    uint64_t faults = 0;    // header errors answered with a Fault
    uint64_t signals = 0;   // signals and faults about this gateway's sends
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::inbound
