#include "gateway/api/rest.hpp"

#include "gateway/api/detail/rest_common.hpp"
#include "gateway/core/percent.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "gateway/core/ids.hpp"
#include "gateway/envelope/envelope.hpp"
#include "gateway/validate/verdict_json.hpp"

namespace eaeu::api {
namespace detail {

using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

HttpResponse JsonResponse(unsigned status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

std::string_view ReasonOf(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string SlugOf(unsigned status) {
  std::string slug;
  for (char c : ReasonOf(status)) slug += c == ' ' ? '-' : static_cast<char>(std::tolower(c));
  return slug;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += in[i] == '+' ? ' ' : in[i];
    }
  }
  return out;
}

Target ParseTarget(std::string_view target) {
  Target out;
  const auto q = target.find('?');
  out.path = PercentDecode(target.substr(0, q));
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    out.query[PercentDecode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// The media type without its parameters, in lower case.
std::string MediaType(std::string_view content_type) {
  std::string out;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c != ' ' && c != '\t')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A page of a list: its items and the link to the next page when it is full (`base` and the
// query, with "after" the last id of this one).
Json PageJson(Json items, bool full, const Target& target, const std::string& base,
              const std::string& last_id) {
  Json j;
  j["items"] = std::move(items);
  if (full) {
    std::string next = base;
    for (const auto& [key, value] : target.query) {
      if (key != "after") next += key + "=" + PercentEncode(value) + "&";
    }
    next += "after=" + PercentEncode(last_id);
    j["next"] = next;
  } else {
    j["next"] = nullptr;
  }
  return j;
}

// "limit": from 1 to kMaxPage; false when the problem was answered.
bool ReadLimit(const std::string& value, uint32_t& limit, const Respond& respond) {
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n == 0 || n > kMaxPage) {
    respond(RestApi::Problem(400, "bad-query", "Bad Request",
                             "limit: must be from 1 to " + std::to_string(kMaxPage)));
    return false;
  }
  limit = n;
  return true;
}

}  // namespace detail

namespace {

using namespace detail;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kMessagesPrefix = "/v1/messages/";
constexpr std::string_view kInboxPrefix = "/v1/inbox/";

std::optional<validate::InputFormat> FormatOf(const std::string& media_type) {
  if (media_type == "application/xml" || media_type == "text/xml") {
    return validate::InputFormat::kXml;
  }
  if (media_type == "application/json") return validate::InputFormat::kJson;
  return std::nullopt;
}

Json StringOrJson(const std::string& text) {
  if (text.empty()) return nullptr;
  auto parsed = Json::parse(text, nullptr, false);
  return parsed.is_discarded() ? Json(text) : parsed;
}

Json SummaryJson(const store::MessageSummary& s) {
  Json j;
  j["id"] = s.id;
  j["direction"] = store::DirectionName(s.direction);
  j["sender"] = {{"country", s.sender_country}, {"participant", s.sender_participant}};
  j["kind"] = s.kind.empty() ? Json(nullptr) : Json(s.kind);
  j["eDocId"] = s.e_doc_id.empty() ? Json(nullptr) : Json(s.e_doc_id);
  j["state"] = store::StateName(s.state);
  j["createdAt"] = FormatUtc(s.created_at);
  j["updatedAt"] = FormatUtc(s.updated_at);
  return j;
}

Json DiagnosticsJson(const store::Diagnostics& d) {
  Json j = Json::object();
  const std::pair<const char*, const std::string*> fields[] = {
      {"processCode", &d.process_code},
      {"processVersion", &d.process_version},
      {"procedureCode", &d.procedure_code},
      {"transactionCode", &d.transaction_code},
      {"messageCode", &d.message_code},
      {"action", &d.action},
      {"to", &d.to},
      {"replyTo", &d.reply_to},
      {"from", &d.from},
      {"faultTo", &d.fault_to},
      {"messageId", &d.message_id},
      {"relatesTo", &d.relates_to},
      {"conversationId", &d.conversation_id},
      {"messageType", &d.message_type},
      {"trackId", &d.track_id},
      {"acceptTime", &d.accept_time},
      {"status", &d.status},
      {"errorCode", &d.error_code},
      {"errorText", &d.error_text}};
  for (const auto& [name, value] : fields) {
    if (!value->empty()) j[name] = *value;
  }
  return j;
}

Json DeliveriesJson(const std::vector<store::Delivery>& deliveries,
                    const std::vector<store::DeliveryEvent>& history) {
  Json out = Json::array();
  for (const auto& d : deliveries) {
    Json j = {{"to", d.destination},
              {"state", store::StateName(d.state)},
              {"sends", d.sends},
              {"conversationId", d.conversation_id}};
    if (!d.wire_id.empty()) j["messageId"] = d.wire_id;
    if (d.due) j["due"] = FormatUtc(*d.due);
    if (!d.error.empty()) j["error"] = d.error;
    Json steps = Json::array();
    for (const auto& e : history) {
      if (e.destination != d.destination) continue;
      Json step = {{"state", store::StateName(e.state)}, {"at", FormatUtc(e.at)}};
      if (!e.wire_id.empty()) step["messageId"] = e.wire_id;
      step["detail"] = e.detail;
      steps.push_back(std::move(step));
    }
    j["history"] = std::move(steps);
    out.push_back(std::move(j));
  }
  return out;
}

Json RecordJson(const store::MessageRecord& r) {
  Json j = SummaryJson(r.summary);
  j["contentType"] = r.content_type;
  Json history = Json::array();
  for (const auto& change : r.history) {
    history.push_back({{"state", store::StateName(change.state)},
                       {"at", FormatUtc(change.at)},
                       {"detail", change.detail}});
  }
  j["history"] = std::move(history);
  j["verdict"] = StringOrJson(r.violations);
  j["signatureVerdict"] = StringOrJson(r.signature_verdict);
  j["diagnostics"] = DiagnosticsJson(r.diagnostics);
  return j;
}

// The caller's own message; otherwise the problem is answered and nothing is returned. Another
// state's message is answered as if it did not exist.
// A caller sees the messages its state sent and, in the state of the inbound endpoint, the
// messages received for it.
bool Visible(const store::MessageSummary& s, const Caller& caller,
             const std::string& inbound_country) {
  if (caller.SeesAll()) return true;
  if (s.direction == store::Direction::kOutbound) return s.sender_country == caller.country;
  return !inbound_country.empty() && caller.country == inbound_country;
}

std::optional<store::MessageRecord> OwnMessage(store::Journal& journal, const std::string& id,
                                               const Caller& caller,
                                               const std::string& inbound_country,
                                               const Respond& respond) {
  auto record = journal.Get(id);
  if (!record) {
    respond(RestApi::Problem(503, "journal-unavailable", "Service Unavailable",
                             record.error().ToString()));
    return std::nullopt;
  }
  if (!*record || !Visible((*record)->summary, caller, inbound_country)) {
    respond(RestApi::Problem(404, "not-found", "Not Found", "no message " + id));
    return std::nullopt;
  }
  return std::move(**record);
}

// The caller of a request, or the problem to answer.
struct Authenticated {
  const Caller* caller = nullptr;
  std::optional<HttpResponse> problem;
};

Authenticated Authenticate(const HttpRequest& request, const Callers& callers) {
  Authenticated out;
  constexpr std::string_view kBearer = "Bearer ";
  if (!request.authorization.empty()) {
    if (request.authorization.starts_with(kBearer)) {
      out.caller = callers.ByToken(std::string_view(request.authorization).substr(kBearer.size()));
    }
    if (out.caller == nullptr) {
      out.problem =
          RestApi::Problem(401, "unauthorized", "Unauthorized", "the bearer token is not known");
    }
  } else if (!request.client_certificate_sha256.empty()) {
    out.caller = callers.ByCertificate(request.client_certificate_sha256);
    if (out.caller == nullptr) {
      out.problem =
          RestApi::Problem(403, "forbidden", "Forbidden",
                           "the client certificate (SHA-256 " + request.client_certificate_sha256 +
                               ") is not bound to a caller in api.client");
    }
  } else {
    out.problem =
        RestApi::Problem(401, "unauthorized", "Unauthorized",
                         "send \"Authorization: Bearer <token>\" or a client certificate");
  }
  if (out.problem && out.problem->status == 401) {
    out.problem->headers.emplace_back("WWW-Authenticate", "Bearer realm=\"eaeu-gateway\"");
  }
  return out;
}

// A UTC date-time query value, with or without the "Z"; nullopt when the problem was answered.
std::optional<std::chrono::system_clock::time_point> ReadTime(const std::string& key,
                                                              const std::string& value,
                                                              const Respond& respond) {
  const auto at = DateTime::Parse(
      value.ends_with('Z') ? std::string_view(value).substr(0, value.size() - 1) : value);
  if (!at) {
    respond(RestApi::Problem(
        400, "bad-query", "Bad Request",
        key + ": \"" + value + "\" is not a date-time such as 2026-11-24T10:00:00Z"));
    return std::nullopt;
  }
  return FromUtc(*at);
}

// The query of a list (state, kind, since, until, q, limit, after; for the gateway's people also
// country and direction) into `filter`; false when the problem was answered.
bool ReadListQuery(const Target& target, store::MessageFilter& filter, const Respond& respond,
                   bool staff = false) {
  const char* known = staff ? "state, kind, since, until, q, country, direction, limit, after"
                            : "state, kind, since, until, q, limit, after";
  for (const auto& [key, value] : target.query) {
    if (staff && key == "country") {
      if (value.size() != 2) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "country: \"" + value + "\" is not a member state's code"));
        return false;
      }
      filter.sender_country = value;
      continue;
    }
    if (staff && key == "direction") {
      if (value == "outbound") {
        filter.direction = store::Direction::kOutbound;
      } else if (value == "inbound") {
        filter.direction = store::Direction::kInbound;
      } else {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "direction: \"outbound\" or \"inbound\", not \"" + value + "\""));
        return false;
      }
      continue;
    }
    if (key == "q") {
      if (value.empty() || value.size() > 200) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "q: from 1 to 200 characters of an id, an EDocId or the "
                                 "document's text"));
        return false;
      }
      filter.text = value;
      continue;
    }
    if (key == "until") {
      const auto at = ReadTime(key, value, respond);
      if (!at) return false;
      filter.until = *at;
      continue;
    }
    if (key == "state") {
      filter.state = store::StateFromName(value);
      if (!filter.state) {
        respond(
            RestApi::Problem(400, "bad-query", "Bad Request", "state: no state \"" + value + "\""));
        return false;
      }
    } else if (key == "kind") {
      if (!model::KindFromName(value)) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "kind: no document kind \"" + value +
                                     "\" (inspection-report, suspension-notice, register-entry, "
                                     "summary-report, summary-request, processing-result)"));
        return false;
      }
      filter.kind = value;
    } else if (key == "since") {
      const auto at = ReadTime(key, value, respond);
      if (!at) return false;
      filter.since = *at;
    } else if (key == "limit") {
      if (!ReadLimit(value, filter.limit, respond)) return false;
    } else if (key == "after") {
      if (!IsRfc4122Uuid(value)) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "after: \"" + value + "\" is not a message id (a UUID)"));
        return false;
      }
      filter.after_id = value;
    } else {
      respond(RestApi::Problem(400, "bad-query", "Bad Request",
                               "unknown query parameter \"" + key + "\" (" + known + ")"));
      return false;
    }
  }
  return true;
}

