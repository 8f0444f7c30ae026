// Business-day calendars: the shipped ones of the five member states load, and count known cases
// (the Friday before Russia's New Year holidays, a public holiday, a working Saturday, a year
// boundary); a year without its file falls back to the standing rules and says so; a mistake in a
// file names the file, the line and the key.
#include <catch2/catch.hpp>

#include "gateway/calendar/calendar.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

using calendar::AddBusinessDays;
using calendar::BusinessDaysBetween;

Date Day(const char* text) {
  return *Date::Parse(text);
}

const calendar::Calendars& Shipped() {
  static const auto calendars = [] {
    auto loaded = calendar::Calendars::Load(SourceDir() / "config/calendars");
    if (!loaded) FAIL(loaded.error().ToString());
    return *loaded;
  }();
  return calendars;
}

const calendar::StateCalendar& Of(const char* country) {
  const auto* c = Shipped().Of(country);
  REQUIRE(c != nullptr);
  return *c;
}

}  // namespace

TEST_CASE("Calendars: the five member states, 2025 to 2027", "[unit][deadlines]") {
  for (const char* country : {"AM", "BY", "KZ", "KG", "RU"}) {
    INFO(country);
    const auto& c = Of(country);
    for (int year = 2025; year <= 2027; ++year) CHECK(c.years.contains(year));
    CHECK(!c.fixed.empty());
    CHECK(!c.IsBusinessDay(Day("2026-01-01")));
    CHECK(
        !c.IsBusinessDay(Day("2026-05-09")));  // a Saturday, and Victory Day where it is a holiday
  }
  // Each state's own holidays.
  CHECK(!Of("BY").IsBusinessDay(Day("2026-04-21")));  // Radunitsa
  CHECK(!Of("BY").IsBusinessDay(Day("2026-07-03")));
  CHECK(Of("BY").IsBusinessDay(Day("2025-01-11")));  // a Saturday worked for 6 January
  CHECK(!Of("BY").IsBusinessDay(Day("2025-01-06")));
  CHECK(!Of("KZ").IsBusinessDay(Day("2025-03-24")));  // Nauryz on the weekend, moved
  CHECK(!Of("KZ").IsBusinessDay(Day("2026-12-16")));
  CHECK(!Of("KG").IsBusinessDay(Day("2026-03-23")));  // Nooruz on a Saturday, moved
  CHECK(!Of("KG").IsBusinessDay(Day("2025-04-07")));
  CHECK(!Of("AM").IsBusinessDay(Day("2026-04-24")));
  CHECK(Of("AM").IsBusinessDay(Day("2026-11-04")));  // Russia's holiday, not Armenia's
  CHECK(!Of("RU").IsBusinessDay(Day("2026-11-04")));
  CHECK(Of("RU").WhyOff(Day("2025-06-13")) ==
        "перенос выходного дня с 08.03 (Постановление Правительства РФ от 04.10.2024 № 1335)");
  CHECK(Of("RU").WhyOff(Day("2025-06-16")).empty());
}

TEST_CASE("Calendars: counting business days in Russia's calendar", "[unit][deadlines]") {
  const auto& ru = Of("RU");
  // An inspection ending on the Friday before the New Year holidays: 29 and 30 December, then
  // nothing until 12 January 2026 (31 December and 9 January are moved days off).
  const auto friday = Day("2025-12-26");
  CHECK(AddBusinessDays(ru, friday, 1) == Day("2025-12-29"));
  CHECK(AddBusinessDays(ru, friday, 3) == Day("2026-01-12"));
  CHECK(AddBusinessDays(ru, friday, 15) == Day("2026-01-28"));
  CHECK(BusinessDaysBetween(ru, friday, Day("2026-01-28")) == 15);
  CHECK(ru.Basis(friday, Day("2026-01-28")) ==
        "RU 2025 (official calendar); RU 2026 (provisional calendar)");
  // One ending on a public holiday (Russia Day, a Thursday, with the Friday a moved day off):
  // day 1 is the Monday.
  const auto holiday = Day("2025-06-12");
  CHECK(AddBusinessDays(ru, holiday, 1) == Day("2025-06-16"));
  CHECK(AddBusinessDays(ru, holiday, 15) == Day("2025-07-04"));
  // A Saturday made a working day counts: 1 November 2025, then 5 November after 3 and 4.
  const auto before = Day("2025-10-31");
  CHECK(AddBusinessDays(ru, before, 1) == Day("2025-11-01"));
  CHECK(AddBusinessDays(ru, before, 2) == Day("2025-11-05"));
  // Three business days for a register change made on the eve of the May holidays of 2025.
  CHECK(AddBusinessDays(ru, Day("2025-04-30"), 3) == Day("2025-05-07"));
  CHECK(BusinessDaysBetween(ru, Day("2025-05-07"), Day("2025-05-07")) == 0);
}

