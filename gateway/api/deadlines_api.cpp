// The deadline routes of the REST API: the deadlines the caller's state owes, the events that
// start or meet those no document carries, and an operator's hand on one.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "gateway/api/detail/rest_common.hpp"
#include "gateway/api/rest.hpp"
#include "gateway/calendar/calendar.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/temporal.hpp"
#include "gateway/deadlines/tracker.hpp"

namespace eaeu::api {

using namespace detail;  // NOLINT(google-build-using-namespace)
using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

namespace {

constexpr std::string_view kDeadlinesPrefix = "/v1/deadlines/";
constexpr std::string_view kDeadlineStates[] = {"open", "at-risk", "met", "overdue", "waived"};
constexpr std::string_view kMemberStates[] = {"AM", "BY", "KG", "KZ", "RU"};

// The query of the deadlines' list (state, kind, country, message, limit, after); false when the
// problem was answered. "state" may repeat or list several states ("at-risk,overdue").
bool ReadDeadlineQuery(const Target& target, store::DeadlineFilter& filter, bool& days,
                       const Respond& respond) {
  for (const auto& [key, value] : target.query) {
    if (key == "days") {
      if (value != "true" && value != "false") {
        respond(RestApi::Problem(400, "bad-query", "Bad Request", "days: true or false"));
        return false;
      }
      days = value == "true";
    } else if (key == "state") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string state(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (std::find(std::begin(kDeadlineStates), std::end(kDeadlineStates), state) ==
            std::end(kDeadlineStates)) {
          respond(RestApi::Problem(
              400, "bad-query", "Bad Request",
              "state: \"" + state +
                  "\" is not a deadline's state (open, at-risk, met, overdue, waived)"));
          return false;
        }
        filter.any_state.push_back(state);
      }
    } else if (key == "kind") {
      if (value.size() != 5 || !value.starts_with("DL-0") || value[4] < '1' || value[4] > '6') {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "kind: \"" + value + "\" is not a deadline rule (DL-01 … DL-06)"));
        return false;
      }
      filter.rule = value;
    } else if (key == "country") {
      if (std::find(std::begin(kMemberStates), std::end(kMemberStates), value) ==
          std::end(kMemberStates)) {
        respond(RestApi::Problem(
            400, "bad-query", "Bad Request",
            "country: \"" + value + "\" is not a member state (AM, BY, KG, KZ, RU)"));
        return false;
      }
      filter.country = value;
    } else if (key == "message") {
      if (!IsRfc4122Uuid(value)) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "message: \"" + value + "\" is not a message id (a UUID)"));
        return false;
      }
      filter.message_id = value;
    } else if (key == "limit") {
      if (!ReadLimit(value, filter.limit, respond)) return false;
    } else if (key == "after") {
      filter.after_id = value;
    } else {
      respond(RestApi::Problem(400, "bad-query", "Bad Request",
                               "unknown query parameter \"" + key +
                                   "\" (state, kind, country, message, limit, after, days)"));
      return false;
    }
  }
  return true;
}

// Each day from the day after the event to the due day, in the calendar of the state that owes
// the deadline: 'b' a business day, 'o' a day off ("" past 400 days or without both dates).
std::string DayMap(const store::TrackedDeadline& d, const RestDependencies& deps) {
  const auto from = Date::Parse(d.event);
  const auto to = Date::Parse(d.due);
  if (!from || !to || *to <= *from || to->DayNumber() - from->DayNumber() > 400) return {};
  const auto calendars = deps.calendars ? deps.calendars() : nullptr;
  const calendar::BusinessCalendar* state =
      calendars != nullptr ? calendars->Of(d.country) : nullptr;
  const calendar::WeekendCalendar weekends;
  const calendar::BusinessCalendar& in = state != nullptr ? *state : weekends;
  std::string out;
  for (Date day = from->AddDays(1); day <= *to; day = day.AddDays(1)) {
    out += in.IsBusinessDay(day) ? 'b' : 'o';
  }
  return out;
}

