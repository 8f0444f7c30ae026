#pragma once
// The legal deadlines a document starts (rules.md "Deadlines the gateway tracks"), counted in the
// calendar of the member state that owes the action, and where a deadline stands on a given day.
// The readings of R106 that fix each one's start, end and fulfilment are here and only here:
//
// - DL-01 (R106 §21, §35): 15 business days from the end of the last site inspection of the
//   report (the latest InspectionEndDate); owed by the reporting state. It is met on the day the
//   integrated system took the report (its receipt; R106 says the report "is sent" within the
//   term), but only once the Commission's answer is positive: a refused or dead message meets
//   nothing, whatever its receipt.
// - DL-02 (R106 §18): 3 business days from the change of the register; owed by the sending
//   state. A register sync knows the change and journals its day: the record's StartDateTime for
//   an addition (the sync's day when the record has none), its EndDateTime for a withdrawal, the
//   sync's day for a change. A register document submitted on its own has only itself to go by:
//   its EndDateTime when it withdraws the organization, else its EDocDateTime (the day the
//   authority formed it).
// - DL-03 (R106 §22): 30 business days from the end of each site inspection with nonconformities;
//   owed by the manufacturer, counted in the reporting state's calendar. It is met by the
//   remediation dates the report carries (T1 *.2.6.3, "the date the nonconformity was, or is to
//   be, eliminated"): once every nonconformity of the inspection has one, on the latest of them,
//   when that day has come (a date still ahead is the manufacturer's plan: the deadline stays open
//   until it comes, and shows it). A report that leaves a nonconformity without a date gives no
//   evidence of its remediation: the deadline runs, goes at risk and overdue like any other, and
//   says how many nonconformities have no date, because R106 §23 makes the inspecting organization
//   tell the authority of a missed term and the authority then acts; it is met by the same report
//   sent again with the dates (the same key) or by an operator's entry.
// - DL-04 (R106 §38): 5 business days from the day the protocol of the tests of sampled devices
//   was drawn up, for the results to reach the authority; owed by the inspecting organization,
//   counted in the reporting state's calendar. No document of the exchange carries the protocol:
//   the operator or a national system records it (event "test-protocol", naming the report and
//   the protocol) and records the results' arrival likewise ("test-results"), which meets it.
// - DL-06 (R106 §23): the inspecting organization answers a manufacturer's claim within 15
//   business days from the day it received it; started by the event "claim-received" and met by
//   "claim-answered". The manufacturer's own 30 business days to claim (from the day the
//   inspecting organization received the copy of the report) are its right, not a term anybody
//   owes: nothing goes overdue when no claim comes. A claim recorded with that day is checked
//   against it, and the deadline's basis says whether it came within its window.
// - DL-05 (R106 §33, §35): the report is in force until its DocValidityDate (its date + 3 years
//   when it has none); the application for the periodic inspection is due within the 6 months
//   before that, counted in calendar days. It is met by a later report of a periodic inspection
//   (kind 02) of the same state and manufacturer that the Commission took, on the day of that
//   report's application.
// A document sent again (the same report or register change, corrected, under a new EDocId)
// carries the same deadlines: a deadline is known by what it is about (its key), not by the
// message that started it, so that the message the Commission takes meets it.
// Every deadline's basis says what it runs from and the calendars its count rests on.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codecs/model.hpp"
#include "gateway/calendar/calendar.hpp"