TEST_CASE(
    "Calendars: counts walked from day to day agree with each day's reason to be off, across "
    "years with and without their files",
    "[unit][deadlines]") {
  // Each day's answer from WhyOff, the reading every count rests on.
  const auto counted = [](const calendar::StateCalendar& c, const Date& from, const Date& to) {
    int n = 0;
    for (Date d = from.AddDays(1); d <= to; d = d.AddDays(1)) n += c.WhyOff(d).empty() ? 1 : 0;
    return n;
  };
  const auto added = [](const calendar::StateCalendar& c, const Date& event, int n) {
    Date d = event;
    for (int k = 0; k < n;) {
      d = d.AddDays(1);
      if (c.WhyOff(d).empty()) ++k;
    }
    return d;
  };
  // A calendar with a day off listed without its act, a fixed holiday on 29 February and
  // Fridays off.
  calendar::StateCalendar odd = Of("RU");
  odd.years.at(2026).days[Day("2026-06-15")] =
      calendar::CalendarDay{Day("2026-06-15"), false, "a day off", ""};
  odd.fixed.push_back({2, 29, "a leap day off"});
  odd.weekend = {5, 7};
  const calendar::StateCalendar* const all[] = {&Of("RU"), &Of("KZ"), &Of("AM"), &odd};
  for (const calendar::StateCalendar* c : all) {
    INFO(c->country);
    // From 2023 (no file) through the shipped years to 2030 (no file again), every 11th day.
    for (Date from = Day("2023-11-20"); from < Day("2030-03-01"); from = from.AddDays(11)) {
      INFO(from.ToString());
      CHECK(c->IsBusinessDay(from) == c->WhyOff(from).empty());
      for (const int span : {0, 1, 6, 7, 30, 95, 400, 1100}) {
        const Date to = from.AddDays(span);
        REQUIRE(BusinessDaysBetween(*c, from, to) == counted(*c, from, to));
      }
      CHECK(BusinessDaysBetween(*c, from, from.AddDays(-5)) == 0);
      for (const int n : {1, 3, 15, 30, 250}) {
        REQUIRE(AddBusinessDays(*c, from, n) == added(*c, from, n));
      }
    }
  }
}

TEST_CASE("Calendars: a year without its file falls back to the standing rules, and says so",
          "[unit][deadlines]") {
  const auto& ru = Of("RU");
  CHECK(!ru.IsBusinessDay(Day("2028-01-03")));  // 3 January, a Monday: a fixed holiday
  CHECK(!ru.IsBusinessDay(Day("2028-02-23")));  // a Wednesday
  CHECK(ru.IsBusinessDay(Day("2028-01-10")));
  CHECK(ru.WhyOff(Day("2028-01-03")) ==
        "Новогодние каникулы (Трудовой кодекс Российской Федерации, ст. 112)");
  CHECK(!ru.Complete(Day("2027-12-20"), Day("2028-01-20")));
  CHECK(ru.Basis(Day("2027-12-20"), Day("2028-01-20")) ==
        "RU 2027 (provisional calendar); RU 2028: weekly days off and fixed holidays only, no "
        "calendar for the year");
  const auto years = Shipped().Years(2027, 2028);
  REQUIRE(years.size() == 10);
  CHECK(years[9].country == "RU");
  CHECK(years[9].year == 2028);
  CHECK(years[9].status == "absent");
  CHECK(years[8].status == "provisional");
  CHECK(years[8].days_off > 10);
  CHECK(Shipped().StatusLine(2025, 2028) ==
        "calendars 2025-2028: official: RU 2025; provisional (not yet checked against their acts): "
        "AM 2025-2027, BY 2025-2027, KG 2025-2027, KZ 2025-2027, RU 2026-2027; no file (weekly "
        "days off and fixed holidays only): AM 2028, BY 2028, KG 2028, KZ 2028, RU 2028");
  CHECK(ru.Complete(Day("2025-01-01"), Day("2025-12-31")));
}

