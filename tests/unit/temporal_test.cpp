#include <catch2/catch.hpp>

#include "gateway/calendar/calendar.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/temporal.hpp"

using eaeu::Date;
using eaeu::DateTime;
using eaeu::Decimal1;

TEST_CASE("dates parse only real calendar days", "[temporal]") {
  CHECK(Date::Parse("2024-02-29").has_value());
  CHECK_FALSE(Date::Parse("2026-02-29").has_value());
  CHECK_FALSE(Date::Parse("2026-13-01").has_value());
  CHECK_FALSE(Date::Parse("2026-1-01").has_value());
  CHECK_FALSE(Date::Parse("2026-01-01Z").has_value());
  CHECK(Date::Parse("2026-03-27")->ToString() == "2026-03-27");
}

TEST_CASE("day numbers round-trip and know the weekday", "[temporal]") {
  for (int64_t n = -800000; n <= 800000; n += 997) {
    CHECK(Date::FromDayNumber(n).DayNumber() == n);
  }
  CHECK(Date::Parse("1970-01-01")->DayNumber() == 0);
  CHECK(Date::Parse("2026-11-24")->Weekday() == 2);  // a Tuesday
  CHECK(Date::Parse("2000-02-29")->AddDays(365).ToString() == "2001-02-28");
}

TEST_CASE("adding years keeps the day, 29 February becomes 28", "[temporal]") {
  CHECK(Date::Parse("2026-03-27")->AddYears(3).ToString() == "2029-03-27");
  CHECK(Date::Parse("2024-02-29")->AddYears(1).ToString() == "2025-02-28");
  CHECK(Date::Parse("2026-08-31")->AddMonths(-6).ToString() == "2026-02-28");
}

TEST_CASE("date-times and one-decimal quantities", "[temporal]") {
  CHECK(DateTime::Parse("2026-06-30T23:59:59")->ToString() == "2026-06-30T23:59:59");
  CHECK_FALSE(DateTime::Parse("2026-06-30T24:00:00").has_value());
  CHECK(Decimal1::Parse("4.5")->tenths == 45);
  CHECK(Decimal1::Parse("4.50")->tenths == 45);
  CHECK(Decimal1::Parse("4")->ToString() == "4.0");
  CHECK_FALSE(Decimal1::Parse("4.55").has_value());
  CHECK_FALSE(Decimal1::Parse("-1").has_value());
  CHECK_FALSE(Decimal1::Parse(".").has_value());
}

TEST_CASE("business days skip weekends, and day 1 is the first business day after", "[calendar]") {
  const eaeu::calendar::WeekendCalendar calendar;
  const Date friday = *Date::Parse("2026-03-06");
  CHECK(eaeu::calendar::AddBusinessDays(calendar, friday, 1).ToString() == "2026-03-09");
  CHECK(eaeu::calendar::AddBusinessDays(calendar, friday, 15).ToString() == "2026-03-27");
  const Date saturday = *Date::Parse("2026-03-07");
  CHECK(eaeu::calendar::AddBusinessDays(calendar, saturday, 1).ToString() == "2026-03-09");
}

TEST_CASE("generated UUIDs are lower-case RFC 4122 version 4", "[ids]") {
  uint64_t state = 42;
  const eaeu::RandomSource random = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state;
  };
  for (int i = 0; i < 100; ++i) {
    const std::string id = eaeu::NewUuid(random);
    CHECK(eaeu::IsRfc4122Uuid(id));
    CHECK(id[14] == '4');
  }
  CHECK_FALSE(eaeu::IsRfc4122Uuid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
  CHECK_FALSE(eaeu::IsRfc4122Uuid("0f8fad5b-d9cb-469f-c165-70867728950e"));  // variant
}

TEST_CASE("time-ordered UUIDs carry their millisecond first and sort by it", "[ids]") {
  uint64_t state = 7;
  const eaeu::RandomSource random = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state;
  };
  // RFC 9562 appendix A.6: 2022-02-22 19:22:22 UTC is 0x017F22E279B0 milliseconds.
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1645557742000));
  const std::string id = eaeu::NewTimeOrderedUuid(at, random);
  CHECK(eaeu::IsRfc4122Uuid(id));
  CHECK(id.substr(0, 14) == "017f22e2-79b0-");
  CHECK(id[14] == '7');
  std::string previous = id;
  for (int i = 1; i <= 100; ++i) {
    const std::string next =
        eaeu::NewTimeOrderedUuid(at + std::chrono::milliseconds(i * 37), random);
    CHECK(eaeu::IsRfc4122Uuid(next));
    CHECK(previous < next);
    previous = next;
  }
}
