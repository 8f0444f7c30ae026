#pragma once
// Time as the gateway sees it. Everything that needs "now" takes a Clock, so tests inject one.

#include <atomic>
#include <chrono>
#include <ctime>
#include <string>

#include "gateway/core/temporal.hpp"

namespace eaeu {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time; thread-safe.
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that stands still until it is moved (tests); read from any thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override { return now_.load(); }
  void Set(std::chrono::system_clock::time_point now) { now_.store(now); }
  void Advance(std::chrono::system_clock::duration d) { now_.store(now_.load() + d); }

 private:
  std::atomic<std::chrono::system_clock::time_point> now_;
};

// The UTC calendar date and date-time of a time point.
Date UtcDate(std::chrono::system_clock::time_point t);
DateTime UtcDateTime(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point FromUtc(const DateTime& t);
// "2026-11-24T10:00:00Z"
std::string FormatUtc(std::chrono::system_clock::time_point t);
std::string FormatUtc(std::time_t t);

}  // namespace eaeu
