#pragma once
// Where one asynchronous component of the daemon runs (delivery, the notifiers, the deadline
// tracker, the handover): its own serial order, a pool for work that may block, and wake-ups.
// The component holds its lane for as long as it lives; the daemon makes them on Asio
// (transport/asio_lane.hpp), and so may a test.
//
// Threading: every method may be called from any thread.

#include <chrono>
#include <functional>

namespace eaeu {

class Lane {
 public:
  using Job = std::function<void()>;
  virtual ~Lane() = default;

  // Runs `job` in the component's serial order: never two at once, in the order posted (a strand).
  virtual void Serial(Job job) = 0;
  // Runs `job` off the I/O threads, where it may block (journal reads, files): the worker pool.
  virtual void Background(Job job) = 0;
  // Runs `job` in the serial order when the injected clock reaches `at`; a later call replaces
  // a wake-up not yet run. Give it a job that holds its component weakly: a wake-up may outlive
  // the component.
  virtual void WakeAt(std::chrono::system_clock::time_point at, Job job) = 0;
  // Runs `job` in the serial order after a real-time `wait` (a timer apart from WakeAt's); a
  // later call replaces one not yet run.
  virtual void After(std::chrono::steady_clock::duration wait, Job job) = 0;
};

}  // namespace eaeu
