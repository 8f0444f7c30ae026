#pragma once
// A gateway's membership of its cluster (several gateways on one PostgreSQL journal): it renews
// the instance's lease a third of a lease apart, takes on the unfinished messages of the
// instances that are gone (their lease ran out, or they left), and starts the cluster-wide jobs
// when this instance becomes the leader. A leader that finds its jobs taken over (it was paused
// or cut off past its lease) says so: what it still runs of them is stale, and the daemon stops
// so that its supervisor starts it afresh. Beats the journal refuses (the database is away) are
// tried again at the next beat; the instance keeps what it holds until another takes it over.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::app {

struct MembershipParts {
  store::Journal* journal = nullptr;
  std::chrono::milliseconds lease{15'000};
  // Messages claimed from instances that are gone, oldest first: take them on.
  std::function<void(std::vector<store::ClaimedMessage>)> adopt;
  std::function<void()> lead;  // this instance became the leader: start the cluster-wide jobs
  std::function<void()> lost;  // it was the leader and is no longer
};

class Membership {
 public:
  explicit Membership(MembershipParts parts);
  ~Membership();  // stops beating
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;

  // The first beat on the caller's thread (an error when the journal refuses it), then the
  // beats on a thread of its own.
  Status Start();
  // Beats now rather than at the next time (another instance left: its work is free).
  void BeatSoon();
  bool leading() const;

 private:
  Status Beat();
  void Run();

  MembershipParts parts_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool soon_ = false;
  bool leading_ = false;
  bool failing_ = false;  // the last beat failed (logged once until one succeeds)
  std::thread thread_;
};

}  // namespace eaeu::app
