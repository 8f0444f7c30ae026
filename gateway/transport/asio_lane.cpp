#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/transport/asio_lane.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
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

  void WakeAt(std::chrono::system_clock::time_point at, Job job) override {
    const auto wait =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(at - clock_->Now());
    // The timer is touched on the strand only: a wake-up may be asked for from any thread.
    asio::post(strand_, [self = shared_from_this(), wait, job = std::move(job)]() mutable {
      Arm(self->wake_, wait, std::move(job));
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

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer wake_;
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
