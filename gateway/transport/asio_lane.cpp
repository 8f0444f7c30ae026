#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/transport/asio_lane.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <memory>

#include <spdlog/spdlog.h>

namespace eaeu::transport {

void RunGuarded(const char* where, const Lane::Job& job) {
  try {
    job();
  } catch (const std::exception& e) {
    spdlog::error("{}: a job failed and was dropped: {}", where, e.what());
  } catch (...) {
    spdlog::error("{}: a job failed and was dropped (not a std::exception)", where);
  }
}

namespace {

namespace asio = boost::asio;

class AsioLane final : public Lane, public std::enable_shared_from_this<AsioLane> {
 public:
  AsioLane(asio::io_context& io, std::function<void(Job)> background, const Clock* clock)
      : strand_(asio::make_strand(io)),
        wake_(strand_),
        after_(strand_),
        background_(std::move(background)),
        clock_(clock) {}

  void Serial(Job job) override {
    asio::post(strand_, [job = std::move(job)] { RunGuarded("lane", job); });
  }
  void Background(Job job) override {
    background_([job = std::move(job)] { RunGuarded("worker", job); });
  }

  // The injected clock is looked at again at least every kLookAgain: a clock that jumps (a wall
  // clock set forward or back, a machine that slept, a test's clock) wakes the job when the clock
  // says, neither early nor a long real time late.
  void WakeAt(std::chrono::system_clock::time_point at, Job job) override {
    // The timer is touched on the strand only: a wake-up may be asked for from any thread.
    asio::post(strand_, [self = shared_from_this(), at, job = std::move(job)]() mutable {
      self->ArmWake(++self->wake_generation_, at, std::move(job));
    });
  }

  void After(std::chrono::steady_clock::duration wait, Job job) override {
    asio::post(strand_, [self = shared_from_this(), wait, job = std::move(job)]() mutable {
      Arm(self->after_, wait, std::move(job));
    });
  }

 private:
  static void Arm(asio::steady_timer& timer, std::chrono::steady_clock::duration wait, Job job) {
    timer.expires_after(std::max(wait, std::chrono::steady_clock::duration::zero()));
    timer.async_wait([job = std::move(job)](boost::system::error_code ec) {
      if (!ec) RunGuarded("lane timer", job);
    });
  }

  static constexpr std::chrono::seconds kLookAgain{1};

  // On the strand.
  void ArmWake(uint64_t generation, std::chrono::system_clock::time_point at, Job job) {
    const auto wait =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(at - clock_->Now());
    wake_.expires_after(std::clamp(wait, std::chrono::steady_clock::duration::zero(),
                                   std::chrono::steady_clock::duration(kLookAgain)));
    wake_.async_wait([self = shared_from_this(), generation, at,
                      job = std::move(job)](boost::system::error_code ec) mutable {
      if (ec || generation != self->wake_generation_) return;  // replaced
      if (self->clock_->Now() < at) {
        self->ArmWake(generation, at, std::move(job));
        return;
      }
      RunGuarded("lane timer", job);
    });
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer wake_;
  uint64_t wake_generation_ = 0;
  asio::steady_timer after_;
  std::function<void(Job)> background_;
  const Clock* clock_;
};

}  // namespace

std::shared_ptr<Lane> MakeAsioLane(asio::io_context& io, std::function<void(Lane::Job)> background,
                                   const Clock* clock) {
  return std::make_shared<AsioLane>(io, std::move(background), clock);
}

}  // namespace eaeu::transport
