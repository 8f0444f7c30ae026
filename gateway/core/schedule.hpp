#pragma once
// When a scheduled job runs (the register sync): a daily time ("02:30") or a cron line of five
// fields
// ("30 2 * * 1-5": minute, hour, day of month, month, day of week; `*`, lists, ranges and steps;
// Sunday is 0 or 7; when both days are restricted, either matches, as cron does). Times are UTC.

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"

namespace eaeu {

class Schedule {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  static Result<Schedule> Parse(std::string_view text);
  // The first whole minute after `t` that the schedule falls on.
  TimePoint Next(TimePoint t) const;
  const std::string& text() const { return text_; }

 private:
  bool DayMatches(int day_of_month, int month, int weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool any_day_ = true;
  bool any_weekday_ = true;
};

}  // namespace eaeu
