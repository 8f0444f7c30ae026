#pragma once
// Handing received documents to the national system (inbound.handover): a webhook (an HTTP POST
// of the document, XML or JSON, tried again after a back-off until it answers 2xx), a folder (each
// document written into it atomically), or the pull API alone (GET /v1/inbox, POST
// /v1/inbox/{id}/ack). Whatever the mode, a received document waits as `queued` in the inbox
// until the national system has it, and is then `delivered`; a restart takes every waiting one
// on again. A webhook that stays down loses nothing: the document stays in the inbox, where the
// pull API finds it too.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gateway/core/backoff.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/lane.hpp"
#include "gateway/core/result.hpp"
#include "gateway/inbound/settings.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/transport/webhook.hpp"

namespace eaeu::inbound {

struct HandoverDependencies {
  store::Journal* journal = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  transport::HttpClient* http = nullptr;      // the webhook mode only
  std::optional<transport::Webhook> webhook;  // the webhook mode only
  std::shared_ptr<Lane> lane;  // its serial order, the worker pool, its wake-ups (Tick)
  // The document as JSON, for webhook_format = "json".
  std::function<Result<std::string>(std::string_view xml)> to_json;
};

class Handover {
 public:
  Handover(HandoverDependencies deps, HandoverSettings settings, BackoffPolicy backoff);
  ~Handover();
  Handover(const Handover&) = delete;
  Handover& operator=(const Handover&) = delete;

  // Takes every received document that waits for the national system on (a restart); a
  // document journalled but not yet queued is queued first.
  Result<size_t> Resume();
  // A received document was queued.
  void Take(std::string message_id);
  // A received document in `state` (validated or waiting) taken on: from the journal at a
  // restart, or from a gateway of the cluster that is gone. A validated one is queued first.
  void Adopt(std::string message_id, store::MessageState state);
  // The national system has the document (POST /v1/inbox/{id}/ack): delivered. Acknowledging
  // a delivered document again is no error.
  static Status Acknowledge(store::Journal& journal, const std::string& id, const std::string& by,
                            store::TimePoint at);

  struct Stats {
    uint64_t handed = 0;    // documents the national system took
    uint64_t failures = 0;  // webhook or folder attempts that failed
    size_t waiting = 0;     // documents this engine is still handing over
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::inbound
