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
                 const Date& event, std::string origin, std::string source, std::string key,
                 const Calendars* calendars) {
  Deadline d;
  d.rule = std::move(rule);
  d.subject = std::move(subject);
  d.country = country;
  d.event = event;
  d.origin = std::move(origin);
  d.source = std::move(source);
  d.key = d.rule + "|" + country + "|" + key;
  std::tie(d.due, d.basis) = Recount(d, calendars);
  return d;
}

// DL-03's reading of the remediation dates of one inspection's nonconformities (deadline.hpp).
void Remediation(const model::t1::SiteInspection& s, Deadline& d) {
  std::optional<Date> latest;
  size_t undated = 0;
  for (const auto& n : s.nonconformities) {
    if (!n.remediation_date) {
      ++undated;
      continue;
    }
    latest = latest ? std::max(*latest, *n.remediation_date) : *n.remediation_date;
  }
  if (undated == 0) {
    d.planned = latest;
    d.origin += "; the report dates the remediation of " +
                (s.nonconformities.size() == 1
                     ? std::string("its nonconformity")
                     : "all " + std::to_string(s.nonconformities.size()) + " nonconformities") +
                ", the last on " + latest->ToString();
    return;
  }
  d.origin += "; " + std::to_string(undated) + " of " + std::to_string(s.nonconformities.size()) +
              (s.nonconformities.size() == 1 ? " nonconformity has" : " nonconformities have") +
              " no remediation date in the report: met by the report sent again with the dates, "
              "or by an operator";
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
        Deadline d = Counted(
            "DL-03",
            subject + ": nonconformities of the inspection ending " + s.end_date.ToString(),
            country, s.end_date, "the end of the site inspection", "R106 §22",
            report.doc_id + "|" + s.end_date.ToString() + "|" + std::to_string(++n), calendars);
        Remediation(s, d);
        std::tie(d.due, d.basis) = Recount(d, calendars);
        out.push_back(std::move(d));
      }
    }
  }
  if (last_end) {
    out.insert(out.begin(), Counted("DL-01", subject, country, *last_end,
                                    "the end of the report's last site inspection", "R106 §21, §35",
                                    report.doc_id, calendars));
  }
  Deadline periodic;
  periodic.rule = "DL-05";
  periodic.subject = subject + ": periodic inspection of " + report.manufacturer.name;
  periodic.country = report.country_code;
  periodic.event = report.doc_creation_date;
  periodic.due = report.validity_date.value_or(report.doc_creation_date.AddYears(3));
  periodic.opens = periodic.due.AddMonths(-6);
  periodic.origin = report.validity_date ? "the report's validity date"
                                         : "the report's date + 3 years (it has no validity date)";
  periodic.basis =
      "calendar days: the 6 months before " + periodic.due.ToString() + ", " + periodic.origin;
  periodic.source = "R106 §33, §35";
  periodic.key = "DL-05|" + country + "|" + report.doc_id;
  periodic.about = AboutOf(country, report.manufacturer.name);
  out.push_back(std::move(periodic));
}

void OfRegisterEntry(const model::RegisterEntry& doc, const std::string& sender_country,
                     const Calendars* calendars, const std::optional<Date>& journalled,
                     std::vector<Deadline>& out) {
  Date change = doc.header.e_doc_date_time.date;
  std::string origin = "the day the authority formed the document (EDocDateTime)";
  const auto& status = doc.organization.record_status;
  if (status && status->period.end) {
    change = status->period.end->date;
    origin = "the end of the organization's authorisation (EndDateTime)";
  }
  if (journalled) {
    change = *journalled;
    origin = "the day of the register's change, as its sync journalled it";
  }
  const bool withdrawn = status && status->period.end;
  out.push_back(Counted("DL-02",
                        (withdrawn ? "withdrawal from the register of " : "register entry of ") +
                            doc.organization.name,
                        sender_country, change, std::move(origin), "R106 §18",
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
  if (rule == "DL-06") return 15;
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
  const int term = TermOf(d.rule);
  const Date due = AddBusinessDays(CalendarOf(calendars, d.country), d.event, term);
  std::string basis = BasisOf(calendars, d.country, d.event, due);
  if (!d.origin.empty()) {
    basis = DaysText(term, true) + " from " + d.event.ToString() + ", " + d.origin + "; " + basis;
  }
  return {due, std::move(basis)};
}

namespace {

constexpr EventKind kEventKinds[] = {
    {"test-protocol", "DL-04", true, "the protocol of the tests of sampled devices"},
    {"test-results", "DL-04", false, "the tests' results reached the authority"},
    {"claim-received", "DL-06", true,
     "the inspecting organization received the manufacturer's claim"},
    {"claim-answered", "DL-06", false, "the inspecting organization answered the claim"},
};

// The manufacturer's window to claim (R106 §23): 30 business days.
constexpr int kClaimWindow = 30;

}  // namespace

const EventKind* FindEventKind(std::string_view name) {
  for (const auto& k : kEventKinds) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string EventKindNames() {
  std::string out;
  for (const auto& k : kEventKinds) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

std::string ReportDeadlineId(const std::string& country, const std::string& report) {
  Deadline d;
  d.rule = "DL-01";
  d.key = "DL-01|" + country + "|" + report;
  return DeadlineId(d);
}

Deadline DeadlineOfEvent(const RecordedEvent& e, const Calendars* calendars) {
  const EventKind* kind = FindEventKind(e.kind);
  const bool tests = kind != nullptr && kind->rule == "DL-04";
  const std::string subject = "report " + e.report +
                              (tests ? ": results of the tests of sampled devices, protocol "
                                     : ": the answer to the manufacturer's claim ") +
                              e.reference;
  std::string origin = tests ? "the day the test protocol " + e.reference + " was drawn up"
                             : "the day the claim " + e.reference + " was received";
  if (!tests && e.report_received) {
    const Date window =
        AddBusinessDays(CalendarOf(calendars, e.country), *e.report_received, kClaimWindow);
    origin +=
        e.date <= window
            ? " (within the manufacturer's 30 business days, until " + window.ToString() + ")"
            : " (after the manufacturer's 30 business days, closed " + window.ToString() + ")";
  }
  return Counted(tests ? "DL-04" : "DL-06", subject, e.country, e.date, std::move(origin),
                 tests ? "R106 §38" : "R106 §23", e.report + "|" + e.reference, calendars);
}

bool IsPeriodic(const model::InspectionReport& report) {
  return report.report && report.report->kind_code == "02";
}

std::optional<Date> MeetsPeriodic(const model::InspectionReport& report, const Deadline& earlier) {
  if (!IsPeriodic(report)) return std::nullopt;
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
    case DeadlineState::kWaived:
      return "waived";
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
