#pragma once
// Business-day calendars (rules.md "Deadlines the gateway tracks"). A member state's calendar says
// which days are business days: its weekly days off, its public holidays, and the days its
// government moved (a weekday made a day off, a Saturday made a working day). Counting follows
// rules.md: day 1 is the first business day after the event.
//
// The calendars are data (config/calendars/): one file of standing rules per state (<CC>.toml: the
// weekly days off and the holidays fixed by law) and one per state and year (<CC>-<YYYY>.toml:
// every day of that year that differs from the weekly pattern, each with the act it comes from). A
// year without its file is counted by the weekly days off and the fixed holidays only, and the
// basis of every count says so; a year file not yet checked against its act is marked provisional.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/core/temporal.hpp"

namespace eaeu::calendar {

class BusinessCalendar {
 public:
  virtual ~BusinessCalendar() = default;
  virtual bool IsBusinessDay(const Date& day) const = 0;
  // How the calendar was made, for messages ("weekends only", "RU 2026 production calendar").
  virtual std::string Describe() const = 0;
};

// Saturdays and Sundays off, no holidays: the fallback when no state calendar is loaded.
class WeekendCalendar final : public BusinessCalendar {
 public:
  bool IsBusinessDay(const Date& day) const override { return day.Weekday() <= 5; }
  std::string Describe() const override { return "weekends only (no public holidays loaded)"; }
};

// The date of business day `n` after `event` (n >= 1; day 1 is the first business day after it).
Date AddBusinessDays(const BusinessCalendar& calendar, const Date& event, int n);

// Business days from the day after `from` to `to` inclusive (0 when `to` is not after `from`).
int BusinessDaysBetween(const BusinessCalendar& calendar, const Date& from, const Date& to);

// A day that differs from a state's weekly pattern, with where it comes from.
struct CalendarDay {
  Date date;
  bool working = false;  // a day off made a working day (a moved Saturday)
  std::string why;
  std::string act;
};

// A holiday fixed by law, every year on the same day.
struct FixedHoliday {
  int month = 1;
  int day = 1;
  std::string why;
};

struct YearCalendar {
  int year = 0;
  std::string act;           // the act that set the year's calendar (and its moves)
  bool provisional = false;  // not yet checked against the act
  std::map<Date, CalendarDay> days;
};

// One member state's calendar over all the years it has files for.
class StateCalendar final : public BusinessCalendar {
 public:
  std::string country;
  std::string act;                     // the law of the weekly days off and the fixed holidays
  std::chrono::minutes utc_offset{0};  // of the capital, where the authority counts its days
  std::vector<int> weekend{6, 7};      // ISO weekdays off every week
  std::vector<FixedHoliday> fixed;     // used for a year without its file
  std::map<int, YearCalendar> years;

  bool IsBusinessDay(const Date& day) const override;
  std::string Describe() const override;
  // What a count over [from, to] rests on: "RU 2026 (official)", "RU 2027 (provisional)",
  // "RU 2028: weekly days off and fixed holidays only, no calendar for the year".
  std::string Basis(const Date& from, const Date& to) const;
  // Whether every year of [from, to] has an official (not provisional) calendar.
  bool Complete(const Date& from, const Date& to) const;
  // The day it is in the state's capital at `t`.
  Date LocalDate(std::chrono::system_clock::time_point t) const;
  // Why a day is not a business day ("Новый год (ТК РФ ст. 112)"), empty for a business day.
  std::string WhyOff(const Date& day) const;
};

// Where one state's calendar for one year comes from.
struct YearStatus {
  std::string country;
  int year = 0;
  std::string status;   // "official", "provisional", "absent" (no file), "none" (no calendar)
  std::string act;      // the year's act (its file's), or the standing rules' for an absent year
  size_t days_off = 0;  // the year file's days off and working days (0 without a file)
  size_t working_days = 0;  // (Saturdays made working days)
};

// The calendars of the member states, read from a folder.
class Calendars {
 public:
  // Reads every <CC>.toml and <CC>-<YYYY>.toml of `folder`. A file with a mistake is an error that
  // names the file, the line and the key; a year file without its state's file too.
  static Result<Calendars> Load(const std::filesystem::path& folder);

  // nullptr for a state without a calendar.
  const StateCalendar* Of(std::string_view country) const;
  // Every member state's calendar year of [from_year, to_year], and where it comes from.
  std::vector<YearStatus> Years(int from_year, int to_year) const;
  // The same, in one line for the log at start: which years are provisional or missing.
  std::string StatusLine(int from_year, int to_year) const;
  const std::map<std::string, StateCalendar, std::less<>>& states() const { return states_; }

 private:
  std::map<std::string, StateCalendar, std::less<>> states_;
};

}  // namespace eaeu::calendar
