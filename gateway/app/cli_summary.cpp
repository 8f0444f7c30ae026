#include "gateway/app/cli_summary.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "codecs/json_codec.hpp"
#include "codecs/xml_writer.hpp"
#include "gateway/app/cli.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/percent.hpp"
#include "gateway/summary/summary.hpp"

namespace eaeu::app {
namespace {

using Json = nlohmann::json;

// Writes the result to --out, else to standard output.
int Emit(const SummaryCommand::Options& o, const std::string& text, std::ostream& out,
         std::ostream& err) {
  if (o.out.empty()) {
    out << text;
    if (!text.empty() && text.back() != '\n') out << "\n";
    return kExitOk;
  }
  std::ofstream file(o.out, std::ios::binary);
  file << text;
  if (!file) return Fail(err, MakeError("cli.output", o.out, "cannot write the file"));
  return kExitOk;
}

int Local(const SummaryCommand& c, const std::string& token, std::ostream& out, std::ostream& err) {
  const auto& o = *c.options;
  std::string path = "/v1/summary?from=" + o.from + "&to=" + o.to + "&format=" + o.output;
  if (!o.country.empty()) path += "&country=" + o.country;
  if (!o.manufacturer.empty()) path += "&manufacturer=" + PercentEncode(o.manufacturer);
  auto reply = CallApi(*c.api, token, "GET", path, nullptr, "");
  if (!reply) return Fail(err, reply.error());
  if (reply->status != 200) {
    err << "eaeu-gateway: " << ProblemLine(*reply) << "\n";
    return reply->status == 404 ? kExitInvalid : kExitUnusable;
  }
  return Emit(o, reply->body, out, err);
}

// The summary report in the inbox that answers the request with this EDocId, as JSON; or the
// processing result that says nothing answers it (T4-R2): {"empty": true}.
Result<std::optional<std::pair<std::string, Json>>> Answer(const ApiCommands::Options& api,
                                                           const std::string& token,
                                                           const std::string& e_doc_id) {
  for (const char* kind : {"summary-report", "processing-result"}) {
    std::string path = std::string("/v1/inbox?limit=1000&kind=") + kind;
    auto reply = CallApi(api, token, "GET", path, nullptr, "");
    if (!reply) return reply.error();
    if (reply->status != 200) return MakeError("api.reply", path, ProblemLine(*reply));
    const Json page = Json::parse(reply->body, nullptr, false);
    if (!page.is_object()) return MakeError("api.reply", path, "not JSON");
    for (const auto& item : page["items"]) {
      const std::string id = item.value("id", "");
      auto doc = CallApi(api, token, "GET", "/v1/inbox/" + id + "?format=json", nullptr, "");
      if (!doc) return doc.error();
      const Json j = Json::parse(doc->body, nullptr, false);
      if (!j.is_object() || !j.contains("eDocHeader")) continue;
      if (j["eDocHeader"].value("eDocRefId", "") != e_doc_id) continue;
      return std::optional<std::pair<std::string, Json>>(std::make_pair(id, j));
    }
  }
  return std::optional<std::pair<std::string, Json>>();
}

int Remote(const SummaryCommand& c, const std::string& token, std::ostream& out,
           std::ostream& err) {
  const auto& o = *c.options;
  auto validator = MakeValidator(*c.common);
  if (!validator) return Fail(err, validator.error());
  const auto& catalog = (*validator)->catalog();
  model::SummaryRequest request;
  const auto& info = catalog.Info(model::DocumentKind::kSummaryRequest);
  request.header.inf_envelope_code = info.messages.empty() ? "" : info.messages.front();
  request.header.e_doc_code = info.structure_code;
  request.header.e_doc_id = NewUuid(SystemRandom());
  request.header.e_doc_date_time = UtcDateTime(SystemClock().Now());
  request.period = model::t4::Period{DateTime{*Date::Parse(o.from), 0, 0, 0},
                                     DateTime{*Date::Parse(o.to), 23, 59, 59}};
  if (!o.country.empty()) request.country_code = o.country;
  if (!o.manufacturer.empty()) request.manufacturer_name = o.manufacturer;
  const std::string xml = codec::WriteXml(model::Document(request), catalog);
  auto submitted = CallApi(*c.api, token, "POST", "/v1/documents", &xml, "application/xml");
  if (!submitted) return Fail(err, submitted.error());
  const Json answer = Json::parse(submitted->body, nullptr, false);
  if (submitted->status != 202 || !answer.is_object()) {
    err << "eaeu-gateway: " << ProblemLine(*submitted) << "\n";
    return submitted->status == 422 || submitted->status == 403 ? kExitInvalid : kExitUnusable;
  }
  const std::string id = answer.value("id", "");
  if (o.no_wait) {
    out << id << "\n";
    return kExitOk;
  }
  err << "asked the integrated system (message " << id << "); waiting for its answer\n";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.wait_seconds);
  for (;;) {
    auto state = CallApi(*c.api, token, "GET", "/v1/messages/" + id, nullptr, "");
    if (!state) return Fail(err, state.error());
    const Json m = Json::parse(state->body, nullptr, false);
    const std::string s = m.is_object() ? m.value("state", "") : "";
    if (s == "rejected" || s == "dead") {
      err << "eaeu-gateway: the summary request " << id << " is " << s << "\n";
      return kExitInvalid;
    }
    if (s == "acknowledged") {
      auto found = Answer(*c.api, token, request.header.e_doc_id);
      if (!found) return Fail(err, found.error());
      if (*found) {
        const auto& [inbox_id, doc] = **found;
        std::string text;
        std::vector<model::t4::ReportLine> lines;
        if (doc.contains("inspectionReportDetails")) {
          auto read = codec::ReadJson(doc.dump(), catalog, model::DocumentKind::kSummaryReport);
          if (!read) return Fail(err, read.error());
          lines = std::get<model::SummaryReport>(*read).reports;
          if (o.output == "xml") {
            auto raw = CallApi(*c.api, token, "GET", "/v1/inbox/" + inbox_id, nullptr, "");
            if (!raw) return Fail(err, raw.error());
            text = raw->body;
          } else if (o.output == "json") {
            text = doc.dump(2);
          }
        } else {
          err << "no report answers the request (the Commission's processing result says so)\n";
          if (o.output == "json") text = Json{{"inspectionReportDetails", Json::array()}}.dump(2);
        }
        if (o.output == "csv") text = summary::SummaryCsv(lines);
        (void)CallApi(*c.api, token, "POST", "/v1/inbox/" + inbox_id + "/ack", nullptr, "");
        return Emit(o, text, out, err);
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      err << "eaeu-gateway: no answer yet; look it up later with `messages show " << id << "`\n";
      return kExitUnusable;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

SummaryCommand AddSummaryCommand(CLI::App& app, SummaryCommand::Options& o,
                                 ApiCommands::Options& api, CommonOptions& common) {
  SummaryCommand c;
  c.options = &o;
  c.api = &api;
  c.common = &common;
  c.command = app.add_subcommand(
      "summary",
      "The summary of inspection reports for a period (Table 4): asked of the integrated system "
      "(TRN.005) through the daemon, or built by the daemon from its own reports (--local)");
  const auto date = [](const std::string& v) {
    return Date::Parse(v) ? std::string() : "\"" + v + "\" is not a date (YYYY-MM-DD)";
  };
  c.command->add_option("--from", o.from, "The period's first day (YYYY-MM-DD)")
      ->required()
      ->check(date);
  c.command->add_option("--to", o.to, "Its last day (YYYY-MM-DD)")->required()->check(date);
  c.command->add_option("--country", o.country, "Only the reports of this state")
      ->check(CLI::IsMember({"AM", "BY", "KZ", "KG", "RU"}));
  c.command->add_option("--manufacturer", o.manufacturer,
                        "Only manufacturers whose name contains this (any letter case)");
  c.command->add_option("--out", o.out, "Write it to this file (default: standard output)");
  c.command->add_option("--format", o.output, "xml, json, or csv (for spreadsheets)")
      ->check(CLI::IsMember({"xml", "json", "csv"}))
      ->capture_default_str();
  c.command->add_flag("--local", o.local, "Built by the daemon from its reports; asks nobody");
  c.command->add_flag("--no-wait", o.no_wait, "Print the request's message id and return");
  c.command->add_option("--wait-seconds", o.wait_seconds, "How long to wait for the answer")
      ->capture_default_str();
  AddConnectionOptions(*c.command, api, false);
  AddCommonOptions(*c.command, common);
  return c;
}

int RunSummary(const SummaryCommand& c, std::ostream& out, std::ostream& err) {
  auto token = ReadApiToken(*c.api);
  if (!token) return Fail(err, token.error());
  if (*Date::Parse(c.options->to) < *Date::Parse(c.options->from)) {
    return Fail(err, MakeError("cli.argument", "--to", "the period ends before it starts"));
  }
  return c.options->local ? Local(c, *token, out, err) : Remote(c, *token, out, err);
}

}  // namespace eaeu::app