// A page of `filter`, with the link to the next one (`base` and the query without "after").
HttpResponse ListPage(store::Journal& journal, const store::MessageFilter& filter,
                      const Target& target, const std::string& base) {
  auto page = journal.List(filter);
  if (!page && page.error().code == "journal.unknown") {
    return RestApi::Problem(400, "bad-query", "Bad Request",
                            "after: no message " + filter.after_id + " to page after");
  }
  if (!page) {
    return RestApi::Problem(503, "journal-unavailable", "Service Unavailable",
                            page.error().ToString());
  }
  Json items = Json::array();
  for (const auto& s : *page) items.push_back(SummaryJson(s));
  return JsonResponse(200, PageJson(std::move(items), page->size() == filter.limit, target, base,
                                    page->empty() ? "" : page->back().id));
}

HttpResponse SubmissionResponse(const intake::SubmissionResult& r) {
  using intake::Outcome;
  Json verdict = validate::VerdictToJson(r.verdict);
  switch (r.outcome) {
    case Outcome::kAccepted:
    case Outcome::kDuplicate: {
      Json j;
      j["id"] = r.message_id;
      j["state"] = store::StateName(r.state);
      j["duplicate"] = r.outcome == Outcome::kDuplicate;
      if (verdict.contains("kind")) j["kind"] = verdict["kind"];
      if (verdict.contains("eDocId")) j["eDocId"] = verdict["eDocId"];
      j["warnings"] = verdict["violations"];
      HttpResponse response = JsonResponse(202, j);
      response.headers.emplace_back("Location", std::string(kMessagesPrefix) + r.message_id);
      return response;
    }
    case Outcome::kFailed: {
      auto p = RestApi::Problem(503, "journal-unavailable", "Service Unavailable",
                                "the document was not taken: " + r.error.ToString());
      p.headers.emplace_back("Retry-After", "5");
      return p;
    }
    default:
      break;
  }
  unsigned status = 422;
  std::string slug = "invalid-document";
  std::string title = "The document breaks the schema or the rules";
  if (r.outcome == Outcome::kUnusable) {
    status = 400;
    slug = "not-a-document";
    title = "The body is not a document";
  } else if (r.outcome == Outcome::kForbidden) {
    status = 403;
    slug = "wrong-sender";
    title = "The document is sent on behalf of another member state";
  }
  const size_t errors = r.verdict.ErrorCount();
  HttpResponse p =
      RestApi::Problem(status, slug, title,
                       std::to_string(errors) + (errors == 1 ? " error" : " errors") +
                           "; message " + r.message_id + " keeps the document for the record");
  Json body = Json::parse(p.body);
  body["messageId"] = r.message_id;
  body["verdict"] = std::move(verdict);
  p.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return p;
}

}  // namespace

