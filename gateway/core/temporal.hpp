#pragma once
// Calendar values of the documents: dates, date-times, months, years and one-decimal quantities,
// with their XML lexical forms (no time zones: spec/documents.md).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eaeu {

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  static constexpr const char* kForm = "a date (YYYY-MM-DD)";
  // YYYY-MM-DD; nullopt when the text is not a real calendar date.
  static std::optional<Date> Parse(std::string_view text);
  static Date FromDayNumber(int64_t days);  // days since 1970-01-01
  std::string ToString() const;
  int64_t DayNumber() const;  // days since 1970-01-01
  int Weekday() const;        // ISO: 1 Monday ... 7 Sunday
  Date AddDays(int64_t days) const { return FromDayNumber(DayNumber() + days); }
  // The same day `years` later; 29 February becomes 28 February in a common year.
  Date AddYears(int years) const;
  Date AddMonths(int months) const;

  auto operator<=>(const Date&) const = default;
};

struct DateTime {
  Date date;
  int hour = 0;
  int minute = 0;
  int second = 0;

  static constexpr const char* kForm = "a date and time (YYYY-MM-DDThh:mm:ss)";
  // YYYY-MM-DDThh:mm:ss
  static std::optional<DateTime> Parse(std::string_view text);
  std::string ToString() const;
  auto operator<=>(const DateTime&) const = default;
};

struct YearMonth {
  int year = 1970;
  int month = 1;
  static constexpr const char* kForm = "a month (YYYY-MM)";
  static std::optional<YearMonth> Parse(std::string_view text);  // YYYY-MM
  std::string ToString() const;
  auto operator<=>(const YearMonth&) const = default;
};

struct Year {
  int value = 1970;
  static constexpr const char* kForm = "a year (YYYY)";
  static std::optional<Year> Parse(std::string_view text);  // YYYY
  std::string ToString() const;
  auto operator<=>(const Year&) const = default;
};

// A non-negative decimal with at most one fractional digit, kept exactly as tenths.
struct Decimal1 {
  int64_t tenths = 0;
  static constexpr const char* kForm = "a decimal with at most one fractional digit";
  static std::optional<Decimal1> Parse(std::string_view text);
  std::string ToString() const;
  double ToDouble() const { return static_cast<double>(tenths) / 10.0; }
  auto operator<=>(const Decimal1&) const = default;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);

}  // namespace eaeu
