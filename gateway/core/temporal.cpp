#include "gateway/core/temporal.hpp"

#include <charconv>
#include <cstdio>

namespace eaeu {
namespace {

// Reads exactly `width` decimal digits at `pos`.
std::optional<int> Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string Pad(int value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, value);
  return buf;
}

}  // namespace

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

std::optional<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (!y || !m || !d || *y == 0 || *m < 1 || *m > 12 || *d < 1 || *d > DaysInMonth(*y, *m)) {
    return std::nullopt;
  }
  return Date{*y, *m, *d};
}

std::string Date::ToString() const {
  return Pad(year, 4) + "-" + Pad(month, 2) + "-" + Pad(day, 2);
}

// Day number of the proleptic Gregorian calendar, counted in 400-year eras (146097 days each)
// from a year that starts in March, so that the leap day is the last day of the year.
int64_t Date::DayNumber() const {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t month_from_march = (month + 9) % 12;
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

Date Date::FromDayNumber(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int d = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int m =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const int y = static_cast<int>(year_of_era + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

int Date::Weekday() const {
  // 1970-01-01 was a Thursday (4).
  const int64_t n = DayNumber();
  const int64_t w = ((n % 7) + 7 + 3) % 7;  // 0 = Monday
  return static_cast<int>(w) + 1;
}

Date Date::AddYears(int years) const {
  Date out{year + years, month, day};
  if (out.day > DaysInMonth(out.year, out.month)) out.day = DaysInMonth(out.year, out.month);
  return out;
}

Date Date::AddMonths(int months) const {
  const int total = year * 12 + (month - 1) + months;
  Date out{total / 12, total % 12 + 1, day};
  if (out.day > DaysInMonth(out.year, out.month)) out.day = DaysInMonth(out.year, out.month);
  return out;
}

std::optional<DateTime> DateTime::Parse(std::string_view text) {
  if (text.size() != 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto date = Date::Parse(text.substr(0, 10));
  auto h = Digits(text, 11, 2), mi = Digits(text, 14, 2), s = Digits(text, 17, 2);
  if (!date || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  return DateTime{*date, *h, *mi, *s};
}

std::string DateTime::ToString() const {
  return date.ToString() + "T" + Pad(hour, 2) + ":" + Pad(minute, 2) + ":" + Pad(second, 2);
}

std::optional<YearMonth> YearMonth::Parse(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  auto y = Digits(text, 0, 4), m = Digits(text, 5, 2);
  if (!y || !m || *y == 0 || *m < 1 || *m > 12) return std::nullopt;
  return YearMonth{*y, *m};
}

std::string YearMonth::ToString() const {
  return Pad(year, 4) + "-" + Pad(month, 2);
}

std::optional<Year> Year::Parse(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  auto y = Digits(text, 0, 4);
  if (!y || *y == 0) return std::nullopt;
  return Year{*y};
}

std::string Year::ToString() const {
  return Pad(value, 4);
}

std::optional<Decimal1> Decimal1::Parse(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty() && whole.empty()) return std::nullopt;
  int64_t units = 0;
  if (!whole.empty()) {
    if (whole.size() > 12) return std::nullopt;
    auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
    if (ec != std::errc{} || ptr != whole.data() + whole.size() || units < 0) return std::nullopt;
  }
  // Trailing zeros beyond the first fractional digit do not change the value.
  while (frac.size() > 1 && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > 1) return std::nullopt;
  int tenth = 0;
  if (!frac.empty()) {
    if (frac[0] < '0' || frac[0] > '9') return std::nullopt;
    tenth = frac[0] - '0';
  }
  return Decimal1{units * 10 + tenth};
}

std::string Decimal1::ToString() const {
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

}  // namespace eaeu
