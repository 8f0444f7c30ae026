// The deadlines a document starts and where they stand: DL-01 from the end of the last site
// inspection in the reporting state's calendar, DL-03 per inspection with nonconformities, DL-05's
// window before the report's expiry, DL-02 from a register change; met on day 14, late on day 16,
// overdue, at risk.
#include <catch2/catch.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/deadlines/deadline.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

using deadlines::DeadlineState;

Date Day(const char* text) {
  return *Date::Parse(text);
}

const calendar::Calendars* Shipped() {
  static const auto calendars = [] {
    auto loaded = calendar::Calendars::Load(SourceDir() / "config/calendars");
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
  CHECK(ds[0].basis ==
        "15 business days from 2026-03-12, the end of the report's last site inspection; RU 2026 "
        "(provisional calendar)");
  // The first inspection ends on 5 March; 9 March is a day off in Russia (8 March on a Sunday).
  CHECK(ds[1].rule == "DL-03");
  CHECK(ds[1].event == Day("2026-03-05"));
  CHECK(ds[1].due == Day("2026-04-17"));
  CHECK(ds[2].rule == "DL-03");
  CHECK(ds[2].due == Day("2026-04-23"));
  // The report dates every nonconformity of the second inspection (17 April, inside the term):
  // that is the day it is met on. The first inspection's second nonconformity has no date.
  REQUIRE(ds[2].planned);
  CHECK(*ds[2].planned == Day("2026-04-17"));
  CHECK(ds[2].basis.find("the report dates the remediation of its nonconformity, the last on "
                         "2026-04-17") != std::string::npos);
  CHECK_FALSE(ds[1].planned);
  CHECK(ds[1].basis.find("1 of 2 nonconformities have no remediation date in the report") !=
        std::string::npos);
  // DL-05: in force until 26 March 2029; the application window opens six months before.
  CHECK(ds[3].rule == "DL-05");
  CHECK(ds[3].due == Day("2029-03-26"));
  REQUIRE(ds[3].opens);
  CHECK(*ds[3].opens == Day("2028-09-26"));
  CHECK(ds[3].basis == "calendar days: the 6 months before 2029-03-26, the report's validity date");

  // Without calendars: weekends only, and the basis says so.
  const auto plain =
      deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", nullptr);
  CHECK(plain[1].due == Day("2026-04-16"));
  CHECK(plain[0].basis.ends_with("; RU: weekends only (no public holidays loaded)"));
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
  status.period.start = *DateTime::Parse("2021-01-01T00:00:00");
  status.period.end = *DateTime::Parse("2026-08-28T18:00:00");
  entry.organization.record_status = status;
  ds = deadlines::DeadlinesOf(doc, "KZ", Shipped());
  CHECK(ds[0].event == Day("2026-08-28"));
  CHECK(ds[0].due == Day("2026-09-03"));
  // Summary reports and notices start none.
  CHECK(deadlines::DeadlinesOf(Example(model::DocumentKind::kSuspensionNotice), "RU", Shipped())
            .empty());
}

TEST_CASE("Deadlines: known by what they are about, in the authority's day", "[unit][deadlines]") {
  auto doc = Example(model::DocumentKind::kInspectionReport);
  const auto first = deadlines::DeadlinesOf(doc, "RU", Shipped());
  const std::string id = deadlines::DeadlineId(first[0]);
  CHECK(id.starts_with("DL-01-"));
  CHECK(id.size() == 6 + 16);
  // The same report sent again, corrected, under a new EDocId: the same deadlines.
  auto& report = std::get<model::InspectionReport>(doc);
  report.header.e_doc_id = "5b7e2f90-0000-4a8b-b3e6-d9f0a2c5e714";
  report.report->status_code = "02";
  const auto again = deadlines::DeadlinesOf(doc, "RU", Shipped());
  REQUIRE(again.size() == first.size());
  for (size_t i = 0; i < first.size(); ++i) {
    CHECK(deadlines::DeadlineId(again[i]) == deadlines::DeadlineId(first[i]));
  }
  CHECK(deadlines::DeadlineId(first[1]) != deadlines::DeadlineId(first[2]));
  // Another report number: other deadlines.
  report.report->doc_id = "RU-IR-2026-0418";
  CHECK(deadlines::DeadlineId(deadlines::DeadlinesOf(doc, "RU", Shipped())[0]) != id);

  // 21:30 UTC on 31 March is already 1 April in Moscow and Astana; without a calendar, UTC.
  const auto t = FromUtc(*DateTime::Parse("2026-03-31T21:30:00"));
  CHECK(deadlines::TodayIn(Shipped(), "RU", t) == Day("2026-04-01"));
  CHECK(deadlines::TodayIn(Shipped(), "KZ", t) == Day("2026-04-01"));
  CHECK(deadlines::TodayIn(nullptr, "RU", t) == Day("2026-03-31"));
  const auto early = FromUtc(*DateTime::Parse("2026-03-31T20:30:00"));
  CHECK(deadlines::TodayIn(Shipped(), "RU", early) == Day("2026-03-31"));
  CHECK(deadlines::TodayIn(Shipped(), "KG", early) == Day("2026-04-01"));

  CHECK(deadlines::DaysText(1, true) == "1 business day");
  CHECK(deadlines::DaysText(3, true) == "3 business days");
  CHECK(deadlines::DaysText(1, false) == "1 day");
}

TEST_CASE("Deadlines: counted again in the calendars as they are now", "[unit][deadlines]") {
  auto d = deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", nullptr);
  // Counted with weekends only, then with Russia's calendar: 9 March 2026 is a day off.
  CHECK(d[1].due == Day("2026-04-16"));
  const auto [due, basis] = deadlines::Recount(d[1], Shipped());
  CHECK(due == Day("2026-04-17"));
  CHECK(basis.starts_with("30 business days from 2026-03-05, the end of the site inspection; "));
  CHECK(basis.ends_with("; RU 2026 (provisional calendar)"));
  // DL-05 counts calendar days: nothing moves.
  CHECK(deadlines::Recount(d[3], Shipped()).first == d[3].due);
}

TEST_CASE("Deadlines: DL-05 is met by a later periodic report of the same manufacturer",
          "[unit][deadlines]") {
  const auto earlier =
      deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", Shipped())[3];
  REQUIRE(earlier.rule == "DL-05");
  auto doc = std::get<model::InspectionReport>(Example(model::DocumentKind::kInspectionReport));
  // The example itself is not later than itself.
  CHECK(!deadlines::MeetsPeriodic(doc, earlier));
  // Three years on, a periodic report (kind 02) of the same manufacturer, spelt with other
  // spacing and case: met on the day of its application.
  doc.report->doc_id = "RU-IR-2029-0050";
  doc.report->doc_creation_date = Day("2029-02-20");
  doc.application.doc_creation_date = Day("2028-10-01");
  doc.report->manufacturer.name = "  общество с ограниченной   ответственностью «Медтехника-Север»";
  // (Cyrillic case is not folded: the names compare as the reports spell them.)
  CHECK(!deadlines::MeetsPeriodic(doc, earlier));
  doc.report->manufacturer.name = "Общество с ограниченной  ответственностью «Медтехника-Север» ";
  const auto on = deadlines::MeetsPeriodic(doc, earlier);
  REQUIRE(on);
  CHECK(*on == Day("2028-10-01"));
  // A primary report, or another manufacturer, meets nothing.
  doc.report->kind_code = "01";
  CHECK(!deadlines::MeetsPeriodic(doc, earlier));
  doc.report->kind_code = "02";
  doc.report->manufacturer.name = "ООО «Другой производитель»";
  CHECK(!deadlines::MeetsPeriodic(doc, earlier));
  // Another state's report of the same manufacturer does not meet Russia's deadline.
  doc.report->manufacturer.name = "Общество с ограниченной ответственностью «Медтехника-Север»";
  doc.report->country_code = "KZ";
  CHECK(!deadlines::MeetsPeriodic(doc, earlier));
}

}  // namespace eaeu::test