Json DeadlineJson(const store::TrackedDeadline& d, const RestDependencies& deps,
                  bool days = false) {
  Json j = {{"id", d.id},
            {"kind", d.rule},
            {"subject", d.subject},
            {"country", d.country},
            {"messageId", d.message_id},
            {"event", d.event},
            {"due", d.due},
            {"basis", d.basis},
            {"source", d.source},
            {"state", d.state},
            {"updatedAt", FormatUtc(d.updated_at)}};
  if (!d.opens.empty()) j["opens"] = d.opens;
  if (d.state == "met") {
    j["metOn"] = d.met_on;
    j["late"] = d.days_late > 0;
    j["daysLate"] = d.days_late;
    return j;
  }
  // Counted now: the journal has the state of the latest count, the days move every day.
  const deadlines::Standing s = deps.standing ? deps.standing(d) : deadlines::Standing{};
  j["daysLeft"] = s.business_days_left;
  j["late"] = s.state == deadlines::DeadlineState::kOverdue;
  j["daysLate"] = s.state == deadlines::DeadlineState::kOverdue ? s.days_late : d.days_late;
  j["daysCounted"] = d.opens.empty() ? "business" : "calendar";
  if (days) j["days"] = DayMap(d, deps);
  return j;
}

// What a client writes into a deadline (a reference, a reason) reaches its history, the logs and
// the webhook: text of one line, of a bounded length.
std::optional<std::string> LineProblem(const std::string& field, const std::string& value,
                                       size_t max) {
  if (value.empty()) return field + ": missing";
  if (value.size() > max) return field + ": longer than " + std::to_string(max) + " bytes";
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return field + ": a control character (one line of text only)";
    }
  }
  return std::nullopt;
}

// A JSON object's member as a string; a problem when it is absent (and required) or another type.
std::optional<std::string> StringField(const Json& body, const char* name, bool required,
                                       std::string& out) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    return required ? std::optional<std::string>(std::string(name) + ": missing") : std::nullopt;
  }
  if (!it->is_string()) return std::string(name) + ": not a string";
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<std::string> DateField(const Json& body, const char* name, bool required,
                                     std::optional<Date>& out) {
  std::string text;
  if (auto problem = StringField(body, name, required, text)) return problem;
  if (text.empty() && !required) return std::nullopt;
  out = Date::Parse(text);
  if (!out) return std::string(name) + ": \"" + text + "\" is not a date (YYYY-MM-DD)";
  return std::nullopt;
}

// The request's body as a JSON object; nullopt when the problem was answered.
std::optional<Json> ObjectBody(const HttpRequest& request, const Respond& respond) {
  if (MediaType(request.content_type) != "application/json") {
    respond(RestApi::Problem(415, "unsupported-media-type", "Unsupported Media Type",
                             "send application/json, not \"" + request.content_type + "\""));
    return std::nullopt;
  }
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    respond(RestApi::Problem(400, "bad-body", "Bad Request", "the body is not a JSON object"));
    return std::nullopt;
  }
  return body;
}

HttpResponse TrackerProblem(const Error& e) {
  if (e.code == "deadline.unknown")
    return RestApi::Problem(404, "not-found", "Not Found", e.message);
  if (e.code == "deadline.unknown-report") {
    return RestApi::Problem(422, "unknown-report", "Unprocessable Content", e.message);
  }
  if (e.code == "deadline.conflict")
    return RestApi::Problem(409, "conflict", "Conflict", e.message);
  if (e.code == "deadline.argument") {
    return RestApi::Problem(400, "bad-body", "Bad Request", e.where + ": " + e.message);
  }
  return RestApi::Problem(503, "journal-unavailable", "Service Unavailable", e.ToString());
}

// The deadline with its history, as GET /v1/deadlines/{id} answers.
Json WithHistory(const store::TrackedDeadline& d, const RestDependencies& deps) {
  Json j = DeadlineJson(d, deps);
  auto history = deps.journal->DeadlineHistory(d.id);
  Json lines = Json::array();
  if (history) {
    for (const auto& h : *history) {
      Json line = {{"state", h.state}, {"at", FormatUtc(h.at)}, {"detail", h.detail}};
      if (!h.actor.empty()) line["by"] = h.actor;
      lines.push_back(std::move(line));
    }
  }
  j["history"] = std::move(lines);
  return j;
}

std::string ActorOf(const Caller& caller) {
  return caller.name + " (" + caller.country + ")";
}