RestApi::RestApi(RestDependencies deps) : deps_(std::move(deps)) {}

HttpResponse RestApi::Problem(unsigned status, std::string slug, std::string title,
                              std::string detail) {
  Json j;
  j["type"] = "urn:eaeu-gateway:problem:" + slug;
  j["title"] = std::move(title);
  j["status"] = status;
  j["detail"] = std::move(detail);
  HttpResponse r = JsonResponse(status, j);
  r.content_type = "application/problem+json";
  return r;
}

HttpResponse RestApi::ServerProblem(unsigned status, std::string detail) {
  return Problem(status, SlugOf(status), std::string(ReasonOf(status)), std::move(detail));
}

void RestApi::Handle(HttpRequest request, Respond respond) const {
  if (deps_.request_seconds != nullptr) {
    respond = [respond = std::move(respond), histogram = deps_.request_seconds,
               start = std::chrono::steady_clock::now()](HttpResponse r) {
      histogram->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      respond(std::move(r));
    };
  }
  const Target target = ParseTarget(request.target);
  const std::string& path = target.path;

  if (path == "/healthz") {
    respond(JsonResponse(200, {{"status", "ok"}}));
    return;
  }
  if (path == "/readyz") {
    std::string why;
    const bool ready = deps_.ready ? deps_.ready(why) : true;
    respond(ready ? JsonResponse(200, {{"status", "ready"}})
                  : Problem(503, "not-ready", "Not ready", why));
    return;
  }
  if (path == "/metrics") {  // on a worker: some are counted in the journal
    if (!deps_.open_metrics && !Admit(request, path, "GET", respond, Access::kStaff)) return;
    deps_.post([metrics = deps_.metrics, respond] {
      HttpResponse r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = metrics ? metrics() : std::string();
      respond(std::move(r));
    });
    return;
  }
  if (path == "/console" || path.starts_with("/console/") || path == "/") {
    HandleConsole(request, respond);
    return;
  }
  if (path == "/v1/whoami") {
    const auto admitted = Admit(request, path, "GET", respond);
    if (!admitted) return;
    Json j = {{"name", admitted->name}, {"role", RoleName(admitted->role)}};
    if (!admitted->SeesAll()) {
      j["country"] = admitted->country;
      j["participant"] = admitted->participant;
    }
    respond(JsonResponse(200, j));
    return;
  }
  if (path.starts_with("/v1/admin/")) {
    HandleAdmin(std::move(request), std::move(respond));
    return;
  }
  if (path == "/v1/inbox" || path.starts_with(kInboxPrefix)) {
    HandleInbox(std::move(request), std::move(respond));
    return;
  }
  if (path == "/v1/deadlines" || path.starts_with("/v1/deadlines/")) {
    HandleDeadlines(std::move(request), std::move(respond));
    return;
  }
  if (path == "/v1/calendars") {
    HandleCalendars(std::move(request), std::move(respond));
    return;
  }
  if (path == "/v1/summary") {
    HandleSummary(std::move(request), std::move(respond));
    return;
  }
  if (path.starts_with("/v1/registry/")) {
    HandleRegistry(std::move(request), std::move(respond));
    return;
  }
  const bool documents = path == "/v1/documents";
  const bool list = path == "/v1/messages";
  const bool one = path.starts_with(kMessagesPrefix) && path.size() > kMessagesPrefix.size();
  constexpr std::string_view kRetry = "/retry";
  constexpr std::string_view kCancel = "/cancel";
  const bool retry = one && path.ends_with(kRetry);
  const bool cancel = one && path.ends_with(kCancel);
  if (!documents && !list && !one) {
    respond(Problem(404, "not-found", "Not Found", "no resource at " + path));
    return;
  }
  const auto admitted = Admit(
      request, path, documents || retry || cancel ? "POST" : "GET", respond,
      documents ? Access::kState : (retry || cancel ? Access::kStateOrOperator : Access::kAnyone));
  if (!admitted) return;
  const Caller caller = *admitted;

  if (documents) {
    const std::string media = MediaType(request.content_type);
    const auto format = FormatOf(media);
    if (!format) {
      respond(Problem(
          415, "unsupported-media-type", "Unsupported Media Type",
          "send application/xml or application/json, not \"" + request.content_type + "\""));
      return;
    }
    intake::Submission s;
    s.bytes = std::move(request.body);
    s.format = *format;
    s.content_type = media;
    s.sender = {caller.country, caller.participant, caller.name};
    s.channel = "rest";
    deps_.pipeline->Submit(
        std::move(s), [respond](intake::SubmissionResult r) { respond(SubmissionResponse(r)); });
    return;
  }

  if (retry) {
    std::string id = path.substr(kMessagesPrefix.size());
    id.resize(id.size() - kRetry.size());
    if (!deps_.requeue) {
      respond(Problem(503, "delivery-not-configured", "Service Unavailable",
                      "this gateway delivers nothing: no [[route]] is configured"));
      return;
    }
    deps_.post([deps = deps_, id = std::move(id), caller, respond] {
      auto record = OwnMessage(*deps.journal, id, caller, deps.inbound_country, respond);
      if (!record) return;
      if (record->summary.state != store::MessageState::kDead) {
        respond(Problem(409, "not-dead", "Conflict",
                        "message " + id + " is " +
                            std::string(store::StateName(record->summary.state)) +
                            ": only a dead message is requeued"));
        return;
      }
      deps.requeue(id, caller.Who(), [id, respond](Status st) {
        if (!st) {
          respond(Problem(409, "not-requeued", "Conflict", st.error().ToString()));
          return;
        }
        respond(JsonResponse(202, Json{{"id", id}, {"state", "queued"}}));
      });
    });
    return;
  }

  if (cancel) {
    std::string id = path.substr(kMessagesPrefix.size());
    id.resize(id.size() - kCancel.size());
    if (!deps_.cancel) {
      respond(Problem(503, "delivery-not-configured", "Service Unavailable",
                      "this gateway delivers nothing: no [[route]] is configured"));
      return;
    }
    auto body = Json::parse(request.body, nullptr, false);
    std::string reason, to;
    if (body.is_object() && body.contains("reason") && body["reason"].is_string()) {
      reason = body["reason"].get<std::string>();
    }
    if (body.is_object() && body.contains("to") && body["to"].is_string()) {
      to = body["to"].get<std::string>();
    }
    const bool known = body.is_object() &&
                       std::all_of(body.items().begin(), body.items().end(), [](const auto& item) {
                         return item.key() == "reason" || item.key() == "to";
                       });
    if (!known || reason.empty() || reason.size() > 1000 ||
        reason.find_first_of("\r\n") != std::string::npos) {
      respond(Problem(400, "bad-body", "Bad Request",
                      "send {\"reason\": \"why, one line of at most 1000 characters\"} and, to "
                      "stop one destination only, \"to\": its logical address"));
      return;
    }
    deps_.post([deps = deps_, id = std::move(id), caller, respond, reason = std::move(reason),
                to = std::move(to)] {
      auto record = OwnMessage(*deps.journal, id, caller, deps.inbound_country, respond);
      if (!record) return;
      if (record->summary.direction != store::Direction::kOutbound) {
        respond(Problem(409, "not-delivered", "Conflict",
                        "message " + id + " was received: the gateway delivers it to nobody"));
        return;
      }
      deps.cancel(id, to, caller.Who(), reason, [id, respond](Status st) {
        if (!st) {
          respond(Problem(409, "not-cancelled", "Conflict", st.error().ToString()));
          return;
        }
        respond(JsonResponse(200, Json{{"id", id}, {"state", "dead"}}));
      });
    });
    return;
  }

  if (one) {
    std::string id = path.substr(kMessagesPrefix.size());
    constexpr std::string_view kEnvelope = "/envelope";
    const bool envelope = id.ends_with(kEnvelope);
    if (envelope) id.resize(id.size() - kEnvelope.size());
    deps_.post([journal = deps_.journal, inbound = deps_.inbound_country, id = std::move(id),
                caller, respond, envelope] {
      auto record = OwnMessage(*journal, id, caller, inbound, respond);
      if (!record) return;
      if (envelope) {
        if (record->signed_document.empty()) {
          respond(Problem(404, "not-found", "Not Found", "message " + id + " has no envelope yet"));
          return;
        }
        // The envelope addressed to the first destination, as its latest send carried it (or
        // will carry it): built from the signed document the journal keeps.
        const auto& d = record->diagnostics;
        envelope::Headers h{d.to,     d.reply_to,           d.message_id,     {},
                            d.action, record->procedure_id, d.conversation_id};
        if (auto deliveries = journal->Deliveries(id); deliveries && !deliveries->empty()) {
          const auto& first = deliveries->front();
          h.to = first.destination;
          h.conversation_id = first.conversation_id;
          if (!first.wire_id.empty()) h.message_id = first.wire_id;
        }
        HttpResponse r;
        r.content_type = "application/soap+xml; charset=utf-8";
        r.body = envelope::Build(h, record->signed_document);
        respond(std::move(r));
        return;
      }
      Json j = RecordJson(*record);
      auto deliveries = journal->Deliveries(id);
      auto history = journal->DeliveryHistory(id);
      if (deliveries && history) j["deliveries"] = DeliveriesJson(*deliveries, *history);
      respond(JsonResponse(200, j));
    });
    return;
  }

  store::MessageFilter filter;
  if (!caller.SeesAll()) {
    filter.direction = store::Direction::kOutbound;
    filter.sender_country = caller.country;
  }
  if (!ReadListQuery(target, filter, respond, caller.SeesAll())) return;
  deps_.post([journal = deps_.journal, filter, target, respond] {
    respond(ListPage(*journal, filter, target, "/v1/messages?"));
  });
}

