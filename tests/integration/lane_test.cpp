// A lane goes on after a job that throws: the exception is logged and dropped, not let out to end
// the thread (and the daemon). Real Asio: an I/O context and a thread pool.
#include <catch2/catch.hpp>
#include <utility>  // before Asio

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <stdexcept>

#include "gateway/core/clock.hpp"
#include "gateway/transport/asio_lane.hpp"

namespace eaeu::test {

TEST_CASE("Lane: a job that throws is dropped, and the lane and the pool go on", "[lane]") {
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  SystemClock clock;
  auto lane = transport::MakeAsioLane(
      io, [&pool](Lane::Job job) { boost::asio::post(pool, std::move(job)); }, &clock);
  std::atomic<int> done{0};
  lane->Serial([] { throw std::runtime_error("a bad message"); });
  lane->Serial([&done] { ++done; });
  lane->Background([] { throw 42; });
  lane->Background([&done] { ++done; });
  lane->WakeAt(clock.Now(), [] { throw std::logic_error("a bad timer"); });
  lane->After(std::chrono::milliseconds(0), [&done, &io] {
    ++done;
    io.stop();
  });
  io.run();
  pool.join();
  CHECK(done == 3);
}

}  // namespace eaeu::test