namespace eaeu::test {

TEST_CASE("Deadlines: DL-03 is met on the remediation dates the report gives, in time",
          "[unit][deadlines]") {
  const auto* cal = Shipped();
  const auto ds =
      deadlines::DeadlinesOf(Example(model::DocumentKind::kInspectionReport), "RU", cal);
  // The second inspection ended Thursday 12 March; in Russia's calendar business day 30 is
  // Thursday 23 April. Its one nonconformity is dated 17 April: met then, 4 business days early,
  // and never overdue on the way.
  const auto& dated = ds[2];
  REQUIRE(dated.planned);
  for (const char* day : {"2026-04-17", "2026-04-23", "2026-04-24", "2026-09-01"}) {
    const auto s = deadlines::Evaluate(dated, dated.planned, Day(day), 3, cal);
    CHECK(s.state == DeadlineState::kMet);
    CHECK(s.days_late == 0);
  }
  // A date after the term meets it late, by the business days past the due day.
  auto late = dated;
  late.planned = Day("2026-04-28");
  CHECK(deadlines::Evaluate(late, late.planned, Day("2026-05-04"), 3, cal).days_late == 3);
  // The first inspection has an undated nonconformity: it runs like any deadline (due 17 April).
  const auto& undated = ds[1];
  CHECK_FALSE(undated.planned);
  CHECK(deadlines::Evaluate(undated, std::nullopt, Day("2026-04-20"), 3, cal).state ==
        DeadlineState::kOverdue);
}

TEST_CASE("Deadlines: DL-04 and DL-06 start from recorded events and are met by the next",
          "[unit][deadlines]") {
  const auto* cal = Shipped();
  deadlines::RecordedEvent protocol;
  protocol.kind = "test-protocol";
  protocol.country = "RU";
  protocol.report = "RU-IR-2026-0417";
  protocol.reference = "TP-17";
  protocol.date = Day("2026-04-28");  // a Tuesday
  const auto dl04 = deadlines::DeadlineOfEvent(protocol, cal);
  CHECK(dl04.rule == "DL-04");
  CHECK(dl04.source == "R106 §38");
  // Five business days in Russia: 29 and 30 April, then 1 May is a holiday: 4, 5 and 6 May.
  CHECK(dl04.due == Day("2026-05-06"));
  // The results arriving on 6 May meet it in time; on 7 May, one business day late.
  CHECK(deadlines::Evaluate(dl04, Day("2026-05-06"), Day("2026-05-06"), 3, cal).days_late == 0);
  CHECK(deadlines::Evaluate(dl04, Day("2026-05-07"), Day("2026-05-07"), 3, cal).days_late == 1);
  // Known by the report and the protocol: the results' event finds the same deadline.
  deadlines::RecordedEvent results = protocol;
  results.kind = "test-results";
  results.date = Day("2026-05-06");
  CHECK(deadlines::DeadlineId(deadlines::DeadlineOfEvent(results, cal)) ==
        deadlines::DeadlineId(dl04));

  deadlines::RecordedEvent claim = protocol;
  claim.kind = "claim-received";
  claim.reference = "C-7";
  claim.date = Day("2026-04-02");
  claim.report_received = Day("2026-03-30");
  const auto dl06 = deadlines::DeadlineOfEvent(claim, cal);
  CHECK(dl06.rule == "DL-06");
  CHECK(dl06.source == "R106 §23");
  CHECK(dl06.due == Day("2026-04-23"));  // 15 business days
  CHECK(dl06.basis.find("within the manufacturer's 30 business days") != std::string::npos);
  // A claim that came after the window: the deadline still runs (the claim has to be answered),
  // and its basis says the claim was late.
  claim.date = Day("2026-06-01");
  CHECK(deadlines::DeadlineOfEvent(claim, cal)
            .basis.find("after the manufacturer's 30 business days, closed 2026-05-") !=
        std::string::npos);
  CHECK(deadlines::FindEventKind("claim-answered")->rule == "DL-06");
  CHECK(deadlines::FindEventKind("claim") == nullptr);
}

}  // namespace eaeu::test
