// The sandbox's summary of inspection reports (Table 4): the line a report gives, and how a
// request's period, country and manufacturer name pick lines.
#include <catch2/catch.hpp>

#include "gateway/summary/summary.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

model::InspectionReport ExampleReport() {
  auto v = TestValidator().Validate(ExampleText(model::DocumentKind::kInspectionReport),
                                    validate::InputFormat::kXml, Context());
  REQUIRE(v.document);
  return std::get<model::InspectionReport>(*v.document);
}

model::SummaryRequest Request(const std::string& start, const std::string& end) {
  model::SummaryRequest r;
  r.period = model::t4::Period{*DateTime::Parse(start), *DateTime::Parse(end)};
  return r;
}

}  // namespace

TEST_CASE("Sandbox summary: a report's line and the requests it answers", "[unit][sandbox]") {
  model::InspectionReport report = ExampleReport();
  REQUIRE(report.report);
  auto line = summary::SummaryLineOf(report);
  REQUIRE(line);
  CHECK(line->doc_id == report.report->doc_id);
  CHECK(line->doc_creation_date == *Date::Parse("2026-03-27"));
  CHECK(line->country_code == "RU");
  CHECK(line->manufacturer_name == report.report->manufacturer.name);
  CHECK(!line->products.empty());
  for (const auto& p : line->products) CHECK(!p.certificate);

  // No expiry in the report: its date + 3 years (T4-R3).
  report.report->validity_date.reset();
  CHECK(summary::SummaryLineOf(report)->validity_date == *Date::Parse("2029-03-27"));
  // An application without its report gives no line.
  report.report.reset();
  CHECK(!summary::SummaryLineOf(report));

  // Both ends of the period count, by date only (T4-R1).
  CHECK(summary::Matches(Request("2026-03-27T23:59:59", "2026-04-01T00:00:00"), *line));
  CHECK(summary::Matches(Request("2026-01-01T00:00:00", "2026-03-27T00:00:00"), *line));
  CHECK_FALSE(summary::Matches(Request("2026-03-28T00:00:00", "2026-12-31T00:00:00"), *line));
  CHECK(summary::Matches(model::SummaryRequest{}, *line));  // no period, no filter: every report

  model::SummaryRequest by_country;
  by_country.country_code = "KZ";
  CHECK_FALSE(summary::Matches(by_country, *line));
  by_country.country_code = "RU";
  CHECK(summary::Matches(by_country, *line));

  // The manufacturer: a part of its name, whatever the case and the spaces (RQ-R2).
  line->manufacturer_name = "ООО  «Медтехника-Север»\u00a0Plus";
  model::SummaryRequest by_name;
  by_name.manufacturer_name = "медтехника-СЕВЕР» plus";
  CHECK(summary::Matches(by_name, *line));
  by_name.manufacturer_name = "Медтехника-Юг";
  CHECK_FALSE(summary::Matches(by_name, *line));
  CHECK(summary::FoldForMatch("  Ёлка ԱՐՄ\tMed ") == "ёлка արմ med");
}

}  // namespace eaeu::test
