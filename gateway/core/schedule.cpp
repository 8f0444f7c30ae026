#include "gateway/core/schedule.hpp"

#include <charconv>
#include <vector>

namespace eaeu {
namespace {

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

bool Number(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// One field: "*", "5", "1-5", "*/15", "1-31/2", and lists of them; values from `low` to `high`.
template <size_t N>
Status Field(std::string_view text, int low, int high, std::bitset<N>& bits, bool& any,
             const char* name) {
  any = text == "*";
  for (std::string_view part : Split(text, ',')) {
    int step = 1;
    if (const auto slash = part.find('/'); slash != std::string_view::npos) {
      if (!Number(part.substr(slash + 1), step) || step < 1) {
        return MakeError("registry.schedule", name, "\"" + std::string(part) + "\": a bad step");
      }
      part = part.substr(0, slash);
    }
    int from = low, to = high;
    if (part != "*") {
      const auto dash = part.find('-');
      if (dash == std::string_view::npos) {
        if (!Number(part, from)) {
          return MakeError("registry.schedule", name,
                           "\"" + std::string(part) + "\" is not a number or a range");
        }
        to = step > 1 ? high : from;
      } else if (!Number(part.substr(0, dash), from) || !Number(part.substr(dash + 1), to)) {
        return MakeError("registry.schedule", name, "\"" + std::string(part) + "\": a bad range");
      }
    }
    if (from < low || to > high || from > to) {
      return MakeError("registry.schedule", name,
                       "\"" + std::string(part) + "\" is outside " + std::to_string(low) + "-" +
                           std::to_string(high));
    }
    for (int v = from; v <= to; v += step) bits.set(static_cast<size_t>(v));
  }
  return Ok{};
}

}  // namespace

Result<Schedule> Schedule::Parse(std::string_view text) {
  Schedule s;
  s.text_ = std::string(text);
  int hour = 0, minute = 0;
  if (text.size() == 5 && text[2] == ':' && Number(text.substr(0, 2), hour) &&
      Number(text.substr(3, 2), minute)) {
    if (hour > 23 || minute > 59) {
      return MakeError("registry.schedule", std::string(text), "not a time of day (00:00-23:59)");
    }
    s.minutes_.set(static_cast<size_t>(minute));
    s.hours_.set(static_cast<size_t>(hour));
    s.days_.set();
    s.months_.set();
    s.weekdays_.set();
    return s;
  }
  std::vector<std::string_view> fields;
  for (std::string_view f : Split(text, ' ')) {
    if (!f.empty()) fields.push_back(f);
  }
  if (fields.size() != 5) {
    return MakeError("registry.schedule", std::string(text),
                     "give a daily time (\"02:30\") or five cron fields (\"30 2 * * *\")");
  }
  bool any = false;
  std::bitset<8> weekdays;
  for (Status st : {Field(fields[0], 0, 59, s.minutes_, any, "minute"),
                    Field(fields[1], 0, 23, s.hours_, any, "hour"),
                    Field(fields[2], 1, 31, s.days_, s.any_day_, "day of month"),
                    Field(fields[3], 1, 12, s.months_, any, "month"),
                    Field(fields[4], 0, 7, weekdays, s.any_weekday_, "day of week")}) {
    if (!st)
      return Error{st.error().code, s.text_ + " (" + st.error().where + ")", st.error().message};
  }
  for (size_t d = 0; d < 7; ++d) s.weekdays_[d] = weekdays[d];
  if (weekdays[7]) s.weekdays_.set(0);
  return s;
}

bool Schedule::DayMatches(int day_of_month, int month, int weekday) const {
  if (!months_[static_cast<size_t>(month)]) return false;
  const bool dom = days_[static_cast<size_t>(day_of_month)];
  const bool dow = weekdays_[static_cast<size_t>(weekday)];
  if (any_day_ && any_weekday_) return true;
  if (any_day_) return dow;
  if (any_weekday_) return dom;
  return dom || dow;
}

Schedule::TimePoint Schedule::Next(TimePoint t) const {
  using namespace std::chrono;
  auto minute = floor<minutes>(t) + minutes(1);
  // At most eight years ahead (a 29 February that falls on a given weekday).
  const auto limit = minute + days(366 * 8);
  while (minute < limit) {
    const auto day = floor<days>(minute);
    const year_month_day ymd{day};
    const int wd = static_cast<int>(std::chrono::weekday{day}.c_encoding());
    if (!DayMatches(static_cast<int>(static_cast<unsigned>(ymd.day())),
                    static_cast<int>(static_cast<unsigned>(ymd.month())), wd)) {
      minute = day + days(1);
      continue;
    }
    const auto in_day = minute - day;
    const auto h = duration_cast<hours>(in_day);
    if (!hours_[static_cast<size_t>(h.count())]) {
      minute = day + h + hours(1);
      continue;
    }
    const auto m = duration_cast<minutes>(in_day - h);
    if (minutes_[static_cast<size_t>(m.count())]) return minute;
    minute += minutes(1);
  }
  return TimePoint::max();
}

}  // namespace eaeu
