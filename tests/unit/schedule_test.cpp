// The scheduled register sync's times: a daily time and cron lines, and what is refused.
#include <catch2/catch.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/schedule.hpp"
#include "gateway/core/temporal.hpp"

using eaeu::Schedule;

namespace {

Schedule::TimePoint At(const char* text) {
  return eaeu::FromUtc(*eaeu::DateTime::Parse(text));
}

std::string Next(const char* schedule, const char* after) {
  auto s = Schedule::Parse(schedule);
  REQUIRE(s.ok());
  return eaeu::FormatUtc(s->Next(At(after)));
}

}  // namespace

TEST_CASE("schedule: a daily time and cron lines give the next run", "[registry]") {
  CHECK(Next("02:30", "2026-11-24T10:00:00") == "2026-11-25T02:30:00Z");
  CHECK(Next("02:30", "2026-11-24T02:29:59") == "2026-11-24T02:30:00Z");
  CHECK(Next("02:30", "2026-11-24T02:30:00") == "2026-11-25T02:30:00Z");  // strictly after
  CHECK(Next("*/15 * * * *", "2026-11-24T10:07:00") == "2026-11-24T10:15:00Z");
  CHECK(Next("0 3 * * 1-5", "2026-11-27T04:00:00") == "2026-11-30T03:00:00Z");  // Fri -> Mon
  CHECK(Next("0 0 * * 0", "2026-11-24T00:00:00") == "2026-11-29T00:00:00Z");    // Sunday as 0
  CHECK(Next("0 0 * * 7", "2026-11-24T00:00:00") == "2026-11-29T00:00:00Z");    // and as 7
  CHECK(Next("30 1 1 1,7 *", "2026-11-24T00:00:00") == "2027-01-01T01:30:00Z");
  CHECK(Next("0 12 29 2 *", "2026-11-24T00:00:00") == "2028-02-29T12:00:00Z");
  // Both days restricted: either matches (the 1st, or any Monday).
  CHECK(Next("0 6 1 * 1", "2026-11-24T00:00:00") == "2026-11-30T06:00:00Z");
}

TEST_CASE("schedule: what is not a schedule is refused with the field", "[registry]") {
  for (const char* bad : {"", "25:00", "2:30", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *",
                          "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *"}) {
    INFO(bad);
    auto s = Schedule::Parse(bad);
    CHECK_FALSE(s.ok());
  }
  auto s = Schedule::Parse("* 24 * * *");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().where.find("hour") != std::string::npos);
}
