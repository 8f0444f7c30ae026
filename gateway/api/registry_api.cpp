// The register routes of the REST API: the sync, and the register as sent (or received).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "gateway/api/detail/rest_common.hpp"
#include "gateway/api/rest.hpp"
#include "gateway/core/temporal.hpp"
#include "gateway/validate/verdict_json.hpp"

namespace eaeu::api {

using namespace detail;  // NOLINT(google-build-using-namespace)
using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

namespace {

constexpr std::string_view kOrganizationsPrefix = "/v1/registry/organizations/";

Json ViolationsJson(const std::vector<validate::Violation>& violations) {
  validate::Verdict verdict;
  verdict.violations = violations;
  return Json::parse(validate::VerdictToJson(verdict).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace))["violations"];
}

Json ReportJson(const registry::SyncReport& r) {
  Json j;
  j["outcome"] = registry::SyncOutcomeName(r.outcome);
  j["syncId"] = r.sync_id.empty() ? Json(nullptr) : Json(r.sync_id);
  j["added"] = r.added;
  j["changed"] = r.changed;
  j["withdrawn"] = r.withdrawn;
  j["unchanged"] = r.unchanged;
  j["registered"] = r.registered;
  Json invalid = Json::array();
  for (const auto& bad : r.invalid) {
    invalid.push_back({{"where", bad.where},
                       {"key", bad.key.empty() ? Json(nullptr) : Json(bad.key)},
                       {"name", bad.name.empty() ? Json(nullptr) : Json(bad.name)},
                       {"violations", ViolationsJson(bad.violations)}});
  }
  j["invalid"] = std::move(invalid);
  Json messages = Json::array();
  for (const auto& item : r.items) {
    Json m = {{"id", item.message_id.empty() ? Json(nullptr) : Json(item.message_id)},
              {"key", item.key},
              {"name", item.name},
              {"change", store::RegisterChangeName(item.change)},
              {"where", item.where}};
    if (!item.fields.empty()) {
      Json fields = Json::array();
      for (const auto& f : item.fields) {
        fields.push_back({{"path", f.path},
                          {"before", f.before.empty() ? Json(nullptr) : Json::parse(f.before)},
                          {"after", f.after.empty() ? Json(nullptr) : Json::parse(f.after)}});
      }
      m["fields"] = std::move(fields);
    }
    messages.push_back(std::move(m));
  }
  j["messages"] = std::move(messages);
  if (!r.refusal.empty()) j["refusal"] = r.refusal;
  j["seconds"] = r.seconds;
  return j;
}

// A refusal: the problem document with the report in it.
HttpResponse Refused(unsigned status, const std::string& slug, const registry::SyncReport& r) {
  HttpResponse p = RestApi::Problem(status, slug, std::string(ReasonOf(status)), r.refusal);
  Json body = Json::parse(p.body);
  body["report"] = ReportJson(r);
  p.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return p;
}

Json VersionJson(const store::RegisterVersion& v, bool with_record) {
  Json j = {{"key", v.key},
            {"country", v.country},
            {"name", v.name},
            {"active", v.change != store::RegisterChange::kWithdrawn},
            {"change", store::RegisterChangeName(v.change)},
            {"changeDay", v.change_day},
            {"version", v.id},
            {"messageId", v.message_id},
            {"state", store::StateName(v.state)},
            {"stateAt", FormatUtc(v.state_at)},
            {"at", FormatUtc(v.at)},
            {"syncId", v.sync_id.empty() ? Json(nullptr) : Json(v.sync_id)}};
  if (with_record) j["record"] = Json::parse(v.record, nullptr, false);
  return j;
}

// ?dryRun=true&allowWithdrawals=true&strict=true&format=csv; false when the problem was answered.
bool ReadSyncQuery(const Target& target, registry::SyncRequest& r, const Respond& respond) {
  for (const auto& [key, value] : target.query) {
    bool* flag = key == "dryRun"             ? &r.dry_run
                 : key == "allowWithdrawals" ? &r.allow_withdrawals
                 : key == "strict"           ? &r.strict
                                             : nullptr;
    if (flag != nullptr) {
      if (value != "true" && value != "false") {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 key + ": \"" + value + "\" is not true or false"));
        return false;
      }
      *flag = value == "true";
    } else if (key == "format") {
      auto format = registry::SourceFormatFromName(value);
      if (!format) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "format: \"" + value + "\" is not csv, json, xml or auto"));
        return false;
      }
      r.format = *format;
    } else {
      respond(RestApi::Problem(
          400, "bad-query", "Bad Request",
          "unknown query parameter \"" + key + "\" (dryRun, allowWithdrawals, strict, format)"));
      return false;
    }
  }
  return true;
}