std::optional<Caller> RestApi::Admit(const HttpRequest& request, const std::string& path,
                                     const char* allowed, const Respond& respond,
                                     Access access) const {
  if (request.method != allowed) {
    auto p = Problem(405, "method-not-allowed", "Method Not Allowed",
                     path + " takes " + allowed + ", not " + request.method);
    p.headers.emplace_back("Allow", allowed);
    respond(std::move(p));
    return std::nullopt;
  }
  auto callers = deps_.callers();
  const Authenticated auth = Authenticate(request, *callers);
  if (auth.problem) {
    respond(*auth.problem);
    return std::nullopt;
  }
  const Caller& c = *auth.caller;
  std::string refused;
  switch (access) {
    case Access::kState:
      if (c.SeesAll()) {
        refused = "an " + std::string(RoleName(c.role)) +
                  " acts for no member state: this is done with a member state's caller";
      }
      break;
    case Access::kStateOrOperator:
      if (c.role == Role::kAuditor) refused = "an auditor reads and acts on nothing";
      break;
    case Access::kStaff:
      if (!c.SeesAll()) refused = "this is open to the gateway's operators and auditors only";
      break;
    case Access::kOperator:
      if (c.role != Role::kOperator) refused = "this is open to the gateway's operators only";
      break;
    case Access::kAnyone:
      break;
  }
  if (!refused.empty()) {
    respond(Problem(403, "forbidden", "Forbidden", c.name + ": " + refused));
    return std::nullopt;
  }
  return c;
}

