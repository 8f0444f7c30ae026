#include "gateway/calendar/calendar.hpp"

#include <map>

#include <algorithm>
#include <regex>

#include "gateway/checked_toml/reader.hpp"

namespace eaeu::calendar {
namespace {

constexpr const char* kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                     "friday", "saturday", "sunday"};

// One line of a year file's `off` or `work`.
void ReadDays(checked_toml::Section& file, std::string_view key, bool working, int year,
              YearCalendar& out) {
  for (auto& entry : file.Tables(key)) {
    const auto text = entry.String("date", true);
    const auto why = entry.String("why", true);
    const auto act = entry.String("act");
    entry.RejectUnknown();
    if (!text || !why) continue;
    if (why->empty()) {
      entry.Problem("why", "a listed day says why it is off or worked");
      continue;
    }
    const auto date = Date::Parse(*text);
    if (!date) {
      entry.Problem("date", "\"" + *text + "\" is not a date (YYYY-MM-DD)");
      continue;
    }
    if (date->year != year) {
      entry.Problem("date", *text + " is not in " + std::to_string(year));
      continue;
    }
    if (out.days.contains(*date)) {
      entry.Problem("date", *text + " is listed twice");
      continue;
    }
    out.days[*date] = CalendarDay{*date, working, *why, act.value_or("")};
  }
}

Result<StateCalendar> ReadState(const std::filesystem::path& file, const std::string& country) {
  auto parsed = checked_toml::ParseTomlFile(file, "calendar.syntax");
  if (!parsed) return parsed.error();
  checked_toml::Problems problems(file);
  checked_toml::Section top(&*parsed, "", &problems);
  StateCalendar state;
  state.country = top.String("country", true).value_or("");
  if (!state.country.empty() && state.country != country) {
    top.Problem("country", "\"" + state.country + "\" in the file of " + country);
  }
  state.country = country;
  state.act = top.String("act", true).value_or("");
  static const std::regex kOffset(R"(([+-])(\d\d):(\d\d))");
  if (auto offset = top.String("utc_offset")) {
    std::smatch m;
    if (!std::regex_match(*offset, m, kOffset) || std::stoi(m[2]) > 14 || std::stoi(m[3]) > 59) {
      top.Problem("utc_offset", "\"" + *offset + "\" is not an offset from UTC (+HH:MM)");
    } else {
      const std::chrono::minutes minutes(std::stoi(m[2]) * 60 + std::stoi(m[3]));
      state.utc_offset = m[1] == "-" ? -minutes : minutes;
    }
  }
  if (top.Has("weekend")) {
    state.weekend.clear();
    for (const auto& name : top.Strings("weekend")) {
      const auto* at = std::find(std::begin(kWeekdays), std::end(kWeekdays), name);
      if (at == std::end(kWeekdays)) {
        top.Problem("weekend", "\"" + name + "\" is not a day of the week (monday … sunday)");
      } else {
        state.weekend.push_back(static_cast<int>(at - std::begin(kWeekdays)) + 1);
      }
    }
  }
  static const std::regex kMonthDay(R"((\d\d)-(\d\d))");
  for (auto& entry : top.Tables("fixed")) {
    const auto text = entry.String("date", true);
    const auto why = entry.String("why", true);
    entry.RejectUnknown();
    std::smatch m;
    if (!text || !why) continue;
    if (why->empty()) {
      entry.Problem("why", "a fixed holiday says what it is");
      continue;
    }
    if (!std::regex_match(*text, m, kMonthDay) ||
        !Date::Parse("2024-" + *text)) {  // a leap year: 02-29 is a day
      entry.Problem("date", "\"" + *text + "\" is not a day of the year (MM-DD)");
      continue;
    }
    state.fixed.push_back({std::stoi(m[1]), std::stoi(m[2]), *why});
  }
  top.RejectUnknown();
  if (!problems.empty()) return problems.ToError("calendar.invalid");
  return state;
}

Result<YearCalendar> ReadYear(const std::filesystem::path& file, const std::string& country,
                              int year) {
  auto parsed = checked_toml::ParseTomlFile(file, "calendar.syntax");
  if (!parsed) return parsed.error();
  checked_toml::Problems problems(file);
  checked_toml::Section top(&*parsed, "", &problems);
  YearCalendar out;
  out.year = year;
  if (auto c = top.String("country", true); c && *c != country) {
    top.Problem("country", "\"" + *c + "\" in the file of " + country);
  }
  if (auto y = top.Integer("year", 1900, 2200); y && *y != year) {
    top.Problem("year", std::to_string(*y) + " in the file of " + std::to_string(year));
  }
  out.act = top.String("act", true).value_or("");
  if (auto status = top.String("status", true)) {
    if (*status != "official" && *status != "provisional") {
      top.Problem("status", "must be \"official\" or \"provisional\", not \"" + *status + "\"");
    }
    out.provisional = *status != "official";
  }
  ReadDays(top, "off", false, year, out);
  ReadDays(top, "work", true, year, out);
  top.RejectUnknown();
  if (!problems.empty()) return problems.ToError("calendar.invalid");
  return out;
}

// The one reading of a day every answer rests on: what its year's file lists for it (`listed`,
// found by the caller), else, in a year without its file, a fixed holiday, else the weekly days
// off. WhyOff says it in words; IsBusinessDay and the counts ask only whether it is off.
struct DayReading {
  const CalendarDay* listed = nullptr;
  const FixedHoliday* fixed = nullptr;
  bool weekly_off = false;