constexpr std::string_view kActions[] = {"/met", "/waive", "/reopen"};

}  // namespace

void RestApi::HandleDeadlines(HttpRequest request, Respond respond) const {
  const Target target = ParseTarget(request.target);
  const std::string& path = target.path;
  const bool events = path == "/v1/deadlines/events";
  std::string_view action;
  for (const auto a : kActions) {
    if (path.ends_with(a) && path.size() > kDeadlinesPrefix.size() + a.size()) action = a;
  }
  const bool post = events || !action.empty();
  const auto admitted =
      Admit(request, path, post ? "POST" : "GET", respond, post ? Access::kState : Access::kAnyone);
  if (!admitted) return;
  const Caller caller = *admitted;
  if (post && deps_.tracker == nullptr) {
    respond(Problem(503, "deadlines-unavailable", "Service Unavailable",
                    "this gateway tracks no deadlines"));
    return;
  }
  if (post && !target.query.empty()) {
    respond(
        Problem(400, "bad-query", "Bad Request",
                "unknown query parameter \"" + target.query.begin()->first + "\" (none taken)"));
    return;
  }
  auto answer = [deps = deps_, respond](int status) {
    return [deps, respond, status](Result<store::TrackedDeadline> r) {
      if (!r) {
        respond(TrackerProblem(r.error()));
        return;
      }
      deps.post([deps, respond, status, d = std::move(*r)] {
        respond(JsonResponse(static_cast<unsigned>(status), WithHistory(d, deps)));
      });
    };
  };
  if (events) {
    const auto body = ObjectBody(request, respond);
    if (!body) return;
    deadlines::RecordedEvent e;
    e.country = caller.country;
    std::optional<Date> date;
    std::optional<std::string> problem = StringField(*body, "kind", true, e.kind);
    if (!problem && deadlines::FindEventKind(e.kind) == nullptr) {
      problem =
          "kind: \"" + e.kind + "\" is not a kind of event (" + deadlines::EventKindNames() + ")";
    }
    if (!problem) problem = StringField(*body, "report", true, e.report);
    if (!problem) problem = LineProblem("report", e.report, 100);
    if (!problem) problem = StringField(*body, "reference", true, e.reference);
    if (!problem) problem = LineProblem("reference", e.reference, 100);
    if (!problem) problem = DateField(*body, "date", true, date);
    if (!problem) problem = DateField(*body, "reportReceived", false, e.report_received);
    if (!problem) {
      for (const auto& [key, value] : body->items()) {
        if (key != "kind" && key != "report" && key != "reference" && key != "date" &&
            key != "reportReceived") {
          problem =
              "unknown member \"" + key + "\" (kind, report, reference, date, reportReceived)";
          break;
        }
      }
    }
    if (problem) {
      respond(Problem(400, "bad-body", "Bad Request", *problem));
      return;
    }
    e.date = *date;
    deps_.tracker->Record(std::move(e), ActorOf(caller), answer(200));
    return;
  }
  if (!action.empty()) {
    const auto body = ObjectBody(request, respond);
    if (!body) return;
    deadlines::Tracker::Action a;
    a.id =
        path.substr(kDeadlinesPrefix.size(), path.size() - kDeadlinesPrefix.size() - action.size());
    a.country = caller.country;
    a.actor = ActorOf(caller);
    a.kind = action == "/met"     ? deadlines::Tracker::ActionKind::kMet
             : action == "/waive" ? deadlines::Tracker::ActionKind::kWaive
                                  : deadlines::Tracker::ActionKind::kReopen;
    std::optional<std::string> problem = StringField(*body, "reason", true, a.reason);
    if (!problem) problem = LineProblem("reason", a.reason, 1000);
    if (!problem && a.kind == deadlines::Tracker::ActionKind::kMet) {
      problem = DateField(*body, "on", true, a.on);
    }
    if (!problem) {
      for (const auto& [key, value] : body->items()) {
        if (key != "reason" && (key != "on" || a.kind != deadlines::Tracker::ActionKind::kMet)) {
          problem = "unknown member \"" + key + "\" (" +
                    (a.kind == deadlines::Tracker::ActionKind::kMet ? "on, reason" : "reason") +
                    ")";
          break;
        }
      }
    }
    if (problem) {
      respond(Problem(400, "bad-body", "Bad Request", *problem));
      return;
    }
    deps_.tracker->Act(std::move(a), answer(200));
    return;
  }
  if (path == "/v1/deadlines") {
    store::DeadlineFilter filter;
    bool days = false;
    if (!ReadDeadlineQuery(target, filter, days, respond)) return;
    // A caller sees the deadlines its own state owes; the gateway's people see every state's.
    if (!caller.SeesAll()) {
      if (filter.country && *filter.country != caller.country) {
        respond(Problem(403, "forbidden", "Forbidden",
                        caller.name + " acts for " + caller.country + ", not " + *filter.country));
        return;
      }
      filter.country = caller.country;
    }
    deps_.post([deps = deps_, filter, target, days, respond] {
      auto page = deps.journal->Deadlines(filter);
      if (!page) {
        respond(
            Problem(503, "journal-unavailable", "Service Unavailable", page.error().ToString()));
        return;
      }
      Json items = Json::array();
      for (const auto& d : *page) items.push_back(DeadlineJson(d, deps, days));
      respond(JsonResponse(200, PageJson(std::move(items), page->size() == filter.limit, target,
                                         "/v1/deadlines?", page->empty() ? "" : page->back().id)));
    });
    return;
  }
  const std::string id = path.substr(kDeadlinesPrefix.size());
  deps_.post([deps = deps_, id, caller, respond] {
    store::DeadlineFilter filter;
    filter.id = id;
    filter.limit = 1;
    auto found = deps.journal->Deadlines(filter);
    if (!found) {
      respond(Problem(503, "journal-unavailable", "Service Unavailable", found.error().ToString()));
      return;
    }
    if (found->empty() || (!caller.SeesAll() && found->front().country != caller.country)) {
      respond(Problem(404, "not-found", "Not Found", "no deadline " + id));
      return;
    }
    respond(JsonResponse(200, WithHistory(found->front(), deps)));
  });
}

