#pragma once
// Delivery of queued messages (exchange.md §3–4): each destination of a message is a delivery of
// its own, sent in an envelope of its own, answered by signals (RCV, PRS, ERR) and, for a
// request/response transaction, by the reply (R.006). A timer that runs out sends the message
// again with a new MessageID and the same ConversationID, up to the transaction's retries; a
// transport failure is tried again after an exponential back-off with jitter. When the retries run
// out the delivery is dead and stays so until an operator requeues it. Every step is journalled
// before it is acted on, so a restart takes every delivery on from where it was.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/lane.hpp"
#include "gateway/core/result.hpp"
#include "gateway/core/stage.hpp"
#include "gateway/envelope/process_catalogue.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/route/settings.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::transport {
class HttpClient;
}

namespace eaeu::route {

// The route serving a logical address: the first whose `to` matches (a prefix ending in "*").
const RouteSettings* RouteFor(const std::vector<RouteSettings>& routes,
                              std::string_view destination);

struct DeliveryDependencies {
  store::Journal* journal = nullptr;
  const envelope::ProcessCatalogue* catalogue = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  transport::HttpClient* http = nullptr;
  // Its serial order, the worker pool for journal reads, and its wake-ups (Tick).
  std::shared_ptr<Lane> lane;
  // Reads an envelope that came back in the answer to a send (a signal, a fault, a reply).
  std::function<envelope::ReadResult(std::string_view)> read_envelope;
  // Told how long each send and each delivery to its acknowledgement take.
  StageObserver observe;
};

class DeliveryEngine {
 public:
  DeliveryEngine(DeliveryDependencies deps, DeliverySettings settings,
                 std::vector<RouteSettings> routes);
  ~DeliveryEngine();
  DeliveryEngine(const DeliveryEngine&) = delete;
  DeliveryEngine& operator=(const DeliveryEngine&) = delete;

  // Takes on every open delivery and every queued message of the journal (a restart).
  Result<size_t> Resume();
  // A queued (or sending) message taken on from the journal by its id: one a gateway of the
  // cluster that is gone left unfinished.
  void Adopt(std::string message_id);
  // A message the pipeline just handed off (queued, its deliveries planned): taken on as it is,
  // the journal is not read again.
  void Enqueue(store::OutboundMessage message);
  // Does what is due at the clock's now; the lane's wake-ups call it (and tests do).
  void Tick();
  // A signal, fault or reply that came about one of our sends (its RelatesTo names the send).
  void Answer(envelope::Received received);
  // New routes and retry settings (SIGHUP): sends from now on use them; sends under way finish
  // on the routes they started on.
  void Reconfigure(DeliverySettings settings, std::vector<RouteSettings> routes);
  // An operator (`by`) requeues a dead message: its dead deliveries start again from nothing.
  void Requeue(std::string message_id, std::string by, std::function<void(Status)> done);
  // An operator (`by`) stops delivering a message, to one destination or (empty) to all: each
  // open delivery is dead with the reason, so nothing more is sent (a requeue starts it again).
  // Refused (code "delivery.busy") while a send of it is on the wire or being journalled;
  // "delivery.not-open" when none of its deliveries is open here.
  void Cancel(std::string message_id, std::string destination, std::string by, std::string reason,
              std::function<void(Status)> done);

  // How a route has fared since the start: for the operators' view.
  struct RouteHealth {
    std::string to;        // the route's logical address (or prefix)
    std::string endpoint;  // where it sends
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::optional<std::chrono::system_clock::time_point> last_failure;
    std::string last_error;
    uint64_t sends = 0;     // envelopes put on the wire
    uint64_t failures = 0;  // sends that failed or were refused
    size_t open = 0;        // deliveries it serves that are not finished
    size_t in_flight = 0;   // sends on the wire now
    size_t waiting = 0;     // sends waiting for a free slot
  };
  // The routes in force, each with its figures; `done` runs on the engine's strand.
  void Health(std::function<void(std::vector<RouteHealth>)> done);

  struct Stats {
    uint64_t sends = 0;
    uint64_t acknowledged = 0;
    uint64_t retries = 0;
    uint64_t dead = 0;
    uint64_t rejected = 0;
    size_t open = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::route