  bool Business() const { return listed != nullptr ? listed->working : !fixed && !weekly_off; }
};

DayReading ReadDay(const StateCalendar& c, bool has_file, const CalendarDay* listed,
                   const Date& day, int weekday) {
  DayReading r;
  r.listed = listed;
  if (listed != nullptr) return r;
  if (!has_file) {
    for (const auto& f : c.fixed) {
      if (f.month == day.month && f.day == day.day) r.fixed = &f;
    }
  }
  r.weekly_off = r.fixed == nullptr &&
                 std::find(c.weekend.begin(), c.weekend.end(), weekday) != c.weekend.end();
  return r;
}

// A day's year file (null: none) and what it lists for the day (null: nothing).
std::pair<const YearCalendar*, const CalendarDay*> Listed(const StateCalendar& c, const Date& day) {
  const auto year = c.years.find(day.year);
  if (year == c.years.end()) return {nullptr, nullptr};
  const auto listed = year->second.days.find(day);
  return {&year->second, listed == year->second.days.end() ? nullptr : &listed->second};
}

// A state's days one after another from the day after a start: each answered as IsBusinessDay
// answers it, with the weekday, the year's file and its next listed day carried from one day to
// the next rather than worked out and looked up again for each (a deadline's count walks months).
class DayWalk {
 public:
  DayWalk(const StateCalendar& calendar, const Date& from)
      : calendar_(calendar), day_(from), weekday_(from.Weekday()) {
    EnterYear();
  }

  // Moves to the next day; whether it is a business day.
  bool Next() {
    weekday_ = weekday_ % 7 + 1;
    if (++day_.day > DaysInMonth(day_.year, day_.month)) {
      day_.day = 1;
      if (++day_.month > 12) {
        day_.month = 1;
        ++day_.year;
        EnterYear();
      }
    }
    return Business();
  }
  const Date& day() const { return day_; }

 private:
  void EnterYear() {
    const auto it = calendar_.years.find(day_.year);
    file_ = it == calendar_.years.end() ? nullptr : &it->second;
    if (file_ != nullptr) listed_ = file_->days.lower_bound(day_);
  }

