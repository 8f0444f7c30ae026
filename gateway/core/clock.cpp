#include "gateway/core/clock.hpp"

namespace eaeu {

using namespace std::chrono;

Date UtcDate(system_clock::time_point t) {
  const auto days = floor<std::chrono::days>(t).time_since_epoch().count();
  return Date::FromDayNumber(days);
}

DateTime UtcDateTime(system_clock::time_point t) {
  const auto day = floor<std::chrono::days>(t);
  const auto secs = duration_cast<seconds>(t - day).count();
  return DateTime{Date::FromDayNumber(day.time_since_epoch().count()),
                  static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                  static_cast<int>(secs % 60)};
}

system_clock::time_point FromUtc(const DateTime& t) {
  return system_clock::time_point{} + std::chrono::days{t.date.DayNumber()} + hours{t.hour} +
         minutes{t.minute} + seconds{t.second};
}

std::string FormatUtc(system_clock::time_point t) {
  return UtcDateTime(t).ToString() + "Z";
}

std::string FormatUtc(std::time_t t) {
  return FormatUtc(system_clock::from_time_t(t));
}

}  // namespace eaeu
