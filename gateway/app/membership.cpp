#include "gateway/app/membership.hpp"

#include <spdlog/spdlog.h>

namespace eaeu::app {
namespace {

// Messages claimed in one beat at most; a full batch is followed by another beat at once.
constexpr uint32_t kClaimBatch = 500;

}  // namespace

Membership::Membership(MembershipParts parts) : parts_(std::move(parts)) {}

Membership::~Membership() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status Membership::Start() {
  if (auto st = Beat(); !st) return st;
  thread_ = std::thread([this] { Run(); });
  return Ok{};
}

void Membership::BeatSoon() {
  {
    std::lock_guard lock(mutex_);
    soon_ = true;
  }
  wake_.notify_all();
}

bool Membership::leading() const {
  std::lock_guard lock(mutex_);
  return leading_;
}

Status Membership::Beat() {
  for (;;) {
    auto beat = parts_.journal->RunBeat(kClaimBatch);
    if (!beat) {
      std::lock_guard lock(mutex_);
      if (!failing_) {
        spdlog::warn("cluster: the lease of {} is not renewed: {}", parts_.journal->instance(),
                     beat.error().ToString());
      }
      failing_ = true;
      return beat.error();
    }
    bool became_leader = false;
    {
      std::lock_guard lock(mutex_);
      if (failing_) spdlog::info("cluster: the lease of {} is renewed", parts_.journal->instance());
      failing_ = false;
      if (beat->leadership_lost) {
        leading_ = false;
      } else if (beat->leader && !leading_) {
        leading_ = true;
        became_leader = true;
      }
    }
    const size_t claimed = beat->claimed.size();
    if (claimed > 0) {
      spdlog::info("cluster: {} took on {} unfinished messages of gateways that are gone",
                   parts_.journal->instance(), claimed);
      parts_.adopt(std::move(beat->claimed));
    }
    if (beat->leadership_lost) {
      spdlog::critical(
          "cluster: {} led the cluster-wide jobs and another gateway has taken them over (this "
          "one was paused or cut off past its lease): stopping, to start afresh",
          parts_.journal->instance());
      parts_.lost();
      return Ok{};
    }
    if (became_leader) {
      spdlog::info("cluster: {} leads the cluster-wide jobs", parts_.journal->instance());
      parts_.lead();
    }
    if (claimed < kClaimBatch) return Ok{};
  }
}

void Membership::Run() {
  const auto interval = std::max(parts_.lease / 3, std::chrono::milliseconds(100));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval, [this] { return stopping_ || soon_; });
    if (stopping_) return;
    soon_ = false;
    lock.unlock();
    (void)Beat();
    lock.lock();
  }
}

}  // namespace eaeu::app
