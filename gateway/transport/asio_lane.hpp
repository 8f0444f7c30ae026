#pragma once
// The daemon's lanes (core/lane.hpp) on Boost.Asio: a strand of the I/O context, two steady
// timers bound to it, and the worker pool for background work.

#include <functional>
#include <memory>

#include "gateway/core/clock.hpp"
#include "gateway/core/lane.hpp"

namespace boost::asio {
class io_context;
}

namespace eaeu::transport {

// Runs `job`, and logs an exception that escapes it instead of letting it end the thread (and
// the daemon with it): one bad message or request must not stop the service. `where` names the
// part in the log.
void RunGuarded(const char* where, const Lane::Job& job);

// `background` runs a job on the worker pool; `clock` turns WakeAt's times into waits. The I/O
// context must outlive the lane.
std::shared_ptr<Lane> MakeAsioLane(boost::asio::io_context& io,
                                   std::function<void(Lane::Job)> background, const Clock* clock);

}  // namespace eaeu::transport
