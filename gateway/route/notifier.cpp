#include "gateway/route/notifier.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <deque>
#include <nlohmann/json.hpp>

#include "gateway/route/delivery.hpp"
#include "gateway/transport/http_client.hpp"

namespace eaeu::route {
namespace {

using store::MessageState;
using store::TimePoint;

constexpr std::string_view kCursor = "notify";
constexpr uint32_t kPage = 100;
constexpr uint64_t kSaveEvery = 10'000;

}  // namespace

std::string EventJson(const store::MessageEvent& e) {
  nlohmann::json j = {
      {"event", "message." + std::string(store::StateName(e.state))},
      {"position", e.position},
      {"message_id", e.message.id},
      {"kind", e.message.kind},
      {"e_doc_id", e.message.e_doc_id},
      {"sender_country", e.message.sender_country},
      {"sender_participant", e.message.sender_participant},
      {"state", store::StateName(e.state)},
      {"state_now", store::StateName(e.message.state)},
      {"at", FormatUtc(e.at)},
      {"detail", e.detail},
  };
  return j.dump();
}

struct Notifier::Impl : std::enable_shared_from_this<Impl> {
  NotifierDependencies deps;
  config::NotifySettings settings;
  config::DeliverySettings backoff;
  std::vector<MessageState> states;

  // On the strand.
  bool started = false;
  bool busy = false;                      // a journal read or a post is under way
  bool dirty = false;                     // the journal committed since the last read
  std::deque<store::MessageEvent> queue;  // read, not yet taken by the webhook
  uint64_t position = 0;    // every event up to here was taken (or is not of a state asked for)
  uint64_t scanned_to = 0;  // every event up to here was read
  uint64_t saved = 0;       // the position the journal keeps
  uint32_t refusals = 0;    // in a row, for the back-off
  std::optional<TimePoint> due;

  std::atomic<uint64_t> posted{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> position_seen{0};

  Impl(NotifierDependencies d, config::NotifySettings s, config::DeliverySettings b)
      : deps(std::move(d)), settings(std::move(s)), backoff(std::move(b)) {
    for (const auto& name : settings.events) {
      if (auto state = store::StateFromName(name)) states.push_back(*state);
    }
  }

  TimePoint Now() const { return deps.clock->Now(); }

  // The next step, when none is under way and no back-off runs.
  void Next() {
    if (!started || busy || due) return;
    if (!queue.empty()) {
      Post();
      return;
    }
    position = std::max(position, scanned_to);
    position_seen = position;
    if (dirty) {
      Read();
      return;
    }
    // Changes that are not events move the position too; kept now and then, so that a restart
    // reads at most that many again, without a commit of its own for every commit it follows.
    if (position - saved >= kSaveEvery) Save();
  }

  // Has the journal keep the position (committed with the next batch, before the journal closes).
  void Save() {
    if (position == saved) return;
    saved = position;
    deps.journal->SaveCursorAsync(std::string(kCursor), position, [](Result<Ok> st) {
      if (!st) spdlog::error("notify: the cursor is not saved: {}", st.error().ToString());
    });
  }

  void Read() {
    dirty = false;
    busy = true;
    deps.background([self = shared_from_this(), after = position] {
      // The latest position first: every event up to it is in the read that follows.
      auto last = self->deps.journal->LastEventPosition();
      store::EventFilter filter;
      filter.after = after;
      filter.direction = store::Direction::kOutbound;
      filter.states = self->states;
      filter.limit = kPage;
      auto events = last ? self->deps.journal->Events(filter)
                         : Result<std::vector<store::MessageEvent>>(last.error());
      self->deps.serial([self, last = std::move(last), events = std::move(events)]() mutable {
        self->busy = false;
        if (!events) {
          self->dirty = true;
          self->Refused("the journal cannot be read: " + events.error().ToString());
          return;
        }
        for (auto& e : *events) self->queue.push_back(std::move(e));
        if (events->size() == kPage) {
          self->dirty = true;  // more wait: read again once these are posted
        } else {
          self->scanned_to = std::max(self->scanned_to, *last);
        }
        self->Next();
      });
    });
  }

  void Post() {
    busy = true;
    const store::MessageEvent& e = queue.front();
    auto request =
        deps.webhook->Request("application/json", EventJson(e),
                              {"X-Eaeu-Event: message." + std::string(store::StateName(e.state)),
                               "X-Eaeu-Event-Position: " + std::to_string(e.position),
                               "X-Eaeu-Message-Id: " + e.message.id});
    deps.http->Post(std::move(request), [self = shared_from_this()](transport::PostResult r) {
      self->deps.serial([self, r = std::move(r)] {
        self->busy = false;
        if (!transport::Webhook::Took(r)) {
          self->Refused(transport::Webhook::Failure(r));
          return;
        }
        self->position = self->queue.front().position;
        self->queue.pop_front();
        self->refusals = 0;
        self->Save();
        ++self->posted;
        self->Next();
      });
    });
  }

  void Refused(const std::string& why) {
    ++failures;
    ++refusals;
    const auto wait = Backoff(backoff, refusals, deps.random);
    due = Now() + wait;
    spdlog::warn("notify: {}; trying again in {} ms", why, wait.count());
    if (deps.wake_at) deps.wake_at(*due);
  }

  void Tick() {
    if (!due) return;
    if (*due > Now()) {
      if (deps.wake_at) deps.wake_at(*due);
      return;
    }
    due.reset();
    Next();
  }
};

Notifier::Notifier(NotifierDependencies deps, config::NotifySettings settings,
                   config::DeliverySettings backoff)
    : impl_(std::make_shared<Impl>(std::move(deps), std::move(settings), std::move(backoff))) {}

Notifier::~Notifier() {
  impl_->deps.journal->OnCommit(nullptr);
}

Status Notifier::Start() {
  store::Journal& journal = *impl_->deps.journal;
  auto cursor = journal.Cursor(kCursor);
  if (!cursor) return cursor.error();
  uint64_t position = 0;
  if (*cursor) {
    position = **cursor;
  } else {
    auto last = journal.LastEventPosition();
    if (!last) return last.error();
    position = *last;
    if (auto st = journal.SaveCursor(std::string(kCursor), position); !st) return st;
  }
  std::weak_ptr<Impl> weak = impl_;
  journal.OnCommit([weak] {
    if (auto self = weak.lock()) {
      self->deps.serial([self] {
        self->dirty = true;
        self->Next();
      });
    }
  });
  impl_->deps.serial([self = impl_, position] {
    self->position = self->scanned_to = self->saved = position;
    self->position_seen = position;
    self->started = true;
    self->dirty = true;
    self->Next();
  });
  return Ok{};
}

void Notifier::Poke() {
  impl_->deps.serial([self = impl_] {
    self->dirty = true;
    self->Next();
  });
}

void Notifier::Tick() {
  impl_->deps.serial([self = impl_] { self->Tick(); });
}

Notifier::Stats Notifier::stats() const {
  return {impl_->posted.load(), impl_->failures.load(), impl_->position_seen.load()};
}

}  // namespace eaeu::route
