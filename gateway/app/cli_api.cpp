#include "gateway/app/cli_api.hpp"

#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "gateway/api/callers.hpp"
#include "gateway/app/cli.hpp"
#include "gateway/app/cli_common.hpp"
#include "gateway/core/files.hpp"
#include "gateway/core/percent.hpp"
#include "gateway/deadlines/deadline.hpp"

namespace eaeu::app {

using Json = nlohmann::ordered_json;

namespace {

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<ApiReply> CallApi(const ApiCommands::Options& o, const std::string& token,
                         const char* method, const std::string& path, const std::string* body,
                         const std::string& content_type) {
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) return MakeError("api.client", "", "libcurl cannot start");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return MakeError("api.client", "", "libcurl cannot start");
  CURL* c = curl.get();
  const std::string url = o.url + path;
  ApiReply reply;
  curl_slist* headers = nullptr;
  const std::string auth = "Authorization: Bearer " + token;
  if (!token.empty()) headers = curl_slist_append(headers, auth.c_str());
  const std::string type = "Content-Type: " + content_type;
  if (body != nullptr) headers = curl_slist_append(headers, type.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 300'000L);
  if (body != nullptr) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  if (!o.cacert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.cacert.c_str());
  if (!o.certificate.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, o.certificate.c_str());
  if (!o.key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, o.key.c_str());
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return MakeError("api.client", url, error[0] != '\0' ? error : curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  char* ct = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct != nullptr) reply.content_type = ct;
  return reply;
}

Result<std::string> ReadApiToken(const ApiCommands::Options& o) {
  if (!o.token_file.empty()) {
    auto text = ReadFileLimited(o.token_file, 4096);
    if (!text) return text.error();
    std::string token = *text;
    while (!token.empty() &&
           (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
      token.pop_back();
    }
    return token;
  }
  if (const char* env = std::getenv("EAEU_GATEWAY_TOKEN"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return MakeError("api.token", "--token-file",
                   "give --token-file or set EAEU_GATEWAY_TOKEN (see `eaeu-gateway tokens new`)");
}

std::string ProblemLine(const ApiReply& r) {
  const Json j = Json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("detail")) {
    return "HTTP " + std::to_string(r.status) + ": " + j.value("title", "") + ": " +
           j.value("detail", "");
  }
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
}

namespace {

constexpr uint64_t kMaxDocument = 128ull << 20;

void PrintViolations(std::ostream& out, const Json& verdict) {
  if (!verdict.is_object() || !verdict.contains("violations")) return;
  for (const auto& v : verdict["violations"]) {
    out << "  " << v.value("severity", "") << " " << v.value("rule", "") << " "
        << v.value("path", "");
    if (v.contains("line")) out << " (line " << v["line"].get<int>() << ")";
    out << ": " << v.value("message", "") << "\n";
  }
}

int RunSubmit(const ApiCommands::Options& o, std::ostream& out, std::ostream& err) {
  auto token = ReadApiToken(o);
  if (!token) return Fail(err, token.error());
  int worst = kExitOk;
  for (const auto& file : o.files) {
    auto bytes = ReadFileLimited(file, kMaxDocument);
    if (!bytes) {
      err << file << ": " << bytes.error().ToString() << "\n";
      worst = kExitUnusable;
      continue;
    }
    const bool json =
        file.ends_with(".json") ||
        (!file.ends_with(".xml") && bytes->find_first_not_of(" \t\r\n") != std::string::npos &&
         (*bytes)[bytes->find_first_not_of(" \t\r\n")] == '{');
    auto reply = CallApi(o, *token, "POST", "/v1/documents", &*bytes,
                         json ? "application/json" : "application/xml");
    if (!reply) {
      err << file << ": " << reply.error().ToString() << "\n";
      worst = kExitUnusable;
      continue;
    }
    const Json j = Json::parse(reply->body, nullptr, false);
    if (o.format == "json") {
      Json line;
      line["file"] = file;
      line["status"] = reply->status;
      line["answer"] = j.is_discarded() ? Json(reply->body) : j;
      out << line.dump() << "\n";
    } else if (reply->status == 202 && j.is_object()) {
      out << file << ": accepted as " << j.value("id", "") << " ("
          << (j.value("duplicate", false) ? "already accepted before" : j.value("state", ""))
          << ")\n";
    } else {
      out << file << ": " << ProblemLine(*reply) << "\n";
      if (j.is_object() && j.contains("verdict")) PrintViolations(out, j["verdict"]);
    }
    if (reply->status == 202) continue;
    const int code = reply->status == 422 || reply->status == 403 ? kExitInvalid : kExitUnusable;
    worst = std::max(worst, code);
  }
  return worst;
}

std::string Query(const ApiCommands::Options& o) {
  std::string q = "?limit=" + std::to_string(o.limit);
  if (!o.state.empty()) q += "&state=" + o.state;
  if (!o.kind.empty()) q += "&kind=" + o.kind;
  if (!o.since.empty()) q += "&since=" + o.since;
  return q;
}

// Reads the pages of a list from `path` (to the end with --all), calling `each` for every item.
int ReadPages(const ApiCommands::Options& o, std::string path,
              const std::function<void(const Json&)>& each, std::ostream& err) {
  auto token = ReadApiToken(o);
  if (!token) return Fail(err, token.error());
  for (;;) {
    auto reply = CallApi(o, *token, "GET", path, nullptr, "");
    if (!reply) return Fail(err, reply.error());
    if (reply->status != 200) {
      err << "eaeu-gateway: " << ProblemLine(*reply) << "\n";
      return reply->status == 400 || reply->status == 403 ? kExitInvalid : kExitUnusable;
    }
    const Json page = Json::parse(reply->body, nullptr, false);
    if (!page.is_object()) return Fail(err, MakeError("api.reply", path, "not JSON"));
    for (const auto& item : page["items"]) each(item);
    if (!o.all || !page["next"].is_string()) return kExitOk;
    path = page["next"].get<std::string>();
  }
}

std::string TextOr(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "-";
}

int RunList(const ApiCommands::Options& o, std::ostream& out, std::ostream& err) {
  Json all = Json::array();
  const int rc = ReadPages(
      o, "/v1/messages" + Query(o),
      [&](const Json& item) {
        if (o.format == "json") {
          all.push_back(item);
          return;
        }
        out << item.value("id", "") << "  " << item.value("state", "") << "  "
            << TextOr(item, "kind") << "  " << TextOr(item, "eDocId") << "  "
            << item.value("updatedAt", "") << "\n";
      },
      err);
  if (rc == kExitOk && o.format == "json") out << all.dump(2) << "\n";
  return rc;
}

// Where a deadline stands, in words: "3 business days left", "1 business day late".
std::string StandingText(const Json& d) {
  const bool business = d.value("daysCounted", "business") == "business";
  if (d.value("state", "") == "met") {
    const int late = d.value("daysLate", 0);
    return "met " + d.value("metOn", "") +
           (late > 0 ? ", " + deadlines::DaysText(late, business) + " late" : "");
  }
  if (d.value("late", false))
    return deadlines::DaysText(d.value("daysLate", 0), business) + " late";
  return deadlines::DaysText(d.value("daysLeft", 0), business) + " left";
}

// One deadline with its history, as the daemon answered it (GET, or a record or a hand on it).
int PrintDeadline(const ApiCommands::Options& o, const Result<ApiReply>& reply, std::ostream& out,
                  std::ostream& err) {
  if (!reply) return Fail(err, reply.error());
  if (reply->status != 200) {
    err << "eaeu-gateway: " << ProblemLine(*reply) << "\n";
    return reply->status >= 400 && reply->status < 500 && reply->status != 401 &&
                   reply->status != 403
               ? kExitInvalid
               : kExitUnusable;
  }
  const Json d = Json::parse(reply->body, nullptr, false);
  if (o.format == "json" || !d.is_object()) {
    out << (d.is_discarded() ? reply->body : d.dump(2)) << "\n";
    return kExitOk;
  }
  out << "deadline  " << d.value("id", "") << " (" << d.value("kind", "") << ", "
      << d.value("source", "") << ")\n"
      << "subject   " << d.value("subject", "") << "\n"
      << "owed by   " << d.value("country", "") << "\n"
      << "from      " << d.value("event", "") << "\n"
      << "due       " << d.value("due", "") << " (" << d.value("basis", "") << ")\n"
      << "state     " << d.value("state", "") << ": " << StandingText(d) << "\n"
      << "message   " << d.value("messageId", "") << "\n"
      << "history\n";
  for (const auto& h : d["history"]) {
    out << "  " << h.value("at", "") << "  " << h.value("state", "") << "  "
        << h.value("detail", "");
    if (h.contains("by")) out << "  [" << h.value("by", "") << "]";
    out << "\n";
  }
  return kExitOk;
}

// deadlines event KIND ... and deadlines met|waive|reopen ID: a POST, then the deadline.
int RunDeadlinePost(const ApiCommands::Options& o, const std::string& path, const Json& body,
                    std::ostream& out, std::ostream& err) {
  auto token = ReadApiToken(o);
  if (!token) return Fail(err, token.error());
  const std::string text = body.dump();
  return PrintDeadline(o, CallApi(o, *token, "POST", path, &text, "application/json"), out, err);
}

int RunDeadlines(const ApiCommands::Options& o, std::ostream& out, std::ostream& err) {
  if (!o.id.empty()) {
    auto token = ReadApiToken(o);
    if (!token) return Fail(err, token.error());
    return PrintDeadline(o, CallApi(o, *token, "GET", "/v1/deadlines/" + o.id, nullptr, ""), out,
                         err);
  }
  std::string states;
  for (const auto& [flag, state] :
       {std::pair{o.open, "open"}, std::pair{o.at_risk, "at-risk"}, std::pair{o.overdue, "overdue"},
        std::pair{o.met, "met"}, std::pair{o.waived, "waived"}}) {
    if (flag) states += (states.empty() ? "" : ",") + std::string(state);
  }
  std::string path = "/v1/deadlines?limit=" + std::to_string(o.limit);
  if (!states.empty()) path += "&state=" + states;
  if (!o.kind.empty()) path += "&kind=" + o.kind;
  Json all = Json::array();
  const int rc = ReadPages(
      o, path,
      [&](const Json& d) {
        if (o.format == "json") {
          all.push_back(d);
          return;
        }
        out << d.value("id", "") << "  " << d.value("state", "") << "  due " << d.value("due", "")
            << "  " << StandingText(d) << "  " << d.value("subject", "") << "\n";
      },
      err);
  if (rc != kExitOk) return rc;
  if (o.format == "json") out << all.dump(2) << "\n";
  return kExitOk;
}

int RunShow(const ApiCommands::Options& o, std::ostream& out, std::ostream& err) {
  auto token = ReadApiToken(o);
  if (!token) return Fail(err, token.error());
  auto reply = CallApi(o, *token, "GET", "/v1/messages/" + o.id, nullptr, "");
  if (!reply) return Fail(err, reply.error());
  if (reply->status != 200) {
    err << "eaeu-gateway: " << ProblemLine(*reply) << "\n";
    return reply->status == 404 ? kExitInvalid : kExitUnusable;
  }
  const Json j = Json::parse(reply->body, nullptr, false);
  if (o.format == "json" || !j.is_object()) {
    out << (j.is_discarded() ? reply->body : j.dump(2)) << "\n";
    return kExitOk;
  }
  out << "message   " << j.value("id", "") << "\n"
      << "state     " << j.value("state", "") << "\n"
      << "kind      " << (j["kind"].is_string() ? j["kind"].get<std::string>() : "-") << "\n"
      << "EDocId    " << (j["eDocId"].is_string() ? j["eDocId"].get<std::string>() : "-") << "\n"
      << "sender    " << j["sender"].value("country", "") << " "
      << j["sender"].value("participant", "") << "\n";
  if (j["diagnostics"].contains("action")) {
    out << "action    " << j["diagnostics"].value("action", "") << "\n"
        << "to        " << j["diagnostics"].value("to", "") << "\n";
  }
  out << "history\n";
  for (const auto& h : j["history"]) {
    out << "  " << h.value("at", "") << "  " << h.value("state", "") << "  "
        << h.value("detail", "") << "\n";
  }
  if (j["verdict"].is_object() && !j["verdict"]["violations"].empty()) {
    out << "violations\n";
    PrintViolations(out, j["verdict"]);
  }
  if (j.contains("deliveries") && !j["deliveries"].empty()) {
    out << "deliveries\n";
    for (const auto& d : j["deliveries"]) {
      out << "  " << d.value("to", "") << "  " << d.value("state", "") << "  sends "
          << d.value("sends", 0);
      if (d.contains("due")) out << "  due " << d.value("due", "");
      if (d.contains("error")) out << "  " << d.value("error", "");
      out << "\n";
    }
  }
  return kExitOk;
}

int RunRetry(const ApiCommands::Options& o, std::ostream& out, std::ostream& err) {
  auto token = ReadApiToken(o);
  if (!token) return Fail(err, token.error());
  const std::string empty;
  auto reply =
      CallApi(o, *token, "POST", "/v1/messages/" + o.id + "/retry", &empty, "application/json");
  if (!reply) return Fail(err, reply.error());
  if (reply->status != 202) {
    err << "eaeu-gateway: " << ProblemLine(*reply) << "\n";
    return reply->status == 404 || reply->status == 409 ? kExitInvalid : kExitUnusable;
  }
  out << o.id << " requeued\n";
  return kExitOk;
}

int RunTokensNew(const ApiCommands::Options& o, std::ostream& out, std::ostream& err) {
  if (o.role.empty() && o.country.empty()) {
    err << "eaeu-gateway tokens new: give --country (a national caller) or --role (operator, "
           "auditor)\n";
    return kExitUnusable;
  }
  if (!o.role.empty() && !o.country.empty()) {
    err << "eaeu-gateway tokens new: --country binds a national caller, --role one of the "
           "gateway's people: give one of them\n";
    return kExitUnusable;
  }
  const api::NewToken t =
      api::MakeToken({o.name, o.country, o.role.empty() ? o.participant : std::string(),
                      api::RoleFromName(o.role).value_or(api::Role::kNational)});
  if (!o.append.empty()) {
    std::string existing;
    std::error_code ec;
    if (std::filesystem::exists(o.append, ec)) {
      auto text = ReadFileLimited(o.append, 16ull << 20);
      if (!text) return Fail(err, text.error());
      existing = *text;
      if (!existing.empty() && existing.back() != '\n') existing += '\n';
    }
    if (auto st = WriteFileAtomically(o.append, existing + t.line + "\n", FileMode::kPrivate);
        !st) {
      return Fail(err, st.error());
    }
    err << "added the caller to " << o.append << " (the daemon reads it at start and on SIGHUP)\n";
  } else {
    err << "add this line to the tokens file (api.tokens):\n" << t.line << "\n";
  }
  out << t.token << "\n";
  return kExitOk;
}

}  // namespace

void AddConnectionOptions(CLI::App& cmd, ApiCommands::Options& o, bool with_format) {
  cmd.add_option("--url", o.url, "The daemon's API")->capture_default_str();
  cmd.add_option("--token-file", o.token_file,
                 "A file holding the API token (else the EAEU_GATEWAY_TOKEN variable)");
  cmd.add_option("--cacert", o.cacert, "CA bundle that issued the daemon's TLS certificate");
  cmd.add_option("--cert", o.certificate, "Client certificate (PEM), for a daemon that asks");
  cmd.add_option("--key", o.key, "The client certificate's key (PEM)");
  if (!with_format) return;
  cmd.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

ApiCommands AddApiCommands(CLI::App& app, ApiCommands::Options& o) {
  ApiCommands c;
  c.options = &o;
  c.tokens = app.add_subcommand("tokens", "API tokens for the daemon's callers");
  c.tokens->require_subcommand(1);
  c.tokens_new = c.tokens->add_subcommand(
      "new",
      "Make a token for a caller bound to a member state and participant, or for an operator "
      "or an auditor (--role); prints the token, and the line for the tokens file (or appends "
      "it with --append)");
  c.tokens_new->add_option("--country", o.country, "The caller's member state")
      ->check(CLI::IsMember({"AM", "BY", "KZ", "KG", "RU"}));
  c.tokens_new->add_option("--role", o.role, "operator (sees every state, acts) or auditor (reads)")
      ->check(CLI::IsMember({"operator", "auditor"}));
  c.tokens_new->add_option("--participant", o.participant, "Its participant code")
      ->default_val("P.MM.00.ACT.001");
  c.tokens_new->add_option("--name", o.name, "A name for logs")->required();
  c.tokens_new->add_option("--append", o.append, "Append the line to this tokens file");

  c.submit = app.add_subcommand(
      "submit",
      "Submit documents to a running eaeu-gatewayd. Exit 0 when all were accepted, 1 "
      "when one was rejected, 2 when one could not be sent");
  c.submit->add_option("FILE", o.files, "XML or JSON documents")
      ->required()
      ->check(CLI::ExistingFile);
  AddConnectionOptions(*c.submit, o);

  c.messages = app.add_subcommand("messages", "Messages in the daemon's journal");
  c.messages->require_subcommand(1);
  c.messages_list = c.messages->add_subcommand("list", "List messages, oldest first");
  c.messages_list->add_option("--state", o.state, "Only in this state");
  c.messages_list->add_option("--kind", o.kind, "Only of this document kind");
  c.messages_list->add_option("--since", o.since, "Changed at or after (2026-11-24T10:00:00Z)");
  c.messages_list->add_option("--limit", o.limit, "Messages a page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c.messages_list->add_flag("--all", o.all, "Follow the pages to the end");
  AddConnectionOptions(*c.messages_list, o);
  c.messages_show = c.messages->add_subcommand("show", "One message: state history, violations");
  c.messages_show->add_option("ID", o.id, "The message id")->required();
  AddConnectionOptions(*c.messages_show, o);
  c.messages_retry =
      c.messages->add_subcommand("retry", "Requeue a dead message: its deliveries start again");
  c.messages_retry->add_option("ID", o.id, "The message id")->required();
  AddConnectionOptions(*c.messages_retry, o);

  c.deadlines = app.add_subcommand(
      "deadlines",
      "The legal deadlines your state owes (rules.md DL-01 … DL-06), with the business days left "
      "or late counted today; all states when no state flag is given");
  c.deadlines->add_flag("--open", o.open, "Open ones");
  c.deadlines->add_flag("--at-risk", o.at_risk, "Those at risk (few business days left)");
  c.deadlines->add_flag("--overdue", o.overdue, "Those past their due day");
  c.deadlines->add_flag("--met", o.met, "Those met");
  c.deadlines->add_flag("--waived", o.waived, "Those an operator waived");
  c.deadlines->add_option("--kind", o.kind, "Only of this rule")
      ->check(CLI::IsMember({"DL-01", "DL-02", "DL-03", "DL-04", "DL-05", "DL-06"}));
  c.deadlines->add_option("--id", o.id, "One deadline, with its history");
  c.deadlines->add_option("--limit", o.limit, "Deadlines a page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c.deadlines->add_flag("--all", o.all, "Follow the pages to the end");
  AddConnectionOptions(*c.deadlines, o);
  c.deadlines->require_subcommand(0, 1);

  c.deadlines_event = c.deadlines->add_subcommand(
      "event",
      "Record an event that starts or meets a deadline no document carries: test-protocol "
      "starts DL-04 (R106 §38) and test-results meets it; claim-received starts DL-06 (R106 §23) "
      "and claim-answered meets it");
  c.deadlines_event->add_option("KIND", o.event_kind, "The kind of event")
      ->required()
      ->check(CLI::IsMember({"test-protocol", "test-results", "claim-received", "claim-answered"}));
  c.deadlines_event->add_option("--report", o.report, "The report's number (its DocId)")
      ->required();
  c.deadlines_event->add_option("--reference", o.reference, "The protocol's or claim's number")
      ->required();
  c.deadlines_event->add_option("--date", o.date, "The day of the event (YYYY-MM-DD)")->required();
  c.deadlines_event->add_option(
      "--report-received", o.report_received,
      "claim-received: the day the inspecting organization received the report's copy, to check "
      "the claim against the manufacturer's 30 business days");
  AddConnectionOptions(*c.deadlines_event, o);

  const auto hand = [&](const char* name, const char* what) {
    CLI::App* cmd = c.deadlines->add_subcommand(name, what);
    cmd->add_option("ID", o.id, "The deadline's id")->required();
    cmd->add_option("--reason", o.reason, "Why: kept in the deadline's history")->required();
    AddConnectionOptions(*cmd, o);
    return cmd;
  };
  c.deadlines_met = hand("met", "Mark a deadline met on a day, by hand (or correct the day)");
  c.deadlines_met->add_option("--on", o.date, "The day it was met (YYYY-MM-DD)")->required();
  c.deadlines_waive = hand("waive", "Waive a deadline: it no longer counts");
  c.deadlines_reopen = hand("reopen", "Reopen a deadline met or waived by hand");
  return c;
}

int RunApiCommand(const ApiCommands& c, std::ostream& out, std::ostream& err) {
  if (c.tokens_new->parsed()) return RunTokensNew(*c.options, out, err);
  if (c.submit->parsed()) return RunSubmit(*c.options, out, err);
  if (c.messages_list->parsed()) return RunList(*c.options, out, err);
  if (c.messages_show->parsed()) return RunShow(*c.options, out, err);
  if (c.messages_retry->parsed()) return RunRetry(*c.options, out, err);
  const ApiCommands::Options& o = *c.options;
  if (c.deadlines_event->parsed()) {
    Json body = {
        {"kind", o.event_kind}, {"report", o.report}, {"reference", o.reference}, {"date", o.date}};
    if (!o.report_received.empty()) body["reportReceived"] = o.report_received;
    return RunDeadlinePost(o, "/v1/deadlines/events", body, out, err);
  }
  for (const auto& [cmd, action] :
       {std::pair{c.deadlines_met, "met"}, std::pair{c.deadlines_waive, "waive"},
        std::pair{c.deadlines_reopen, "reopen"}}) {
    if (!cmd->parsed()) continue;
    Json body = {{"reason", o.reason}};
    if (cmd == c.deadlines_met) body["on"] = o.date;
    return RunDeadlinePost(o, "/v1/deadlines/" + PercentEncode(o.id) + "/" + action, body, out,
                           err);
  }
  if (c.deadlines->parsed()) return RunDeadlines(o, out, err);
  return -1;
}

}  // namespace eaeu::app
