#pragma once
// Telling the national systems what happens, through a webhook: a feed of the journal's changes
// (those of outbound messages to the configured states, [notify]; the moves of deadlines to at
// risk and overdue, [deadlines]) is posted as JSON events, in the order the journal committed
// them. The notifier follows the journal from a cursor the journal keeps, so every event is posted
// at least once through crashes and restarts: an event whose post was answered is not posted
// again, one whose answer a crash cut off may be, with the same position, by which a receiver
// drops it. A webhook that refuses an event is asked again after a back-off, and the events after
// it wait: they are never posted out of order.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/backoff.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/lane.hpp"
#include "gateway/core/result.hpp"
#include "gateway/notify/settings.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/transport/webhook.hpp"

namespace eaeu::notify {

// One event to post: its position in the journal's order, its name, its body (JSON) and the
// headers that go with it besides X-Eaeu-Event and X-Eaeu-Event-Position.
struct FeedItem {
  uint64_t position = 0;
  std::string event;  // "message.dead", "deadline.overdue"
  std::string body;
  std::vector<std::string> headers;
};

// What a notifier follows: changes the journal keeps in order.
struct Feed {
  std::string cursor;  // the name of the journal's cursor (and of the notifier, in the logs)
  std::function<Result<uint64_t>()> last;  // the position of the latest change
  // The events after `after` (up to `limit` changes read).
  std::function<Result<std::vector<FeedItem>>(uint64_t after, uint32_t limit)> read;
};

// The changes of outbound messages to one of `states` (state names), cursor "notify".
Feed MessageFeed(store::Journal& journal, const std::vector<std::string>& states);
// The event posted for one change (its body, JSON).
std::string EventJson(const store::MessageEvent& event);

// Every register sync the journal keeps (planned, refused, nothing to send), cursor
// "notify-registry", event "registry.sync".
Feed SyncFeed(store::Journal& journal);
std::string SyncEventJson(const store::SyncRecord& record);

struct NotifierDependencies {
  store::Journal* journal = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  transport::HttpClient* http = nullptr;
  std::optional<transport::Webhook> webhook;
  std::shared_ptr<Lane> lane;  // its serial order, the worker pool, its wake-ups (Tick)
};

class Notifier {
 public:
  Notifier(NotifierDependencies deps, Feed feed, BackoffPolicy backoff);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Reads the cursor and posts what is waiting. The first start of a journal begins at its
  // latest change: what happened before [notify] was configured is not posted.
  Status Start();

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

}  // namespace eaeu::notify