  bool Business() {
    const CalendarDay* listed = nullptr;
    if (file_ != nullptr) {
      while (listed_ != file_->days.end() && listed_->first < day_) ++listed_;
      if (listed_ != file_->days.end() && listed_->first == day_) listed = &listed_->second;
    }
    return ReadDay(calendar_, file_ != nullptr, listed, day_, weekday_).Business();
  }

  const StateCalendar& calendar_;
  Date day_;
  int weekday_;
  const YearCalendar* file_ = nullptr;
  std::map<Date, CalendarDay>::const_iterator listed_;
};

}  // namespace

Date AddBusinessDays(const BusinessCalendar& calendar, const Date& event, int n) {
  // A calendar with no business day at all would loop forever; ten years is the bound.
  constexpr int kGuard = 3660;
  int counted = 0;
  if (const auto* state = dynamic_cast<const StateCalendar*>(&calendar)) {
    DayWalk walk(*state, event);
    for (int guard = 0; counted < n && guard < kGuard; ++guard) {
      if (walk.Next()) ++counted;
    }
    return walk.day();
  }
  Date day = event;
  for (int guard = 0; counted < n && guard < kGuard; ++guard) {
    day = day.AddDays(1);
    if (calendar.IsBusinessDay(day)) ++counted;
  }
  return day;
}

int BusinessDaysBetween(const BusinessCalendar& calendar, const Date& from, const Date& to) {
  int counted = 0;
  if (const auto* state = dynamic_cast<const StateCalendar*>(&calendar)) {
    DayWalk walk(*state, from);
    for (int64_t days = to.DayNumber() - from.DayNumber(); days > 0; --days) {
      if (walk.Next()) ++counted;
    }
    return counted;
  }
  for (Date day = from.AddDays(1); day <= to; day = day.AddDays(1)) {
    if (calendar.IsBusinessDay(day)) ++counted;
  }
  return counted;
}

bool StateCalendar::IsBusinessDay(const Date& day) const {
  const auto [file, listed] = Listed(*this, day);
  return ReadDay(*this, file != nullptr, listed, day, day.Weekday()).Business();
}

Date StateCalendar::LocalDate(std::chrono::system_clock::time_point t) const {
  const auto local = t + utc_offset;
  return Date::FromDayNumber(
      std::chrono::floor<std::chrono::days>(local).time_since_epoch().count());
}

std::string StateCalendar::WhyOff(const Date& day) const {
  const auto [file, listed] = Listed(*this, day);
  const DayReading r = ReadDay(*this, file != nullptr, listed, day, day.Weekday());
  if (r.Business()) return {};
  if (r.listed != nullptr) {
    return r.listed->act.empty() ? r.listed->why : r.listed->why + " (" + r.listed->act + ")";
  }
  if (r.fixed != nullptr) return r.fixed->why + " (" + act + ")";
  return "weekly day off";
}

std::string StateCalendar::Describe() const {
  std::string years_text;
  for (const auto& [y, c] : years) {
    years_text += (years_text.empty() ? "" : ", ") + std::to_string(y) +
                  (c.provisional ? " (provisional)" : "");
  }
  return country + " calendar" + (years_text.empty() ? "" : " for " + years_text);
}

std::string StateCalendar::Basis(const Date& from, const Date& to) const {
  std::string out;
  for (int y = from.year; y <= to.year; ++y) {
    if (!out.empty()) out += "; ";
    const auto it = years.find(y);
    if (it == years.end()) {
      out += country + " " + std::to_string(y) +
             ": weekly days off and fixed holidays only, no calendar for the year";
    } else {
      out += country + " " + std::to_string(y) +
             (it->second.provisional ? " (provisional calendar)" : " (official calendar)");
    }
  }
  return out;
}

bool StateCalendar::Complete(const Date& from, const Date& to) const {
  for (int y = from.year; y <= to.year; ++y) {
    const auto it = years.find(y);
    if (it == years.end() || it->second.provisional) return false;
  }
  return true;
}

