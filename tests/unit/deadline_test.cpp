// The deadlines a document starts and where they stand: DL-01 from the end of the last site
// inspection in the reporting state's calendar, DL-03 per inspection with nonconformities, DL-05's
// window before the report's expiry, DL-02 from a register change; met on day 14, late on day 16,
// overdue, at risk.
#include <catch2/catch.hpp>

#include "gateway/deadlines/deadline.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

using deadlines::DeadlineState;

model::Date Day(const char* text) {
  return *model::Date::Parse(text);
}

const deadlines::Calendars* Shipped() {
  static const auto calendars = [] {
    auto loaded = deadlines::Calendars::Load(SourceDir() / "config/calendars");
    REQUIRE(loaded.ok());
    return std::move(*loaded);
  }();
  return &calendars;
}

}  // namespace

TEST_CASE("Deadlines: what an inspection report starts", "[unit][deadlines]") {
  const auto ds =
      deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", Shipped());
  REQUIRE(ds.size() == 4);  // DL-01, DL-03 for each of the two inspections, DL-05
  // The last inspection ends on Thursday 12 March 2026: business day 15 in Russia is 2 April.
  CHECK(ds[0].rule == "DL-01");
  CHECK(ds[0].subject == "report RU-IR-2026-0417");
  CHECK(ds[0].country == "RU");
  CHECK(ds[0].event == Day("2026-03-12"));
  CHECK(ds[0].due == Day("2026-04-02"));
  CHECK(ds[0].basis == "RU 2026 (provisional calendar)");
  // The first inspection ends on 5 March; 9 March is a day off in Russia (8 March on a Sunday).
  CHECK(ds[1].rule == "DL-03");
  CHECK(ds[1].event == Day("2026-03-05"));
  CHECK(ds[1].due == Day("2026-04-17"));
  CHECK(ds[2].rule == "DL-03");
  CHECK(ds[2].due == Day("2026-04-23"));
  // DL-05: in force until 26 March 2029; the application window opens six months before.
  CHECK(ds[3].rule == "DL-05");
  CHECK(ds[3].due == Day("2029-03-26"));
  REQUIRE(ds[3].opens);
  CHECK(*ds[3].opens == Day("2028-09-26"));
  CHECK(ds[3].basis == "calendar days");

  // Without calendars: weekends only, and the basis says so.
  const auto plain =
      deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", nullptr);
  CHECK(plain[1].due == Day("2026-04-16"));
  CHECK(plain[0].basis == "RU: weekends only (no public holidays loaded)");
}

TEST_CASE("Deadlines: a report met on day 14, late on day 16, overdue, at risk",
          "[unit][deadlines]") {
  const auto ds =
      deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", Shipped());
  const auto& dl01 = ds[0];  // due 2026-04-02
  const auto* cal = Shipped();
  // Day 14 is 1 April: met in time.
  auto s = deadlines::Evaluate(dl01, Day("2026-04-01"), Day("2026-04-20"), 3, cal);
  CHECK(s.state == DeadlineState::kMet);
  CHECK(s.days_late == 0);
  // Day 16 is 3 April: met, one business day late.
  s = deadlines::Evaluate(dl01, Day("2026-04-03"), Day("2026-04-20"), 3, cal);
  CHECK(s.state == DeadlineState::kMet);
  CHECK(s.days_late == 1);
  // Not met on 3 April: overdue by one business day; by four on 8 April.
  s = deadlines::Evaluate(dl01, std::nullopt, Day("2026-04-03"), 3, cal);
  CHECK(s.state == DeadlineState::kOverdue);
  CHECK(s.days_late == 1);
  CHECK(s.business_days_left == -1);
  CHECK(deadlines::Evaluate(dl01, std::nullopt, Day("2026-04-08"), 3, cal).days_late == 4);
  // Three business days left on 30 March: at risk; four on 27 March: open.
  s = deadlines::Evaluate(dl01, std::nullopt, Day("2026-03-30"), 3, cal);
  CHECK(s.state == DeadlineState::kAtRisk);
  CHECK(s.business_days_left == 3);
  s = deadlines::Evaluate(dl01, std::nullopt, Day("2026-03-27"), 3, cal);
  CHECK(s.state == DeadlineState::kOpen);
  CHECK(s.business_days_left == 4);
  // The due day itself: at risk, not overdue.
  CHECK(deadlines::Evaluate(dl01, std::nullopt, Day("2026-04-02"), 3, cal).state ==
        DeadlineState::kAtRisk);
  CHECK(deadlines::StateName(DeadlineState::kAtRisk) == "at-risk");

  // DL-05 is a window: open, then at risk once it opens, overdue after the expiry.
  const auto& dl05 = ds[3];
  CHECK(deadlines::Evaluate(dl05, std::nullopt, Day("2028-09-25"), 3, cal).state ==
        DeadlineState::kOpen);
  CHECK(deadlines::Evaluate(dl05, std::nullopt, Day("2028-09-26"), 3, cal).state ==
        DeadlineState::kAtRisk);
  s = deadlines::Evaluate(dl05, std::nullopt, Day("2029-03-28"), 3, cal);
  CHECK(s.state == DeadlineState::kOverdue);
  CHECK(s.days_late == 2);
}

TEST_CASE("Deadlines: a register change reaches the Commission within 3 business days",
          "[unit][deadlines]") {
  auto doc = Example(model::DocumentKind::kRegisterEntry);
  // Formed on Monday 14 September 2026: due Thursday 17 September, in the sender's calendar.
  auto ds = deadlines::DeadlinesOf(doc, "KZ", Shipped());
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].rule == "DL-02");
  CHECK(ds[0].country == "KZ");
  CHECK(ds[0].event == Day("2026-09-14"));
  CHECK(ds[0].due == Day("2026-09-17"));
  // A withdrawal counts from its end: Friday 28 August 2026, then Kazakhstan's Constitution Day
  // (30 August, a Sunday) moved to Monday the 31st.
  auto& entry = std::get<model::RegisterEntry>(doc);
  model::t3::RecordStatus status;
  status.period.start = *model::DateTime::Parse("2021-01-01T00:00:00");
  status.period.end = *model::DateTime::Parse("2026-08-28T18:00:00");
  entry.organization.record_status = status;
  ds = deadlines::DeadlinesOf(doc, "KZ", Shipped());
  CHECK(ds[0].event == Day("2026-08-28"));
  CHECK(ds[0].due == Day("2026-09-03"));
  // Summary reports and notices start none.
  CHECK(deadlines::DeadlinesOf(Example(model::DocumentKind::kSuspensionNotice), "RU", Shipped())
            .empty());
}

}  // namespace eaeu::test
