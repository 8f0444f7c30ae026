#include "gateway/store/follower.hpp"

namespace eaeu::store {

Follower::Follower(EventFeeds& feeds, std::string cursor, std::shared_ptr<Lane> lane)
    : feeds_(feeds), cursor_(std::move(cursor)), lane_(std::move(lane)) {}

Follower::~Follower() {
  Stop();
}

void Follower::Stop() {
  if (!listening_) return;
  listening_ = false;
  feeds_.OnCommit(cursor_, nullptr);
}

Result<std::optional<uint64_t>> Follower::Start(std::function<void()> changed) {
  auto saved = feeds_.Cursor(cursor_);
  if (!saved) return saved.error();
  // Set before the listener is: from then on a commit may mark it changed on the lane.
  listening_ = true;
  changed_ = true;
  feeds_.OnCommit(cursor_, [lane = lane_, changed = std::move(changed)] { lane->Serial(changed); });
  return saved;
}

void Follower::Save(uint64_t position, std::function<void(const Error&)> failed) {
  feeds_.SaveCursorAsync(cursor_, position, [failed = std::move(failed)](Result<Ok> st) {
    if (!st && failed) failed(st.error());
  });
}

Status Follower::SaveNow(uint64_t position) {
  return feeds_.SaveCursor(cursor_, position);
}

}  // namespace eaeu::store
