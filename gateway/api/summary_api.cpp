// GET /v1/summary: the summary of inspection reports for a period (Table 4), built from the
// journal: the reports this gateway sent that the Commission took (acknowledged), and those the
// Commission distributed to it (received, not refused). The same reading as the Commission's
// (gateway/summary), so that it equals what a summary request (TRN.005) brings back.
#include "codecs/json_codec.hpp"
#include "codecs/xml_writer.hpp"
#include "gateway/api/detail/rest_common.hpp"
#include "gateway/api/rest.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/summary/summary.hpp"

namespace eaeu::api {

using namespace detail;  // NOLINT(google-build-using-namespace)
using transport::HttpRequest;
using transport::HttpResponse;
using transport::Respond;

namespace {

struct SummaryQuery {
  model::SummaryRequest request;
  std::string format = "json";
};

bool ReadSummaryQuery(const Target& target, SummaryQuery& q, const Respond& respond) {
  std::optional<Date> from, to;
  const auto bad = [&](const std::string& detail) {
    respond(RestApi::Problem(400, "bad-query", "Bad Request", detail));
    return false;
  };
  for (const auto& [key, value] : target.query) {
    if (key == "from" || key == "to") {
      auto d = Date::Parse(value);
      if (!d) return bad(key + ": \"" + value + "\" is not a date (YYYY-MM-DD)");
      (key == "from" ? from : to) = d;
    } else if (key == "country") {
      if (value.size() != 2 || !std::isupper(static_cast<unsigned char>(value[0])) ||
          !std::isupper(static_cast<unsigned char>(value[1]))) {
        return bad("country: \"" + value + "\" is not a country code (KZ)");
      }
      q.request.country_code = value;
    } else if (key == "manufacturer") {
      if (value.empty()) return bad("manufacturer: give (a part of) a manufacturer's name");
      q.request.manufacturer_name = value;
    } else if (key == "format") {
      if (value != "json" && value != "xml" && value != "csv") {
        return bad("format: \"" + value + "\" is not json, xml or csv");
      }
      q.format = value;
    } else {
      return bad("unknown query parameter \"" + key +
                 "\" (from, to, country, manufacturer, format)");
    }
  }
  if (!from || !to) return bad("give the period: from and to (YYYY-MM-DD, both days included)");
  if (*to < *from) return bad("to: the period ends before it starts");
  q.request.period = model::t4::Period{DateTime{*from, 0, 0, 0}, DateTime{*to, 23, 59, 59}};
  return true;
}

// The lines of every report the summary may list, read from the journal.
Result<std::vector<model::t4::ReportLine>> ReportLines(const RestDependencies& deps) {
  std::vector<model::t4::ReportLine> lines;
  for (const auto direction : {store::Direction::kOutbound, store::Direction::kInbound}) {
    store::MessageFilter filter;
    filter.direction = direction;
    filter.kind = std::string(model::KindName(model::DocumentKind::kInspectionReport));
    if (direction == store::Direction::kOutbound) {
      filter.state = store::MessageState::kAcknowledged;  // the Commission took it
    } else {
      filter.any_state = {store::MessageState::kQueued, store::MessageState::kRetrying,
                          store::MessageState::kDelivered};
    }
    filter.limit = 500;
    for (;;) {
      auto page = deps.journal->List(filter);
      if (!page) return page.error();
      for (const auto& m : *page) {
        auto record = deps.journal->Get(m.id);
        if (!record) return record.error();
        if (!*record) continue;
        auto document = deps.read((*record)->CanonicalXml());
        const auto* report = document ? std::get_if<model::InspectionReport>(&*document) : nullptr;
        if (report == nullptr) continue;
        if (auto line = summary::SummaryLineOf(*report)) lines.push_back(std::move(*line));
      }
      if (page->size() < filter.limit) break;
      filter.after_id = page->back().id;
    }
  }
  return lines;
}

}  // namespace

void RestApi::HandleSummary(HttpRequest request, Respond respond) const {
  const Target target = ParseTarget(request.target);
  const auto admitted = Admit(request, target.path, "GET", respond);
  if (!admitted) return;
  SummaryQuery q;
  if (!ReadSummaryQuery(target, q, respond)) return;
  if (!deps_.read || deps_.catalog == nullptr) {
    respond(Problem(503, "summary-unavailable", "Service Unavailable",
                    "this gateway cannot read its documents"));
    return;
  }
  deps_.post([deps = deps_, q, respond] {
    auto lines = ReportLines(deps);
    if (!lines) {
      respond(Problem(503, "journal-unavailable", "Service Unavailable", lines.error().ToString()));
      return;
    }
    model::SummaryReport report;
    const auto& info = deps.catalog->Info(model::DocumentKind::kSummaryReport);
    report.header.inf_envelope_code = info.messages.empty() ? "" : info.messages.front();
    report.header.e_doc_code = info.structure_code;
    report.header.e_doc_id = NewUuid(deps.random ? deps.random : SystemRandom());
    report.header.e_doc_date_time =
        UtcDateTime(deps.clock != nullptr ? deps.clock->Now() : SystemClock().Now());
    report.period = q.request.period;
    report.reports = summary::Summarise(q.request, *lines);
    HttpResponse r;
    if (q.format == "csv") {
      r.content_type = "text/csv; charset=utf-8";
      r.body = summary::SummaryCsv(report.reports);
    } else if (q.format == "xml") {
      if (report.reports.empty()) {  // Table 4 lists 1..* reports (T4-R2)
        respond(Problem(404, "no-reports", "Not Found",
                        "no report answers the request: a Table 4 document lists at least one "
                        "(T4-R2); ask for json or csv to get an empty summary"));
        return;
      }
      r.content_type = "application/xml";
      r.body = codec::WriteXml(model::Document(report), *deps.catalog);
    } else {
      r.content_type = "application/json";
      r.body = codec::WriteJson(model::Document(report), -1);
    }
    respond(std::move(r));
  });
}

}  // namespace eaeu::api
