#include "gateway/inbound/handover.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <optional>

#include "gateway/core/files.hpp"
#include "gateway/transport/http_client.hpp"

namespace eaeu::inbound {
namespace {

using store::MessageState;
using store::TimePoint;

// A file name of the document: <kind>-<message id>.xml (the id is a UUID: safe in a name).
std::string FileNameOf(const store::MessageSummary& s) {
  return (s.kind.empty() ? std::string("document") : s.kind) + "-" + s.id + ".xml";
}

}  // namespace

struct Handover::Impl : std::enable_shared_from_this<Impl> {
  HandoverDependencies deps;
  HandoverSettings settings;
  BackoffPolicy backoff;

  // On the strand.
  struct Waiting {
    uint32_t failures = 0;
    std::optional<TimePoint> due;  // set: try at this time; unset: an attempt is under way
  };
  std::map<std::string, Waiting> waiting;
  std::atomic<uint64_t> handed{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<size_t> waiting_count{0};

  Impl(HandoverDependencies d, HandoverSettings s, BackoffPolicy b)
      : deps(std::move(d)), settings(std::move(s)), backoff(std::move(b)) {}

  TimePoint Now() const { return deps.clock->Now(); }

  // The lane wakes the component's Tick at `at` (held weakly: it may be gone by then).
  void WakeAt(TimePoint at) {
    deps.lane->WakeAt(at, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Tick();
    });
  }

  void Take(std::string id) {
    if (settings.mode == HandoverMode::kPull) return;  // the inbox is the handover
    deps.lane->Serial([self = shared_from_this(), id = std::move(id)] {
      if (self->waiting.contains(id)) return;
      self->waiting[id] = Waiting{0, self->Now()};
      self->waiting_count = self->waiting.size();
      self->Tick();
    });
  }

  void Tick() {
    const TimePoint now = Now();
    for (auto& [id, w] : waiting) {
      if (!w.due || *w.due > now) continue;
      w.due.reset();
      deps.lane->Background([self = shared_from_this(), id = id] { self->Attempt(id); });
    }
    Arm();
  }

  void Arm() {
    std::optional<TimePoint> next;
    for (const auto& [id, w] : waiting) {
      if (w.due && (!next || *w.due < *next)) next = w.due;
    }
    if (next) WakeAt(*next);
  }

  // On the worker pool: reads the document, then writes it or posts it.
  void Attempt(const std::string& id) {
    auto record = deps.journal->Get(id);
    if (!record || !*record) {
      Done(id, false, record ? "the message is gone" : record.error().ToString(), false);
      return;
    }
    const store::MessageRecord& r = **record;
    const MessageState state = r.summary.state;
    if (state != MessageState::kQueued && state != MessageState::kRetrying) {
      Done(id, true, "", false);  // acknowledged through the pull API meanwhile
      return;
    }
    if (settings.mode == HandoverMode::kFolder) {
      const auto path = settings.folder / FileNameOf(r.summary);
      if (auto st = WriteFileAtomically(path, r.CanonicalXml()); !st) {
        Done(id, false, st.error().ToString(), state == MessageState::kQueued);
        return;
      }
      Delivered(id, "written to " + path.string());
      return;
    }
    std::string content_type = "application/xml";
    std::string body = r.CanonicalXml();
    if (settings.webhook_json) {
      auto json = deps.to_json ? deps.to_json(r.CanonicalXml())
                               : Result<std::string>(MakeError("handover.json", id, "no codec"));
      if (!json) {
        Done(id, false, "the document cannot be turned into JSON: " + json.error().ToString(),
             state == MessageState::kQueued);
        return;
      }
      content_type = "application/json";
      body = std::move(*json);
    }
    auto post = deps.webhook->Request(
        std::move(content_type), std::move(body),
        {"X-Eaeu-Message-Id: " + r.summary.id, "X-Eaeu-Kind: " + r.summary.kind,
         "X-Eaeu-EDocId: " + r.summary.e_doc_id,
         "X-Eaeu-Sender: " + r.summary.sender_country + "/" + r.summary.sender_participant});
    const bool first = state == MessageState::kQueued;
    deps.http->Post(
        std::move(post), [self = shared_from_this(), id, first](transport::PostResult result) {
          if (transport::Webhook::Took(result)) {
            self->deps.lane->Background([self, id, status = result.status] {
              self->Delivered(id, "taken by the webhook (HTTP " + std::to_string(status) + ")");
            });
            return;
          }
          // Done may write to the journal: off the I/O thread.
          self->deps.lane->Background([self, id, why = transport::Webhook::Failure(result), first] {
            self->Done(id, false, why, first);
          });
        });
  }

