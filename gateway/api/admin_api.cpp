// The operators' routes (/v1/admin/...) and the web console's files (/console/...).
//
//   GET  /v1/admin/routes        each route: last success, last error, sends, failures, deliveries
//                                open, sends on the wire and waiting for a slot
//   GET  /v1/admin/certificates  each configured certificate: when it expires, days left
//   GET  /v1/admin/activity      ?hours=24 — messages taken in, by hour, direction and the state
//                                they are in now
//   POST /v1/admin/requeue       {"kind", "country", "since", "until", "q", "limit", "dryRun"}:
//                                the dead messages the filter matches, requeued (or only listed)
//   POST /v1/admin/reload        the configuration's files read again, as on SIGHUP
//
// GETs are open to operators and auditors; POSTs to operators, and each is journalled in the
// audit chain with who made it.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gateway/api/detail/rest_common.hpp"
#include "gateway/api/rest.hpp"

namespace eaeu::api {
namespace {

using namespace detail;  // NOLINT(google-build-using-namespace)
using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

Json TimeOrNull(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? Json(FormatUtc(*t)) : Json(nullptr);
}

// The body of a POST: a JSON object (empty body: an empty object); nullopt when the problem was
// answered.
std::optional<Json> ObjectOf(const HttpRequest& request, const Respond& respond) {
  if (request.body.empty()) return Json::object();
  auto body = Json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    respond(RestApi::Problem(400, "bad-body", "Bad Request", "the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

// The bulk requeue's filter, from the body; false when the problem was answered.
bool ReadRequeueFilter(const Json& body, store::MessageFilter& filter, bool& dry_run,
                       const Respond& respond) {
  auto bad = [&](const std::string& detail) {
    respond(RestApi::Problem(400, "bad-body", "Bad Request", detail));
    return false;
  };
  filter.state = store::MessageState::kDead;
  filter.direction = store::Direction::kOutbound;
  filter.limit = 100;
  for (const auto& [key, value] : body.items()) {
    if (key == "dryRun") {
      if (!value.is_boolean()) return bad("dryRun: true or false");
      dry_run = value.get<bool>();
    } else if (key == "limit") {
      if (!value.is_number_unsigned() || value.get<uint64_t>() == 0 ||
          value.get<uint64_t>() > kMaxPage) {
        return bad("limit: from 1 to " + std::to_string(kMaxPage));
      }
      filter.limit = value.get<uint32_t>();
    } else if (key == "kind" || key == "country" || key == "q" || key == "since" ||
               key == "until") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return bad(key + ": a non-empty string");
      }
      const std::string v = value.get<std::string>();
      if (key == "kind") {
        if (!model::KindFromName(v)) return bad("kind: no document kind \"" + v + "\"");
        filter.kind = v;
      } else if (key == "country") {
        if (v.size() != 2) return bad("country: \"" + v + "\" is not a member state's code");
        filter.sender_country = v;
      } else if (key == "q") {
        filter.text = v;
      } else {
        const auto at = DateTime::Parse(
            v.ends_with('Z') ? std::string_view(v).substr(0, v.size() - 1) : std::string_view(v));
        if (!at)
          return bad(key + ": \"" + v + "\" is not a date-time such as 2026-11-24T10:00:00Z");
        (key == "since" ? filter.since : filter.until) = FromUtc(*at);
      }
    } else {
      return bad("unknown member \"" + key + "\" (kind, country, since, until, q, limit, dryRun)");
    }
  }
  return true;
}

std::string FilterText(const store::MessageFilter& f) {
  std::string out = "dead";
  if (f.kind) out += " kind=" + *f.kind;
  if (f.sender_country) out += " country=" + *f.sender_country;
  if (f.since) out += " since=" + FormatUtc(*f.since);
  if (f.until) out += " until=" + FormatUtc(*f.until);
  if (!f.text.empty()) out += " q=" + f.text;
  return out;
}

// What a bulk requeue came to, gathered from the requeues' callbacks.
struct BulkRequeue {
  std::mutex mutex;
  size_t left = 0;
  Json ids;
  Json requeued = Json::array();
  Json failed = Json::array();
};

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

void RestApi::HandleAdmin(HttpRequest request, Respond respond) const {
  const Target target = ParseTarget(request.target);
  const std::string& path = target.path;
  const bool routes = path == "/v1/admin/routes";
  const bool certificates = path == "/v1/admin/certificates";
  const bool activity = path == "/v1/admin/activity";
  const bool requeue = path == "/v1/admin/requeue";
  const bool reload = path == "/v1/admin/reload";
  if (!routes && !certificates && !activity && !requeue && !reload) {
    respond(Problem(404, "not-found", "Not Found", "no resource at " + path));
    return;
  }
  const bool post = requeue || reload;
  const auto admitted = Admit(request, path, post ? "POST" : "GET", respond,
                              post ? Access::kOperator : Access::kStaff);
  if (!admitted) return;
  const Caller caller = *admitted;
  if (!activity && !target.query.empty()) {
    respond(
        Problem(400, "bad-query", "Bad Request",
                "unknown query parameter \"" + target.query.begin()->first + "\" (none taken)"));
    return;
  }

  if (routes) {
    if (!deps_.routes) {
      respond(JsonResponse(200, Json{{"items", Json::array()}}));
      return;
    }
    deps_.routes([respond](std::vector<route::DeliveryEngine::RouteHealth> all) {
      Json items = Json::array();
      for (const auto& h : all) {
        items.push_back({{"to", h.to},
                         {"endpoint", h.endpoint},
                         {"lastSuccess", TimeOrNull(h.last_success)},
                         {"lastFailure", TimeOrNull(h.last_failure)},
                         {"lastError", h.last_error.empty() ? Json(nullptr) : Json(h.last_error)},
                         {"sends", h.sends},
                         {"failures", h.failures},
                         {"open", h.open},
                         {"inFlight", h.in_flight},
                         {"waiting", h.waiting}});
      }
      respond(JsonResponse(200, Json{{"items", std::move(items)}}));
    });
    return;
  }

  if (certificates) {
    const auto now = std::chrono::system_clock::to_time_t(deps_.clock->Now());
    Json items = Json::array();
    if (auto all = deps_.certificates ? deps_.certificates() : nullptr) {
      for (const auto& [name, not_after] : *all) {
        const auto seconds_left = static_cast<int64_t>(not_after - now);
        items.push_back({{"certificate", name},
                         {"notAfter", FormatUtc(std::chrono::system_clock::from_time_t(not_after))},
                         {"daysLeft", seconds_left >= 0 ? seconds_left / 86'400
                                                        : -((-seconds_left + 86'399) / 86'400)}});
      }
    }
    respond(JsonResponse(200, Json{{"items", std::move(items)}}));
    return;
  }

  if (activity) {
    uint32_t hours = 24;
    for (const auto& [key, value] : target.query) {
      uint32_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (key != "hours" || ec != std::errc() || end != value.data() + value.size() || n == 0 ||
          n > 24 * 31) {
        respond(Problem(400, "bad-query", "Bad Request",
                        "hours: from 1 to 744 (the only query parameter)"));
        return;
      }
      hours = n;
    }
    deps_.post([deps = deps_, hours, respond] {
      const auto now = deps.clock->Now();
      const auto since =
          std::chrono::floor<std::chrono::hours>(now) - std::chrono::hours(hours - 1);
      auto counts = deps.journal->Activity(since);
      if (!counts) {
        respond(
            Problem(503, "journal-unavailable", "Service Unavailable", counts.error().ToString()));
        return;
      }
      Json items = Json::array();
      for (const auto& c : *counts) {
        items.push_back({{"hour", FormatUtc(c.hour)},
                         {"direction", store::DirectionName(c.direction)},
                         {"state", store::StateName(c.state)},
                         {"count", c.count}});
      }
      respond(JsonResponse(
          200,
          Json{{"since", FormatUtc(since)}, {"now", FormatUtc(now)}, {"items", std::move(items)}}));
    });
    return;
  }

  const auto body = ObjectOf(request, respond);
  if (!body) return;

  if (reload) {
    if (!body->empty()) {
      respond(Problem(400, "bad-body", "Bad Request", "the reload takes no members"));
      return;
    }
    if (!deps_.reload) {
      respond(Problem(503, "reload-unavailable", "Service Unavailable", "nothing to reload"));
      return;
    }
    deps_.post([deps = deps_, caller, respond] {
      const Status st = deps.reload();
      store::OperatorAction action{"reload", "configuration", caller.name,
                                   std::string(RoleName(caller.role)),
                                   st ? "reloaded" : st.error().ToString()};
      if (auto journalled = deps.journal->RecordAction(std::move(action), deps.clock->Now());
          !journalled) {
        spdlog::error("the reload by {} is not in the audit chain: {}", caller.Who(),
                      journalled.error().ToString());
      }
      spdlog::info("reload asked by {}: {}", caller.Who(), st ? "done" : st.error().ToString());
      if (!st) {
        respond(Problem(500, "reload-failed", "Internal Server Error",
                        "the gateway keeps what it had where a file could not be read: " +
                            st.error().ToString()));
        return;
      }
      respond(JsonResponse(200, Json{{"status", "reloaded"}}));
    });
    return;
  }

  // Bulk requeue.
  store::MessageFilter filter;
  bool dry_run = false;
  if (!ReadRequeueFilter(*body, filter, dry_run, respond)) return;
  if (!deps_.requeue) {
    respond(Problem(503, "delivery-not-configured", "Service Unavailable",
                    "this gateway delivers nothing: no [[route]] is configured"));
    return;
  }
  deps_.post([deps = deps_, filter, dry_run, caller, respond] {
    auto matched = deps.journal->List(filter);
    if (!matched) {
      respond(
          Problem(503, "journal-unavailable", "Service Unavailable", matched.error().ToString()));
      return;
    }
    Json ids = Json::array();
    for (const auto& m : *matched) ids.push_back(m.id);
    if (dry_run || matched->empty()) {
      respond(JsonResponse(200, Json{{"dryRun", dry_run},
                                     {"matched", ids.size()},
                                     {"ids", std::move(ids)},
                                     {"requeued", Json::array()},
                                     {"failed", Json::array()}}));
      return;
    }
    store::OperatorAction action{"requeue", FilterText(filter), caller.name,
                                 std::string(RoleName(caller.role)),
                                 std::to_string(matched->size()) + " matched"};
    if (auto st = deps.journal->RecordAction(std::move(action), deps.clock->Now()); !st) {
      respond(Problem(503, "journal-unavailable", "Service Unavailable", st.error().ToString()));
      return;
    }
    auto bulk = std::make_shared<BulkRequeue>();
    bulk->left = matched->size();
    bulk->ids = std::move(ids);
    for (const auto& m : *matched) {
      deps.requeue(m.id, caller.Who(), [bulk, id = m.id, respond](Status st) {
        std::lock_guard lock(bulk->mutex);
        if (st) {
          bulk->requeued.push_back(id);
        } else {
          bulk->failed.push_back({{"id", id}, {"error", st.error().ToString()}});
        }
        if (--bulk->left > 0) return;
        respond(JsonResponse(200, Json{{"dryRun", false},
                                       {"matched", bulk->ids.size()},
                                       {"ids", bulk->ids},
                                       {"requeued", bulk->requeued},
                                       {"failed", bulk->failed}}));
      });
    }
  });
}

void RestApi::HandleConsole(const HttpRequest& request, const Respond& respond) const {
  const Target target = ParseTarget(request.target);
  if (request.method != "GET" && request.method != "HEAD") {
    auto p = Problem(405, "method-not-allowed", "Method Not Allowed",
                     target.path + " takes GET, not " + request.method);
    p.headers.emplace_back("Allow", "GET");
    respond(std::move(p));
    return;
  }
  if (deps_.console == nullptr || deps_.console->empty()) {
    respond(Problem(404, "not-found", "Not Found", "this gateway serves no console"));
    return;
  }
  if (target.path == "/" || target.path == "/console") {
    HttpResponse r;
    r.status = 302;
    r.content_type = "text/plain";
    r.body = "/console/\n";
    r.headers.emplace_back("Location", "/console/");
    respond(std::move(r));
    return;
  }
  std::string name = target.path.substr(std::string_view("/console/").size());
  if (name.empty()) name = "index.html";
  const auto file = deps_.console->find(name);
  if (file == deps_.console->end()) {
    respond(Problem(404, "not-found", "Not Found", "the console has no file " + name));
    return;
  }
  HttpResponse r;
  r.content_type = std::string(ContentTypeOf(name));
  r.body = file->second;
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  // The console's own files only: no inline script, no other origin, never framed.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                         "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  respond(std::move(r));
}

}  // namespace eaeu::api
