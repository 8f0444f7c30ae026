#pragma once
// Following the journal's changes for one reader (a notifier, the deadline tracker): the reader's
// position, kept in the journal under its cursor's name across restarts, and a nudge in the
// reader's own serial order after every commit, marking that there may be more to read. The
// reader decides when to read and when its position is worth saving.
//
// Threading: Start and Save from any thread; the changed flag in the reader's serial order.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "gateway/core/lane.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::store {

class Follower {
 public:
  Follower(EventFeeds& feeds, std::string cursor, std::shared_ptr<Lane> lane);
  ~Follower();  // stops listening, unless Stop did (the journal must still be there)
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  const std::string& cursor() const { return cursor_; }

  // Reads the saved position (nullopt: this reader never saved one), then listens: after every
  // commit `changed` runs in the lane's serial order. Hand it something that holds the reader
  // weakly and calls MarkChanged on it.
  Result<std::optional<uint64_t>> Start(std::function<void()> changed);
  // The same for a reader that keeps its follower as `follower` and reads on with `Next()`:
  // after every commit it is marked changed and nudged, for as long as it lives.
  template <class Reader>
  Result<std::optional<uint64_t>> Start(std::weak_ptr<Reader> reader) {
    return Start([reader = std::move(reader)] {
      if (auto r = reader.lock()) {
        r->follower.MarkChanged();
        r->Next();
      }
    });
  }

  // Stops listening to commits. The reader's owner calls it while the journal is there: the
  // reader itself may live on in work under way after the journal is gone.
  void Stop();

  // Whether the journal committed since the last Take (Start counts as a change).
  bool TakeChanged() { return std::exchange(changed_, false); }
  bool changed() const { return changed_; }
  void MarkChanged() { changed_ = true; }

  // Keeps `position` in the journal, committed with the next batch; `failed` hears of a refusal.
  void Save(uint64_t position, std::function<void(const Error&)> failed);
  Status SaveNow(uint64_t position);  // blocks until it is durable (a first start)

 private:
  EventFeeds& feeds_;
  std::string cursor_;
  std::shared_ptr<Lane> lane_;
  bool changed_ = false;
  bool listening_ = false;
};

}  // namespace eaeu::store
