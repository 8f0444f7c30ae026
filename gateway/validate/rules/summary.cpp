// SR-*: rules of the summary report (Table 4) and of its request.

#include "gateway/validate/rules.hpp"

namespace eaeu::validate {
namespace {

using model::Ns;
using model::PathStep;

template <class Doc>
void CheckPeriod(const Doc& doc, const RuleEnv& env, Findings& out) {
  if (doc.period && !(doc.period->start < doc.period->end)) {
    constexpr auto kind = static_cast<model::DocumentKind>(kKindIndex<Doc>);
    out.push_back({Root(env.catalog, kind) + "/doc:PeriodDetails",
                   "starts " + doc.period->start.ToString() + ", not before it ends " +
                       doc.period->end.ToString()});
  }
}

std::string LinePath(const RuleEnv& env, size_t i) {
  return Root(env.catalog, model::DocumentKind::kSummaryReport) + "/" +
         PathStep(Ns::kDoc, "InspectionReportDetails", static_cast<int>(i));
}

void CheckExpiries(const model::SummaryReport& doc, const RuleEnv& env, Findings& out) {
  for (size_t i = 0; i < doc.reports.size(); ++i) {
    const auto& r = doc.reports[i];
    if (r.validity_date <= r.doc_creation_date ||
        r.doc_creation_date.AddYears(3) < r.validity_date) {
      out.push_back({LinePath(env, i) + "/csdo:DocValidityDate",
                     r.validity_date.ToString() + " is not within (" +
                         r.doc_creation_date.ToString() + ", " +
                         r.doc_creation_date.AddYears(3).ToString() + "]"});
    }
  }
}

// Reading T4-R1: a report matches when its date is within [start date, end date].
void CheckInPeriod(const model::SummaryReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.period) return;
  for (size_t i = 0; i < doc.reports.size(); ++i) {
    const auto& date = doc.reports[i].doc_creation_date;
    if (date < doc.period->start.date || doc.period->end.date < date) {
      out.push_back({LinePath(env, i) + "/csdo:DocCreationDate",
                     date.ToString() + " is outside " + doc.period->start.date.ToString() + " … " +
                         doc.period->end.date.ToString()});
    }
  }
}

}  // namespace

void AddSummaryRules(std::vector<Rule>& rules) {
  const RuleText period{"SR-01", Severity::kError, "T4 1", "The period must start before it ends",
                        "Начало периода должно предшествовать его окончанию"};
  rules.push_back(For<model::SummaryReport>(period, CheckPeriod<model::SummaryReport>));
  rules.push_back(For<model::SummaryRequest>(period, CheckPeriod<model::SummaryRequest>));
  rules.push_back(For<model::SummaryReport>(
      {"SR-02", Severity::kError, "T4 2.4; R106 §33",
       "A report's expiry must be after its date and no later than 3 years after it",
       "Срок действия отчета должен быть позже его даты и не более 3 лет с даты выдачи"},
      CheckExpiries));
  rules.push_back(
      For<model::SummaryReport>({"SR-03", Severity::kWarning, "T4 1, 2.2 (reading T4-R1)",
                                 "A report is dated outside the requested period",
                                 "Отчет датирован вне запрошенного периода"},
                                CheckInPeriod));
}

}  // namespace eaeu::validate