Result<Calendars> Calendars::Load(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    return MakeError("calendar.folder", folder.string(), "no such folder");
  }
  static const std::regex kStateFile(R"(([A-Z]{2})\.toml)");
  static const std::regex kYearFile(R"(([A-Z]{2})-(\d{4})\.toml)");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      files.push_back(entry.path());
    }
  }
  if (ec) return MakeError("calendar.folder", folder.string(), ec.message());
  std::sort(files.begin(), files.end());
  Calendars out;
  std::smatch m;
  for (const auto& file : files) {  // the state files first: they carry the standing rules
    const std::string name = file.filename().string();
    if (!std::regex_match(name, m, kStateFile)) continue;
    auto state = ReadState(file, m[1]);
    if (!state) return state.error();
    out.states_[state->country] = std::move(*state);
  }
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    if (std::regex_match(name, kStateFile)) continue;
    if (!std::regex_match(name, m, kYearFile)) {
      return MakeError("calendar.invalid", file.string(),
                       "a calendar file is named <CC>.toml or <CC>-<YYYY>.toml");
    }
    const std::string country = m[1];
    const int year = std::stoi(m[2]);
    const auto state = out.states_.find(country);
    if (state == out.states_.end()) {
      return MakeError("calendar.invalid", file.string(),
                       "no " + country + ".toml with the state's standing rules");
    }
    auto calendar = ReadYear(file, country, year);
    if (!calendar) return calendar.error();
    state->second.years[year] = std::move(*calendar);
  }
  return out;
}

const StateCalendar* Calendars::Of(std::string_view country) const {
  const auto it = states_.find(country);
  return it == states_.end() ? nullptr : &it->second;
}

std::vector<YearStatus> Calendars::Years(int from_year, int to_year) const {
  std::vector<YearStatus> out;
  for (const char* country : {"AM", "BY", "KG", "KZ", "RU"}) {
    const StateCalendar* state = Of(country);
    for (int y = from_year; y <= to_year; ++y) {
      YearStatus s;
      s.country = country;
      s.year = y;
      if (state == nullptr) {
        s.status = "none";
      } else if (const auto it = state->years.find(y); it == state->years.end()) {
        s.status = "absent";
        s.act = state->act;
      } else {
        s.status = it->second.provisional ? "provisional" : "official";
        s.act = it->second.act;
        for (const auto& [date, day] : it->second.days)
          ++(day.working ? s.working_days : s.days_off);
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string Calendars::StatusLine(int from_year, int to_year) const {
  // "AM 2025-2027" for a run of years of one state in one status.
  std::map<std::string, std::vector<std::string>> by_status;
  const auto years = Years(from_year, to_year);
  for (size_t i = 0; i < years.size();) {
    size_t j = i;
    while (j + 1 < years.size() && years[j + 1].country == years[i].country &&
           years[j + 1].status == years[i].status) {
      ++j;
    }
    by_status[years[i].status].push_back(
        years[i].country + " " + std::to_string(years[i].year) +
        (j > i ? "-" + std::to_string(years[j].year) : std::string()));
    i = j + 1;
  }
  std::string line = "calendars " + std::to_string(from_year) + "-" + std::to_string(to_year) + ":";
  const std::pair<const char*, const char*> kinds[] = {
      {"official", "official"},
      {"provisional", "provisional (not yet checked against their acts)"},
      {"absent", "no file (weekly days off and fixed holidays only)"},
      {"none", "no calendar (weekends only)"}};
  bool first = true;
  for (const auto& [status, words] : kinds) {
    const auto it = by_status.find(status);
    if (it == by_status.end()) continue;
    line += std::string(first ? " " : "; ") + words + ": ";
    for (size_t k = 0; k < it->second.size(); ++k) line += (k == 0 ? "" : ", ") + it->second[k];
    first = false;
  }
  return line;
}

}  // namespace eaeu::calendar