  void Delivered(const std::string& id, const std::string& detail) {
    auto st = deps.journal->Transition(id, MessageState::kDelivered, detail, Now());
    if (!st) {
      // Acknowledged through the pull API meanwhile: the national system has it either way.
      auto record = deps.journal->Get(id);
      const bool done = record && *record && (*record)->summary.state == MessageState::kDelivered;
      Done(id, done, st.error().ToString(), false);
      return;
    }
    Done(id, true, detail, false);
  }

  // An attempt ended: forget the document, or try it again after a back-off (the first failure
  // moves it to retrying, so that the inbox shows it).
  void Done(const std::string& id, bool handed_over, const std::string& why, bool first_failure) {
    if (!handed_over && first_failure) {
      auto st = deps.journal->Transition(id, MessageState::kRetrying, why, Now());
      if (!st) spdlog::warn("handover of {}: {}", id, st.error().ToString());
    }
    deps.lane->Serial([self = shared_from_this(), id, handed_over, why] {
      auto it = self->waiting.find(id);
      if (it == self->waiting.end()) return;
      if (handed_over) {
        ++self->handed;
        self->waiting.erase(it);
        self->waiting_count = self->waiting.size();
        return;
      }
      ++self->failures;
      Waiting& w = it->second;
      ++w.failures;
      const auto wait = Backoff(self->backoff, w.failures, self->deps.random);
      w.due = self->Now() + wait;
      spdlog::warn("handover of {} failed ({}); trying again in {} ms", id, why, wait.count());
      self->Arm();
    });
  }
};

Handover::Handover(HandoverDependencies deps, HandoverSettings settings, BackoffPolicy backoff)
    : impl_(std::make_shared<Impl>(std::move(deps), std::move(settings), std::move(backoff))) {}

Handover::~Handover() = default;

Result<size_t> Handover::Resume() {
  size_t taken = 0;
  store::Journal& journal = *impl_->deps.journal;
  for (const MessageState state :
       {MessageState::kValidated, MessageState::kQueued, MessageState::kRetrying}) {
    store::MessageFilter filter;
    filter.direction = store::Direction::kInbound;
    filter.state = state;
    filter.limit = 500;
    for (;;) {
      auto page = journal.List(filter);
      if (!page) return page.error();
      for (const auto& s : *page) {
        Adopt(s.id, state);
        ++taken;
      }
      if (page->size() < filter.limit) break;
      filter.after_id = page->back().id;
    }
  }
  return taken;
}

void Handover::Adopt(std::string message_id, MessageState state) {
  if (state == MessageState::kValidated) {
    // A message the receiver moved on meanwhile (its endpoint listens while the journal is
    // resumed) refuses this move: that is no reason to stop, the handover takes it as it is.
    auto st = impl_->deps.journal->Transition(message_id, MessageState::kQueued,
                                              "waiting for the national system", impl_->Now());
    if (!st) {
      spdlog::warn("message={} handover resumed as it is: {}", message_id, st.error().ToString());
    }
  }
  Take(std::move(message_id));
}

void Handover::Take(std::string message_id) {
  impl_->Take(std::move(message_id));
}

Status Handover::Acknowledge(store::Journal& journal, const std::string& id, const std::string& by,
                             TimePoint at) {
  auto record = journal.Get(id);
  if (!record) return record.error();
  if (!*record || (*record)->summary.direction != store::Direction::kInbound) {
    return MakeError("inbox.unknown", id, "no received message " + id);
  }
  const MessageState state = (*record)->summary.state;
  if (state == MessageState::kDelivered) return Ok{};
  if (state != MessageState::kQueued && state != MessageState::kRetrying) {
    return MakeError("inbox.state", id,
                     "message " + id + " is " + std::string(store::StateName(state)) +
                         ": only a received document that waits is acknowledged");
  }
  // Whichever gateway of a cluster holds it, the one that is told acts on it.
  if (auto claimed = journal.Claim(id); !claimed) return claimed.error();
  auto st = journal.Transition(id, MessageState::kDelivered, "acknowledged by " + by, at);
  if (!st) {
    auto again = journal.Get(id);  // a webhook may have delivered it meanwhile
    if (again && *again && (*again)->summary.state == MessageState::kDelivered) return Ok{};
    return st.error();
  }
  return Ok{};
}

Handover::Stats Handover::stats() const {
  return {impl_->handed.load(), impl_->failures.load(), impl_->waiting_count.load()};
}

}  // namespace eaeu::inbound