namespace eaeu::deadlines {

// The calendars the deadlines are counted in (a leaf component below this one).
using calendar::AddBusinessDays;
using calendar::BusinessCalendar;
using calendar::BusinessDaysBetween;
using calendar::Calendars;
using calendar::StateCalendar;
using calendar::WeekendCalendar;

struct Deadline {
  std::string rule;             // "DL-01"
  std::string subject;          // what it is about: "report RU-IR-2026-0417"
  std::string country;          // the member state whose calendar counts (and who owes the action)
  Date event;                   // the day it runs from
  Date due;                     // its last day
  std::optional<Date> opens;    // DL-05: the first day of its window
  std::string basis;            // the calendars the count rests on
  std::string source;           // "R106 §21, §35"
  std::string key;              // what it is about, the same in every message that carries it
  std::string about;            // DL-05: the state and manufacturer a later report meets it for
  std::string origin;           // what it runs from, in words ("the end of the site inspection")
  std::optional<Date> planned;  // DL-03: the day the document says it is met (see above)
};

// An event that starts or meets a deadline no document carries (DL-04, DL-06), as an operator or
// a national system records it.
struct RecordedEvent {
  std::string kind;       // test-protocol, test-results, claim-received, claim-answered
  std::string country;    // the reporting state (the recorder's)
  std::string report;     // the report's number (its DocId)
  std::string reference;  // the protocol's or the claim's number
  Date date;              // the protocol's date, the results' or claim's receipt, the answer's
  std::optional<Date> report_received;  // claim-received: the day the copy of the report arrived
};

struct EventKind {
  std::string_view name;
  std::string_view rule;
  bool starts = false;  // starts the rule's deadline (else meets it)
  std::string_view what;
};
// The kinds of recorded events; nullptr for an unknown one.
const EventKind* FindEventKind(std::string_view name);
std::string EventKindNames();  // "test-protocol, test-results, ..." for messages
// The deadline a recorded event is about: the one a starting event starts, the key a meeting
// event meets.
Deadline DeadlineOfEvent(const RecordedEvent& event, const Calendars* calendars);
// The id of the report's DL-01, by which the gateway knows the report was sent.
std::string ReportDeadlineId(const std::string& country, const std::string& report);

// "1 business day", "3 business days", "1 day" (calendar days: DL-05).
std::string DaysText(int n, bool business);

// The deadline's id in the journal, from its key: "DL-01-3f9a0c1d2e4b5a69".
std::string DeadlineId(const Deadline& deadline);
// The business days of a counted deadline's term (DL-01: 15); 0 for DL-05.
int TermOf(std::string_view rule);
// The day it is at `t` for the authority of `country` (its capital's offset; UTC without a
// calendar).
Date TodayIn(const Calendars* calendars, const std::string& country,
             std::chrono::system_clock::time_point t);
// The due day of a counted deadline, and what it rests on, in the calendars as they are now.
std::pair<Date, std::string> Recount(const Deadline& deadline, const Calendars* calendars);
// Whether `report` is a periodic report (kind 02): only such a report meets an earlier DL-05.
bool IsPeriodic(const model::InspectionReport& report);
// Whether `report` is a periodic report (kind 02) that meets `earlier`'s DL-05, and on which day.
std::optional<Date> MeetsPeriodic(const model::InspectionReport& report, const Deadline& earlier);

// The deadlines a document starts. `sender_country` is the state that sent it (DL-02's owner);
// `calendars` may be null (weekends only, and the basis says so); `register_change` is the day
// of the register's change when a sync journalled it.
std::vector<Deadline> DeadlinesOf(const model::Document& document,
                                  const std::string& sender_country, const Calendars* calendars,
                                  const std::optional<Date>& register_change = std::nullopt);

// A deadline's states; kWaived only by an operator's hand.
enum class DeadlineState { kOpen, kAtRisk, kMet, kOverdue, kWaived };
std::string_view StateName(DeadlineState state);

struct Standing {
  DeadlineState state = DeadlineState::kOpen;
  int business_days_left = 0;  // to the due day, from `today` (negative once overdue)
  int days_late = 0;           // business days past the due day it was met on, or is now
};

// Where a deadline stands on `today`: met on `met_on` (late when after the due day), else overdue
// after its due day, at risk with `at_risk_days` business days or fewer left, else open. DL-05
// counts calendar days and is at risk once its window is open.
Standing Evaluate(const Deadline& deadline, const std::optional<Date>& met_on, const Date& today,
                  int at_risk_days, const Calendars* calendars);

}  // namespace eaeu::deadlines
