#include "gateway/deadlines/deadline.hpp"

#include <algorithm>

namespace eaeu::deadlines {
namespace {

const BusinessCalendar& CalendarOf(const Calendars* calendars, const std::string& country) {
  static const WeekendCalendar kWeekends;
  const StateCalendar* state = calendars != nullptr ? calendars->Of(country) : nullptr;
  return state != nullptr ? static_cast<const BusinessCalendar&>(*state) : kWeekends;
}

std::string BasisOf(const Calendars* calendars, const std::string& country, const model::Date& from,
                    const model::Date& to) {
  const StateCalendar* state = calendars != nullptr ? calendars->Of(country) : nullptr;
  return state != nullptr ? state->Basis(from, to) : country + ": " + WeekendCalendar().Describe();
}

// A deadline of `n` business days from `event` in `country`'s calendar.
Deadline Counted(std::string rule, std::string subject, const std::string& country,
                 const model::Date& event, int n, std::string source, const Calendars* calendars) {
  Deadline d;
  d.rule = std::move(rule);
  d.subject = std::move(subject);
  d.country = country;
  d.event = event;
  d.due = AddBusinessDays(CalendarOf(calendars, country), event, n);
  d.basis = BasisOf(calendars, country, event, d.due);
  d.source = std::move(source);
  return d;
}

void OfReport(const model::InspectionReport& doc, const Calendars* calendars,
              std::vector<Deadline>& out) {
  if (!doc.report) return;
  const model::t1::Report& report = *doc.report;
  const std::string subject = "report " + report.doc_id;
  std::optional<model::Date> last_end;
  for (const auto& object : report.manufacturer.objects) {
    for (const auto& s : object.inspections) {
      last_end = last_end ? std::max(*last_end, s.end_date) : s.end_date;
      if (!s.nonconformities.empty()) {
        out.push_back(
            Counted("DL-03",
                    subject + ": nonconformities of the inspection ending " + s.end_date.ToString(),
                    report.country_code, s.end_date, 30, "R106 §22", calendars));
      }
    }
  }
  if (last_end) {
    out.insert(out.begin(), Counted("DL-01", subject, report.country_code, *last_end, 15,
                                    "R106 §21, §35", calendars));
  }
  Deadline periodic;
  periodic.rule = "DL-05";
  periodic.subject = subject + ": periodic inspection";
  periodic.country = report.country_code;
  periodic.event = report.doc_creation_date;
  periodic.due = report.validity_date.value_or(report.doc_creation_date.AddYears(3));
  periodic.opens = periodic.due.AddMonths(-6);
  periodic.basis = "calendar days";
  periodic.source = "R106 §33, §35";
  out.push_back(std::move(periodic));
}

void OfRegisterEntry(const model::RegisterEntry& doc, const std::string& sender_country,
                     const Calendars* calendars, std::vector<Deadline>& out) {
  model::Date change = doc.header.e_doc_date_time.date;
  const auto& status = doc.organization.record_status;
  if (status && status->period.end) change = status->period.end->date;
  out.push_back(Counted("DL-02", "register entry of " + doc.organization.name, sender_country,
                        change, 3, "R106 §18", calendars));
}

}  // namespace

std::vector<Deadline> DeadlinesOf(const model::Document& document,
                                  const std::string& sender_country, const Calendars* calendars) {
  std::vector<Deadline> out;
  if (const auto* report = std::get_if<model::InspectionReport>(&document)) {
    OfReport(*report, calendars, out);
  } else if (const auto* entry = std::get_if<model::RegisterEntry>(&document)) {
    OfRegisterEntry(*entry, sender_country, calendars, out);
  }
  return out;
}

std::string_view StateName(DeadlineState state) {
  switch (state) {
    case DeadlineState::kOpen:
      return "open";
    case DeadlineState::kAtRisk:
      return "at-risk";
    case DeadlineState::kMet:
      return "met";
    case DeadlineState::kOverdue:
      return "overdue";
  }
  return "open";
}

Standing Evaluate(const Deadline& d, const std::optional<model::Date>& met_on,
                  const model::Date& today, int at_risk_days, const Calendars* calendars) {
  Standing s;
  if (d.opens) {  // DL-05: calendar days
    s.business_days_left = static_cast<int>(d.due.DayNumber() - today.DayNumber());
    if (met_on) {
      s.state = DeadlineState::kMet;
      s.days_late = std::max(0, static_cast<int>(met_on->DayNumber() - d.due.DayNumber()));
    } else if (d.due < today) {
      s.state = DeadlineState::kOverdue;
      s.days_late = static_cast<int>(today.DayNumber() - d.due.DayNumber());
    } else {
      s.state = *d.opens <= today ? DeadlineState::kAtRisk : DeadlineState::kOpen;
    }
    return s;
  }
  const BusinessCalendar& calendar = CalendarOf(calendars, d.country);
  s.business_days_left = d.due < today ? -BusinessDaysBetween(calendar, d.due, today)
                                       : BusinessDaysBetween(calendar, today, d.due);
  if (met_on) {
    s.state = DeadlineState::kMet;
    s.days_late = BusinessDaysBetween(calendar, d.due, *met_on);
  } else if (d.due < today) {
    s.state = DeadlineState::kOverdue;
    s.days_late = BusinessDaysBetween(calendar, d.due, today);
  } else {
    s.state = s.business_days_left <= at_risk_days ? DeadlineState::kAtRisk : DeadlineState::kOpen;
  }
  return s;
}

}  // namespace eaeu::deadlines
