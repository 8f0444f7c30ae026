#pragma once
// Telling the submitting systems what became of their messages ([notify]): every change of an
// outbound message to one of the configured states (a dead letter, above all) is posted to a
// webhook as a JSON event, in the order the journal committed the changes. The notifier follows
// the journal from a cursor the journal keeps, so every event is posted at least once through
// crashes and restarts: an event whose post was answered is not posted again, one whose answer a
// crash cut off may be, with the same position, by which a receiver drops it. A webhook that
// refuses an event is asked again after a back-off, and the events after it wait: they are never
// posted out of order.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "codecs/result.hpp"
#include "gateway/config/daemon_config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/transport/webhook.hpp"

namespace eaeu::route {

// The event posted for one change (its body, JSON).
std::string EventJson(const store::MessageEvent& event);

struct NotifierDependencies {
  store::Journal* journal = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  transport::HttpClient* http = nullptr;
  std::optional<transport::Webhook> webhook;
  std::function<void(std::function<void()>)> serial;                   // the notifier's own strand
  std::function<void(std::function<void()>)> background;               // journal reads
  std::function<void(std::chrono::system_clock::time_point)> wake_at;  // calls Tick then
};

class Notifier {
 public:
  Notifier(NotifierDependencies deps, config::NotifySettings settings,
           config::DeliverySettings backoff);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Reads the cursor and posts what is waiting. The first start of a journal begins at its
  // latest change: what happened before [notify] was configured is not posted.
  Status Start();
  // The journal committed something: looks for new events.
  void Poke();
  // A refused event's back-off ran out (the wake_at timer calls it).
  void Tick();

  struct Stats {
    uint64_t posted = 0;    // events the webhook took
    uint64_t failures = 0;  // posts it refused or did not answer
    uint64_t position = 0;  // the journal position of the latest event taken
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::route
