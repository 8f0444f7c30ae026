#include "gateway/deadlines/deadline.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace eaeu::deadlines {
namespace {

const BusinessCalendar& CalendarOf(const Calendars* calendars, const std::string& country) {
  static const WeekendCalendar kWeekends;
  const StateCalendar* state = calendars != nullptr ? calendars->Of(country) : nullptr;
  return state != nullptr ? static_cast<const BusinessCalendar&>(*state) : kWeekends;
}

std::string BasisOf(const Calendars* calendars, const std::string& country, const Date& from,
                    const Date& to) {
  const StateCalendar* state = calendars != nullptr ? calendars->Of(country) : nullptr;
  return state != nullptr ? state->Basis(from, to) : country + ": " + WeekendCalendar().Describe();
}

// A deadline of its rule's term in business days from `event` in `country`'s calendar.
Deadline Counted(std::string rule, std::string subject, const std::string& country,
                 const Date& event, std::string source, std::string key,
                 const Calendars* calendars) {
  Deadline d;
  d.rule = std::move(rule);
  d.subject = std::move(subject);
  d.country = country;
  d.event = event;
  d.source = std::move(source);
  d.key = d.rule + "|" + country + "|" + key;
  std::tie(d.due, d.basis) = Recount(d, calendars);
  return d;
}

// The manufacturer a DL-05 is about: its name as the report spells it, but for runs of spaces and
// the case of Latin letters.
std::string AboutOf(const std::string& country, const std::string& manufacturer) {
  std::string folded;
  bool space = false;
  for (const char c : manufacturer) {
    if (c == ' ' || c == '\t' || c == '\n') {
      space = !folded.empty();
      continue;
    }
    if (space) folded += ' ';
    space = false;
    folded += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return country + "|" + folded;
}

void OfReport(const model::InspectionReport& doc, const Calendars* calendars,
              std::vector<Deadline>& out) {
  if (!doc.report) return;
  const model::t1::Report& report = *doc.report;
  const std::string subject = "report " + report.doc_id;
  const std::string& country = report.country_code;
  std::optional<Date> last_end;
  int n = 0;
  for (const auto& object : report.manufacturer.objects) {
    for (const auto& s : object.inspections) {
      last_end = last_end ? std::max(*last_end, s.end_date) : s.end_date;
      if (!s.nonconformities.empty()) {
        out.push_back(Counted(
            "DL-03",
            subject + ": nonconformities of the inspection ending " + s.end_date.ToString(),
            country, s.end_date, "R106 §22",
            report.doc_id + "|" + s.end_date.ToString() + "|" + std::to_string(++n), calendars));
      }
    }
  }
  if (last_end) {
    out.insert(out.begin(), Counted("DL-01", subject, country, *last_end, "R106 §21, §35",
                                    report.doc_id, calendars));
  }
  Deadline periodic;
  periodic.rule = "DL-05";
  periodic.subject = subject + ": periodic inspection of " + report.manufacturer.name;
  periodic.country = report.country_code;
  periodic.event = report.doc_creation_date;
  periodic.due = report.validity_date.value_or(report.doc_creation_date.AddYears(3));
  periodic.opens = periodic.due.AddMonths(-6);
  periodic.basis = "calendar days";
  periodic.source = "R106 §33, §35";
  periodic.key = "DL-05|" + country + "|" + report.doc_id;
  periodic.about = AboutOf(country, report.manufacturer.name);
  out.push_back(std::move(periodic));
}

void OfRegisterEntry(const model::RegisterEntry& doc, const std::string& sender_country,
                     const Calendars* calendars, const std::optional<Date>& journalled,
                     std::vector<Deadline>& out) {
  Date change = doc.header.e_doc_date_time.date;
  const auto& status = doc.organization.record_status;
  if (status && status->period.end) change = status->period.end->date;
  if (journalled) change = *journalled;
  const bool withdrawn = status && status->period.end;
  out.push_back(Counted("DL-02",
                        (withdrawn ? "withdrawal from the register of " : "register entry of ") +
                            doc.organization.name,
                        sender_country, change, "R106 §18",
                        doc.organization.name + "|" + change.ToString() + (withdrawn ? "|end" : ""),
                        calendars));
}

}  // namespace

std::vector<Deadline> DeadlinesOf(const model::Document& document,
                                  const std::string& sender_country, const Calendars* calendars,
                                  const std::optional<Date>& register_change) {
  std::vector<Deadline> out;
  if (const auto* report = std::get_if<model::InspectionReport>(&document)) {
    OfReport(*report, calendars, out);
  } else if (const auto* entry = std::get_if<model::RegisterEntry>(&document)) {
    OfRegisterEntry(*entry, sender_country, calendars, register_change, out);
  }
  return out;
}

std::string DaysText(int n, bool business) {
  return std::to_string(n) + (business ? " business" : "") + (n == 1 || n == -1 ? " day" : " days");
}

std::string DeadlineId(const Deadline& deadline) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a, 64 bits
  for (const char c : deadline.key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return deadline.rule + "-" + hex;
}

int TermOf(std::string_view rule) {
  if (rule == "DL-01") return 15;
  if (rule == "DL-02") return 3;
  if (rule == "DL-03") return 30;
  if (rule == "DL-04") return 5;
  if (rule == "DL-06") return 30;
  return 0;
}

Date TodayIn(const Calendars* calendars, const std::string& country,
             std::chrono::system_clock::time_point t) {
  const StateCalendar* state = calendars != nullptr ? calendars->Of(country) : nullptr;
  if (state != nullptr) return state->LocalDate(t);
  return Date::FromDayNumber(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

std::pair<Date, std::string> Recount(const Deadline& d, const Calendars* calendars) {
  if (d.opens) return {d.due, d.basis};
  const Date due = AddBusinessDays(CalendarOf(calendars, d.country), d.event, TermOf(d.rule));
  return {due, BasisOf(calendars, d.country, d.event, due)};
}

std::optional<Date> MeetsPeriodic(const model::InspectionReport& report, const Deadline& earlier) {
  if (!report.report || report.report->kind_code != "02") return std::nullopt;
  const model::t1::Report& r = *report.report;
  if (AboutOf(r.country_code, r.manufacturer.name) != earlier.about) return std::nullopt;
  if (!(earlier.event < r.doc_creation_date)) return std::nullopt;  // not a later report
  return report.application.doc_creation_date;
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

Standing Evaluate(const Deadline& d, const std::optional<Date>& met_on, const Date& today,
                  int at_risk_days, const Calendars* calendars) {
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