void RestApi::HandleInbox(HttpRequest request, Respond respond) const {
  const Target target = ParseTarget(request.target);
  const std::string& path = target.path;
  constexpr std::string_view kAck = "/ack";
  const bool list = path == "/v1/inbox";
  const bool ack = !list && path.ends_with(kAck);
  const auto admitted =
      Admit(request, path, ack ? "POST" : "GET", respond, ack ? Access::kState : Access::kAnyone);
  if (!admitted) return;
  const Caller caller = *admitted;
  if (deps_.inbound_country.empty()) {
    respond(Problem(404, "inbound-not-configured", "Not Found",
                    "this gateway receives nothing: no [inbound] endpoint is configured"));
    return;
  }
  if (!caller.SeesAll() && caller.country != deps_.inbound_country) {
    respond(Problem(403, "forbidden", "Forbidden",
                    "the inbox holds documents for " + deps_.inbound_country + ", and " +
                        caller.name + " acts for " + caller.country));
    return;
  }

  if (list) {
    store::MessageFilter filter;
    filter.direction = store::Direction::kInbound;
    if (!ReadListQuery(target, filter, respond)) return;
    if (!filter.state) {
      filter.any_state = {store::MessageState::kQueued, store::MessageState::kRetrying};
    }
    deps_.post([journal = deps_.journal, filter, target, respond] {
      respond(ListPage(*journal, filter, target, "/v1/inbox?"));
    });
    return;
  }

  std::string id = path.substr(kInboxPrefix.size());
  if (ack) id.resize(id.size() - kAck.size());
  deps_.post([deps = deps_, id = std::move(id), caller, ack, target, respond] {
    auto record = OwnMessage(*deps.journal, id, caller, deps.inbound_country, respond);
    if (!record) return;
    if (record->summary.direction != store::Direction::kInbound) {
      respond(Problem(404, "not-found", "Not Found", "no received message " + id));
      return;
    }
    if (ack) {
      if (auto st = deps.acknowledge(id, caller.name); !st) {
        respond(Problem(409, "not-waiting", "Conflict", st.error().ToString()));
        return;
      }
      respond(JsonResponse(200, Json{{"id", id}, {"state", "delivered"}}));
      return;
    }
    const auto format = target.query.find("format");
    HttpResponse r;
    r.content_type = "application/xml";
    r.body = record->CanonicalXml();
    if (format != target.query.end() && format->second == "json") {
      auto json = deps.to_json ? deps.to_json(r.body)
                               : Result<std::string>(MakeError("inbox.json", id, "no codec"));
      if (!json) {
        respond(Problem(500, "not-convertible", "Internal Server Error", json.error().ToString()));
        return;
      }
      r.content_type = "application/json";
      r.body = std::move(*json);
    } else if (format != target.query.end() && format->second != "xml") {
      respond(Problem(400, "bad-query", "Bad Request", "format: \"xml\" or \"json\""));
      return;
    }
    r.headers.emplace_back("X-Eaeu-Message-Id", id);
    r.headers.emplace_back("X-Eaeu-Kind", record->summary.kind);
    r.headers.emplace_back("X-Eaeu-EDocId", record->summary.e_doc_id);
    r.headers.emplace_back("X-Eaeu-State", std::string(store::StateName(record->summary.state)));
    respond(std::move(r));
  });
}

}  // namespace eaeu::api