TEST_CASE("Calendars: a mistake names the file, the line and the key", "[unit][deadlines]") {
  TempDir dir;
  const std::string state =
      "country = \"RU\"\nact = \"ТК РФ\"\nfixed = [ { date = \"01-01\", why = \"Новый год\" } ]\n";
  WriteText(dir / "RU.toml", state);
  WriteText(dir / "RU-2026.toml",
            "country = \"RU\"\nyear = 2026\nstatus = \"official\"\nact = \"x\"\noff = [\n"
            "  { date = \"2026-02-30\", why = \"нет такого дня\" },\n]\n");
  auto bad = calendar::Calendars::Load(dir.path());
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == "calendar.invalid");
  CHECK_THAT(bad.error().message, Catch::Contains("RU-2026.toml:6: off[1].date"));
  CHECK_THAT(bad.error().message, Catch::Contains("2026-02-30"));

  WriteText(dir / "RU-2026.toml",
            "country = \"RU\"\nyear = 2026\nstatus = \"checked\"\nact = \"x\"\noff = [\n"
            "  { date = \"2025-03-09\", why = \"не тот год\" },\n]\nholidays = []\n");
  bad = calendar::Calendars::Load(dir.path());
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("status: must be \"official\" or"));
  CHECK_THAT(bad.error().message, Catch::Contains("2025-03-09 is not in 2026"));
  CHECK_THAT(bad.error().message, Catch::Contains("holidays: unknown key"));

  // A day listed with no reason is refused: a day off is said why.
  WriteText(dir / "RU-2026.toml",
            "country = \"RU\"\nyear = 2026\nstatus = \"official\"\nact = \"x\"\nwork = [\n"
            "  { date = \"2026-03-07\", why = \"\" },\n]\n");
  bad = calendar::Calendars::Load(dir.path());
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("RU-2026.toml:6: work[1].why"));
  std::filesystem::remove(dir / "RU-2026.toml");
  WriteText(dir / "KZ-2026.toml", "country = \"KZ\"\nyear = 2026\nstatus = \"official\"\n");
  bad = calendar::Calendars::Load(dir.path());
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("no KZ.toml"));

  std::filesystem::remove(dir / "KZ-2026.toml");
  WriteText(dir / "RU.toml", state + "utc_offset = \"+3\"\n");
  bad = calendar::Calendars::Load(dir.path());
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message,
             Catch::Contains("utc_offset: \"+3\" is not an offset from UTC (+HH:MM)"));

  WriteText(dir / "RU.toml", state);
  auto good = calendar::Calendars::Load(dir.path());
  REQUIRE(good.ok());
  CHECK(good->Of("RU")->weekend == std::vector<int>{6, 7});
  CHECK(good->Of("KZ") == nullptr);
  CHECK(calendar::Calendars::Load(dir / "none").error().code == "calendar.folder");
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE("Calendars: the README's table of shipped years says what the files say",
          "[unit][deadlines]") {
  const std::string readme = ReadText(SourceDir() / "README.md");
  const auto years = Shipped().Years(2025, 2027);
  for (const char* country : {"AM", "BY", "KG", "KZ", "RU"}) {
    const std::string start = std::string("| ") + country + " | ";
    const auto at = readme.find(start);
    REQUIRE(at != std::string::npos);
    const std::string row = readme.substr(at, readme.find('\n', at) - at);
    std::vector<std::string> cells;
    for (size_t from = 2; from < row.size();) {
      const auto bar = row.find(" | ", from);
      cells.push_back(row.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
      if (bar == std::string::npos) break;
      from = bar + 3;
    }
    REQUIRE(cells.size() >= 4);
    for (const auto& y : years) {
      if (y.country != country) continue;
      INFO(country << " " << y.year);
      CHECK(cells[static_cast<size_t>(y.year - 2025 + 1)] == y.status);
      CHECK(row.find(y.act) != std::string::npos);
    }
  }
}

}  // namespace eaeu::test
