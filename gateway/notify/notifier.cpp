#include "gateway/notify/notifier.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <deque>
#include <nlohmann/json.hpp>

#include "gateway/store/follower.hpp"
#include "gateway/transport/http_client.hpp"

namespace eaeu::notify {
namespace {

using store::MessageState;
using store::TimePoint;

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

Feed MessageFeed(store::Journal& journal, const std::vector<std::string>& states) {
  std::vector<MessageState> wanted;
  for (const auto& name : states) {
    if (auto state = store::StateFromName(name)) wanted.push_back(*state);
  }
  Feed feed;
  feed.cursor = "notify";
  feed.last = [&journal] { return journal.LastEventPosition(); };
  feed.read = [&journal, wanted](uint64_t after, uint32_t limit) -> Result<std::vector<FeedItem>> {
    store::EventFilter filter;
    filter.after = after;
    filter.direction = store::Direction::kOutbound;
    filter.states = wanted;
    filter.limit = limit;
    auto events = journal.Events(filter);
    if (!events) return events.error();
    std::vector<FeedItem> out;
    for (const auto& e : *events) {
      out.push_back({e.position,
                     "message." + std::string(store::StateName(e.state)),
                     EventJson(e),
                     {"X-Eaeu-Message-Id: " + e.message.id}});
    }
    return out;
  };
  return feed;
}

std::string SyncEventJson(const store::SyncRecord& r) {
  const store::RegisterSync& s = r.sync;
  nlohmann::json j = {
      {"event", "registry.sync"}, {"position", r.position}, {"sync_id", s.id},
      {"country", s.country},     {"source", s.source},     {"outcome", s.outcome},
      {"added", s.added},         {"changed", s.changed},   {"withdrawn", s.withdrawn},
      {"unchanged", s.unchanged}, {"invalid", s.invalid},   {"documents", r.sends},
      {"detail", s.detail},       {"at", FormatUtc(s.at)},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Feed SyncFeed(store::Journal& journal) {
  Feed feed;
  feed.cursor = "notify-registry";
  feed.last = [&journal] { return journal.LastSyncPosition(); };
  feed.read = [&journal](uint64_t after, uint32_t limit) -> Result<std::vector<FeedItem>> {
    auto syncs = journal.Syncs(after, limit);
    if (!syncs) return syncs.error();
    std::vector<FeedItem> out;
    for (const auto& r : *syncs) {
      out.push_back({r.position, "registry.sync", SyncEventJson(r), {}});
    }
    return out;
  };
  return feed;
}

struct Notifier::Impl : std::enable_shared_from_this<Impl> {
  NotifierDependencies deps;
  Feed feed;
  BackoffPolicy backoff;
  store::Follower follower;  // the cursor, and a nudge after every commit

  // On the strand.
  bool started = false;
  bool busy = false;           // a journal read or a post is under way
  std::deque<FeedItem> queue;  // read, not yet taken by the webhook
  uint64_t position = 0;       // every event up to here was taken (or is not of a state asked for)
  uint64_t scanned_to = 0;     // every event up to here was read
  uint64_t saved = 0;          // the position the journal keeps
  uint32_t refusals = 0;       // in a row, for the back-off
  std::optional<TimePoint> due;

  std::atomic<uint64_t> posted{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> position_seen{0};

  Impl(NotifierDependencies d, Feed f, BackoffPolicy b)
      : deps(std::move(d)),
        feed(std::move(f)),
        backoff(std::move(b)),
        follower(*deps.journal, feed.cursor, deps.lane) {}

  TimePoint Now() const { return deps.clock->Now(); }

  // The lane wakes the component's Tick at `at` (held weakly: it may be gone by then).
  void WakeAt(TimePoint at) {
    deps.lane->WakeAt(at, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Tick();
    });
  }

  // The next step, when none is under way and no back-off runs.
  void Next() {
    if (!started || busy || due) return;
    if (!queue.empty()) {
      Post();
      return;
    }
    position = std::max(position, scanned_to);
    position_seen = position;
    if (follower.TakeChanged()) {
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
    follower.Save(position, [name = feed.cursor](const Error& e) {
      spdlog::error("{}: the cursor is not saved: {}", name, e.ToString());
    });
  }

  void Read() {
    busy = true;
    deps.lane->Background([self = shared_from_this(), after = position] {
      // The latest position first: every event up to it is in the read that follows.
      auto last = self->feed.last();
      auto events =
          last ? self->feed.read(after, kPage) : Result<std::vector<FeedItem>>(last.error());
      self->deps.lane->Serial([self, last = std::move(last), events = std::move(events)]() mutable {
        self->busy = false;
        if (!events) {
          self->follower.MarkChanged();
          self->Refused("the journal cannot be read: " + events.error().ToString());
          return;
        }
        for (auto& e : *events) self->queue.push_back(std::move(e));
        if (events->size() == kPage) {
          self->follower.MarkChanged();  // more wait: read again once these are posted
        } else {
          self->scanned_to = std::max(self->scanned_to, *last);
        }
        self->Next();
      });
    });
  }

  void Post() {
    busy = true;
    const FeedItem& e = queue.front();
    std::vector<std::string> headers = {"X-Eaeu-Event: " + e.event,
                                        "X-Eaeu-Event-Position: " + std::to_string(e.position)};
    headers.insert(headers.end(), e.headers.begin(), e.headers.end());
    auto request = deps.webhook->Request("application/json", e.body, std::move(headers));
    deps.http->Post(std::move(request), [self = shared_from_this()](transport::PostResult r) {
      self->deps.lane->Serial([self, r = std::move(r)] {
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
    spdlog::warn("{}: {}; trying again in {} ms", feed.cursor, why, wait.count());
    WakeAt(*due);
  }

  void Tick() {
    if (!due) return;
    if (*due > Now()) {
      WakeAt(*due);
      return;
    }
    due.reset();
    Next();
  }
};

Notifier::Notifier(NotifierDependencies deps, Feed feed, BackoffPolicy backoff)
    : impl_(std::make_shared<Impl>(std::move(deps), std::move(feed), std::move(backoff))) {}

Notifier::~Notifier() {
  impl_->follower.Stop();
}

Status Notifier::Start() {
  auto cursor = impl_->follower.Start(std::weak_ptr<Impl>(impl_));
  if (!cursor) return cursor.error();
  uint64_t position = 0;
  if (*cursor) {
    position = **cursor;
  } else {
    // The first start of a journal begins at its latest change.
    auto last = impl_->feed.last();
    if (!last) return last.error();
    position = *last;
    if (auto st = impl_->follower.SaveNow(position); !st) return st;
  }
  impl_->deps.lane->Serial([self = impl_, position] {
    self->position = self->scanned_to = self->saved = position;
    self->position_seen = position;
    self->started = true;
    self->Next();
  });
  return Ok{};
}

Notifier::Stats Notifier::stats() const {
  return {impl_->posted.load(), impl_->failures.load(), impl_->position_seen.load()};
}

}  // namespace eaeu::notify