void RestApi::HandleCalendars(HttpRequest request, Respond respond) const {
  const Target target = ParseTarget(request.target);
  if (!Admit(request, target.path, "GET", respond)) return;
  if (!target.query.empty()) {
    respond(
        Problem(400, "bad-query", "Bad Request",
                "unknown query parameter \"" + target.query.begin()->first + "\" (none taken)"));
    return;
  }
  const auto calendars = deps_.calendars ? deps_.calendars() : nullptr;
  Json states = Json::array();
  if (calendars) {
    // The years of the files, and the year before and after today's at least.
    const int now =
        UtcDate(deps_.clock != nullptr ? deps_.clock->Now() : std::chrono::system_clock::now())
            .year;
    int from = now - 1;
    int to = now + 1;
    for (const auto& [country, state] : calendars->states()) {
      if (!state.years.empty()) {
        from = std::min(from, state.years.begin()->first);
        to = std::max(to, state.years.rbegin()->first);
      }
    }
    Json* current = nullptr;
    for (const auto& y : calendars->Years(from, to)) {
      if (current == nullptr || (*current)["country"] != y.country) {
        const calendar::StateCalendar* state = calendars->Of(y.country);
        Json s = {{"country", y.country}};
        if (state != nullptr) {
          const auto minutes = state->utc_offset.count();
          char offset[8];
          std::snprintf(offset, sizeof offset, "%c%02d:%02d", minutes < 0 ? '-' : '+',
                        static_cast<int>(std::abs(minutes) / 60),
                        static_cast<int>(std::abs(minutes) % 60));
          s["act"] = state->act;
          s["utcOffset"] = offset;
          s["weekend"] = state->weekend;
        }
        s["years"] = Json::array();
        states.push_back(std::move(s));
        current = &states.back();
      }
      Json year = {{"year", y.year}, {"status", y.status}};
      if (!y.act.empty()) year["act"] = y.act;
      if (y.status == "official" || y.status == "provisional") {
        year["daysOff"] = y.days_off;
        year["workingDays"] = y.working_days;
      }
      (*current)["years"].push_back(std::move(year));
    }
  }
  respond(JsonResponse(200, Json{{"states", std::move(states)}}));
}

}  // namespace eaeu::api