bool ReadOrganizationsQuery(const Target& target, store::RegisterFilter& filter,
                            const Respond& respond) {
  for (const auto& [key, value] : target.query) {
    if (key == "country") {
      if (value.size() != 2 || !std::isupper(static_cast<unsigned char>(value[0])) ||
          !std::isupper(static_cast<unsigned char>(value[1]))) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "country: \"" + value + "\" is not a country code (KZ)"));
        return false;
      }
      filter.country = value;
    } else if (key == "group") {
      const bool code_like = std::all_of(value.begin(), value.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '.' || c == '-';
      });
      if (value.empty() || value.size() > 20 || !code_like) {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "group: a group code has 1 to 20 letters, digits, dots or "
                                 "hyphens"));
        return false;
      }
      filter.group = value;
    } else if (key == "active") {
      if (value != "true" && value != "false") {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "active: \"" + value + "\" is not true or false"));
        return false;
      }
      filter.active = value == "true";
    } else if (key == "view") {
      if (value != "sent" && value != "received") {
        respond(RestApi::Problem(400, "bad-query", "Bad Request",
                                 "view: \"" + value + "\" is not sent or received"));
        return false;
      }
      filter.direction = value == "sent" ? store::Direction::kOutbound : store::Direction::kInbound;
    } else if (key == "limit") {
      if (!ReadLimit(value, filter.limit, respond)) return false;
    } else if (key == "after") {
      filter.after_key = value;
    } else {
      respond(RestApi::Problem(
          400, "bad-query", "Bad Request",
          "unknown query parameter \"" + key + "\" (country, group, active, view, limit, after)"));
      return false;
    }
  }
  return true;
}

}  // namespace

void RestApi::HandleRegistry(HttpRequest request, Respond respond) const {
  const Target target = ParseTarget(request.target);
  const std::string& path = target.path;
  const bool sync = path == "/v1/registry/sync";
  const bool list = path == "/v1/registry/organizations";
  const bool one =
      path.starts_with(kOrganizationsPrefix) && path.size() > kOrganizationsPrefix.size();
  if (!sync && !list && !one) {
    respond(Problem(404, "not-found", "Not Found", "no resource at " + path));
    return;
  }
  const auto admitted =
      Admit(request, path, sync ? "POST" : "GET", respond, sync ? Access::kState : Access::kAnyone);
  if (!admitted) return;
  const Caller caller = *admitted;
  if (deps_.registry == nullptr) {
    respond(Problem(503, "registry-unavailable", "Service Unavailable",
                    "this gateway keeps no register"));
    return;
  }

  if (sync) {
    registry::SyncRequest r;
    if (!ReadSyncQuery(target, r, respond)) return;
    if (r.format == registry::SourceFormat::kAuto) {
      r.format = registry::SourceFormatOf(MediaType(request.content_type));
    }
    r.bytes = std::move(request.body);
    r.source = "POST /v1/registry/sync by " + caller.name;
    r.sender = {caller.country, caller.participant, caller.name};
    deps_.registry->Sync(std::move(r), [respond](Result<registry::SyncReport> report) {
      if (!report) {
        const bool input = report.error().code.rfind("registry.source", 0) == 0 ||
                           report.error().code.rfind("csv.", 0) == 0;
        respond(input ? Problem(400, "not-a-register", "Bad Request", report.error().ToString())
                      : Problem(503, "journal-unavailable", "Service Unavailable",
                                report.error().ToString()));
        return;
      }
      switch (report->outcome) {
        case registry::SyncOutcome::kWithdrawalGuard:
          respond(Refused(409, "withdrawal-guard", *report));
          return;
        case registry::SyncOutcome::kInvalid:
          respond(Refused(422, "invalid-organizations", *report));
          return;
        default:
          respond(JsonResponse(200, ReportJson(*report)));
      }
    });
    return;
  }

  if (list) {
    store::RegisterFilter filter;
    if (!ReadOrganizationsQuery(target, filter, respond)) return;
    if (caller.SeesAll()) {
      // The gateway's people see the register as sent by every state, and as received.
    } else if (filter.direction == store::Direction::kOutbound) {
      // The register as sent: the caller's own state's.
      if (filter.country && *filter.country != caller.country) {
        respond(Problem(403, "forbidden", "Forbidden",
                        caller.name + " acts for " + caller.country + ", not " + *filter.country));
        return;
      }
      filter.country = caller.country;
    } else if (caller.country != deps_.inbound_country) {
      respond(Problem(
          403, "forbidden", "Forbidden",
          "the registers received here are for " +
              (deps_.inbound_country.empty() ? std::string("nobody") : deps_.inbound_country)));
      return;
    }
    deps_.post([deps = deps_, filter, target, respond] {
      auto page = deps.journal->RegisterRecords(filter);
      if (!page) {
        respond(
            Problem(503, "journal-unavailable", "Service Unavailable", page.error().ToString()));
        return;
      }
      Json items = Json::array();
      for (const auto& v : *page) items.push_back(VersionJson(v, true));
      respond(JsonResponse(
          200, PageJson(std::move(items), page->size() == filter.limit, target,
                        "/v1/registry/organizations?", page->empty() ? "" : page->back().key)));
    });
    return;
  }

  const std::string key = path.substr(kOrganizationsPrefix.size());
  deps_.post([deps = deps_, key, caller, respond] {
    auto history = deps.journal->RegisterHistory(store::Direction::kOutbound, key);
    if (!history) {
      respond(
          Problem(503, "journal-unavailable", "Service Unavailable", history.error().ToString()));
      return;
    }
    if (history->empty() || (!caller.SeesAll() && history->front().country != caller.country)) {
      respond(Problem(404, "not-found", "Not Found", "no record " + key + " in the register"));
      return;
    }
    Json versions = Json::array();
    for (const auto& v : *history) versions.push_back(VersionJson(v, true));
    respond(JsonResponse(200, Json{{"key", key}, {"versions", std::move(versions)}}));
  });
}

}  // namespace eaeu::api
