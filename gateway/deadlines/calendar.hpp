#pragma once
// Business-day calendars. A member state's calendar says which days are business days; counting
// follows rules.md: day 1 is the first business day after the event.

#include <string>

#include "codecs/temporal.hpp"

namespace eaeu::deadlines {

class BusinessCalendar {
 public:
  virtual ~BusinessCalendar() = default;
  virtual bool IsBusinessDay(const model::Date& day) const = 0;
  // How the calendar was made, for messages ("weekends only", "RU 2026 production calendar").
  virtual std::string Describe() const = 0;
};

// Saturdays and Sundays off, no holidays: the fallback when no state calendar is loaded.
class WeekendCalendar final : public BusinessCalendar {
 public:
  bool IsBusinessDay(const model::Date& day) const override { return day.Weekday() <= 5; }
  std::string Describe() const override { return "weekends only (no public holidays loaded)"; }
};

// The date of business day `n` after `event` (n >= 1; day 1 is the first business day after it).
model::Date AddBusinessDays(const BusinessCalendar& calendar, const model::Date& event, int n);

}  // namespace eaeu::deadlines
