#include "gateway/deadlines/calendar.hpp"

namespace eaeu::deadlines {

model::Date AddBusinessDays(const BusinessCalendar& calendar, const model::Date& event, int n) {
  model::Date day = event;
  int counted = 0;
  // A calendar with no business day at all would loop forever; ten years is the bound.
  for (int guard = 0; counted < n && guard < 3660; ++guard) {
    day = day.AddDays(1);
    if (calendar.IsBusinessDay(day)) ++counted;
  }
  return day;
}

}  // namespace eaeu::deadlines
