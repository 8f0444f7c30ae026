#include "gateway/app/cli_registry.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "gateway/app/cli.hpp"
#include "gateway/core/files.hpp"
#include "gateway/registry/record.hpp"
#include "gateway/registry/source.hpp"

namespace eaeu::app {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
constexpr uint64_t kMaxRegister = registry::kMaxRegisterBytes;

std::string Short(const Json& value) {
  if (value.is_null()) return "(none)";
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

void PrintFields(std::ostream& out, const Json& fields) {
  for (const auto& f : fields) {
    out << "      " << f.value("path", "") << ": " << Short(f["before"]) << " -> "
        << Short(f["after"]) << "\n";
  }
}

void PrintInvalid(std::ostream& out, const Json& invalid) {
  for (const auto& bad : invalid) {
    out << "invalid    " << Short(bad["name"].is_null() ? bad["key"] : bad["name"]) << " ("
        << bad.value("where", "") << ")\n";
    for (const auto& v : bad["violations"]) {
      out << "      " << v.value("rule", "") << " " << v.value("path", "") << ": "
          << v.value("message", "") << "\n";
    }
  }
}

void PrintReport(std::ostream& out, const Json& r) {
  for (const auto& m : r["messages"]) {
    std::string change = m.value("change", "");
    change.resize(std::max<size_t>(change.size(), 10), ' ');
    out << change << " " << m.value("name", "");
    if (m["id"].is_string()) out << "  message " << m["id"].get<std::string>();
    out << "\n";
    if (m.contains("fields")) PrintFields(out, m["fields"]);
  }
  PrintInvalid(out, r["invalid"]);
  out << r["added"] << " added, " << r["changed"] << " changed, " << r["withdrawn"]
      << " withdrawn, " << r["unchanged"] << " unchanged, " << r["invalid"].size() << " invalid — "
      << r.value("outcome", "");
  if (r["syncId"].is_string()) out << " (sync " << r["syncId"].get<std::string>() << ")";
  out << "\n";
}

int RunSync(const RegistryCommands::Options& ro, const ApiCommands::Options& o, std::ostream& out,
            std::ostream& err) {
  auto token = ReadApiToken(o);
  if (!token) return Fail(err, token.error());
  auto source = registry::LoadSource(ro.source, o.cacert);
  if (!source) return Fail(err, source.error());
  std::string query;
  const auto add = [&query](const char* param) {
    query += (query.empty() ? "?" : "&") + std::string(param) + "=true";
  };
  if (ro.dry_run) add("dryRun");
  if (ro.allow_withdrawals) add("allowWithdrawals");
  if (ro.strict) add("strict");
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  if (terminal) {
    err << "syncing " << source->bytes.size() / 1024 << " KiB of register from " << ro.source
        << " ...\r" << std::flush;
  }
  auto reply = CallApi(o, *token, "POST", "/v1/registry/sync" + query, &source->bytes,
                       registry::ContentTypeOf(source->format));
  if (terminal) err << std::string(72, ' ') << "\r" << std::flush;
  if (!reply) return Fail(err, reply.error());
  const Json j = Json::parse(reply->body, nullptr, false);
  const bool refused = reply->status == 409 || reply->status == 422;
  if (reply->status != 200 && !refused) {
    err << "eaeu-gateway: " << ProblemLine(*reply) << "\n";
    return reply->status == 400 || reply->status == 403 ? kExitInvalid : kExitUnusable;
  }
  const Json& report = refused ? j["report"] : j;
  if (o.format == "json") {
    out << report.dump(2) << "\n";
  } else {
    PrintReport(out, report);
    if (refused) out << "refused: " << j.value("detail", "") << "\n";
  }
  return refused || !report["invalid"].empty() ? kExitInvalid : kExitOk;
}

// Every record of the register as the daemon has it, following the pages.
Result<Json> ReadRegisterFromDaemon(const RegistryCommands::Options& ro,
                                    const ApiCommands::Options& o, unsigned limit, bool all) {
  auto token = ReadApiToken(o);
  if (!token) return token.error();
  std::string path = "/v1/registry/organizations?limit=" + std::to_string(limit);
  if (!ro.country.empty()) path += "&country=" + ro.country;
  if (!ro.group.empty()) path += "&group=" + ro.group;
  if (ro.active) path += "&active=true";
  if (ro.withdrawn) path += "&active=false";
  if (ro.received) path += "&view=received";
  Json items = Json::array();
  for (;;) {
    auto reply = CallApi(o, *token, "GET", path, nullptr, "");
    if (!reply) return reply.error();
    if (reply->status != 200) return MakeError("api.reply", path, ProblemLine(*reply));
    Json page = Json::parse(reply->body, nullptr, false);
    if (!page.is_object()) return MakeError("api.reply", path, "not JSON");
    for (auto& item : page["items"]) items.push_back(std::move(item));
    if (!all || !page["next"].is_string()) return items;
    path = page["next"].get<std::string>();
  }
}

int RunList(const RegistryCommands::Options& ro, const ApiCommands::Options& o, std::ostream& out,
            std::ostream& err) {
  auto items = ReadRegisterFromDaemon(ro, o, o.limit, o.all);
  if (!items) return Fail(err, items.error());
  if (o.format == "json") {
    out << items->dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& item : *items) {
    out << (item.value("active", false) ? "active    " : "withdrawn ") << item.value("name", "")
        << "\n          " << item.value("change", "") << " on " << item.value("changeDay", "")
        << ", version " << item["version"] << ", message " << item.value("messageId", "") << " "
        << item.value("state", "") << "\n";
  }
  out << items->size() << " organizations\n";
  return kExitOk;
}

// A register as normal records by key, from a file.
Result<std::map<std::string, registry::NormalRecord>> NormalFromFile(
    const std::string& file, const validate::Validator& validator, std::ostream& err) {
  auto bytes = ReadFileLimited(file, kMaxRegister);
  if (!bytes) return bytes.error();
  auto input = registry::ReadRegister(*bytes, registry::SourceFormat::kAuto, validator);
  if (!input)
    return Error{input.error().code, file + ": " + input.error().where, input.error().message};
  for (const auto& p : input->problems) err << file << ": " << p.error.ToString() << "\n";
  std::map<std::string, registry::NormalRecord> out;
  for (const auto& record : input->records) {
    if (record.entry) out.emplace(record.key, registry::Normalise(*record.entry));
  }
  return out;
}

int RunDiff(const RegistryCommands& c, std::ostream& out, std::ostream& err) {
  const auto& ro = *c.options;
  if (ro.b.empty() == !ro.sent) {
    return Fail(err, MakeError("cli.argument", "diff", "give two registers, or one and --sent"));
  }
  auto validator = MakeValidator(*c.common);
  if (!validator) return Fail(err, validator.error());
  auto a = NormalFromFile(ro.a, **validator, err);
  if (!a) return Fail(err, a.error());
  std::map<std::string, registry::NormalRecord> b;
  if (ro.sent) {
    RegistryCommands::Options active = ro;
    active.active = true;
    auto items = ReadRegisterFromDaemon(active, *c.api, 1000, true);
    if (!items) return Fail(err, items.error());
    for (const auto& item : *items) {
      registry::NormalRecord r;
      r.key = item.value("key", "");
      r.name = item.value("name", "");
      r.json = item["record"].dump();
      b.emplace(r.key, std::move(r));
    }
  } else {
    auto read = NormalFromFile(ro.b, **validator, err);
    if (!read) return Fail(err, read.error());
    b = std::move(*read);
  }
  // What it takes to go from the first to the second (with --sent: from the register as sent
  // to the file).
  const auto& from = ro.sent ? b : *a;
  const auto& to = ro.sent ? *a : b;
  size_t differ = 0;
  for (const auto& [key, record] : to) {
    auto it = from.find(key);
    if (it == from.end()) {
      out << "added     " << record.name << "\n";
      ++differ;
      continue;
    }
    auto fields = registry::Differences(it->second.json, record.json);
    if (fields.empty()) continue;
    ++differ;
    out << "changed   " << record.name << "\n";
    for (const auto& f : fields) {
      out << "      " << f.path << ": " << (f.before.empty() ? "(none)" : f.before) << " -> "
          << (f.after.empty() ? "(none)" : f.after) << "\n";
    }
  }
  for (const auto& [key, record] : from) {
    if (!to.contains(key)) {
      out << "withdrawn " << record.name << "\n";
      ++differ;
    }
  }
  out << differ << " of " << std::max(from.size(), to.size()) << " organizations differ\n";
  return differ == 0 ? kExitOk : kExitInvalid;
}

}  // namespace

RegistryCommands AddRegistryCommands(CLI::App& app, RegistryCommands::Options& ro,
                                     ApiCommands::Options& api, CommonOptions& common) {
  RegistryCommands c;
  c.options = &ro;
  c.api = &api;
  c.common = &common;
  c.registry = app.add_subcommand("registry", "The register of inspecting organizations");
  c.registry->require_subcommand(1);
  c.sync = c.registry->add_subcommand(
      "sync",
      "Give the daemon the whole national register: it sends only what changed since the "
      "register it sent. Exit 0 when everything was taken, 1 when an organization was invalid "
      "or the sync was refused, 2 when it could not run");
  c.sync
      ->add_option("--source", ro.source,
                   "The register: a CSV or JSON file, a folder of Table 3 XML documents, or an "
                   "http(s) URL")
      ->required();
  c.sync->add_flag("--dry-run", ro.dry_run, "Show what would be sent, send nothing");
  c.sync->add_flag("--allow-withdrawals", ro.allow_withdrawals,
                   "Confirm a sync that withdraws more of the register than the daemon allows");
  c.sync->add_flag("--strict", ro.strict, "Send nothing when one organization is invalid");
  AddConnectionOptions(*c.sync, api);

  c.list =
      c.registry->add_subcommand("list", "The register as the daemon sent it (or received it)");
  c.list->add_option("--country", ro.country, "Of this authorising state");
  c.list->add_option("--group", ro.group, "Listing this group code (1.7)");
  c.list->add_flag("--active", ro.active, "Only organizations in the register");
  c.list->add_flag("--withdrawn", ro.withdrawn, "Only withdrawn organizations");
  c.list->add_flag("--received", ro.received, "The registers received from the other states");
  c.list->add_option("--limit", api.limit, "Organizations a page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c.list->add_flag("--all", api.all, "Follow the pages to the end");
  AddConnectionOptions(*c.list, api);

  c.diff = c.registry->add_subcommand(
      "diff",
      "What differs between two registers, organization by organization and field by field "
      "(exit 0: nothing, 1: something)");
  c.diff->add_option("A", ro.a, "A register (CSV, JSON or Table 3 XML)")
      ->required()
      ->check(CLI::ExistingFile);
  c.diff->add_option("B", ro.b, "The other register")->check(CLI::ExistingFile);
  c.diff->add_flag("--sent", ro.sent, "Compare A with the register the daemon sent");
  AddCommonOptions(*c.diff, common);
  AddConnectionOptions(*c.diff, api);
  return c;
}

int RunRegistryCommand(const RegistryCommands& c, std::ostream& out, std::ostream& err) {
  if (c.sync->parsed()) return RunSync(*c.options, *c.api, out, err);
  if (c.list->parsed()) return RunList(*c.options, *c.api, out, err);
  if (c.diff->parsed()) return RunDiff(c, out, err);
  return -1;
}

}  // namespace eaeu::app
