#include "gateway/app/cli_common.hpp"

#include <CLI/CLI.hpp>

#include <ostream>

#include "gateway/app/cli.hpp"
#include "gateway/calendar/calendar.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/validate/rules.hpp"

namespace eaeu::app {

namespace fs = std::filesystem;

void AddCommonOptions(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("--catalog", o.catalog, "Schema catalogue (default: <data>/schemas/catalog.toml)");
  cmd.add_option("--codelists", o.code_lists,
                 "Folder of code lists, may be repeated (default: <data>/config/codelists)");
  cmd.add_option("--calendars", o.calendars,
                 "Folder of business-day calendars (default: <data>/config/calendars)");
  cmd.add_option("--today", o.today,
                 "Date the rules take as today, YYYY-MM-DD (default: UTC today)");
  cmd.add_option("--sender", o.sender,
                 "Member state of the sender (AM, BY, KZ, KG, RU), for rule SN-02");
  cmd.add_option("--max-bytes", o.max_bytes, "Largest document accepted, in bytes")
      ->capture_default_str();
  cmd.add_option("--max-depth", o.max_depth, "Deepest element nesting accepted")
      ->capture_default_str()
      ->check(CLI::Range(1u, 10000u));
  cmd.add_option("--max-file-bytes", o.max_file_bytes,
                 "Largest embedded report file accepted, in bytes (rule IR-17)")
      ->capture_default_str();
}

Result<std::unique_ptr<validate::Validator>> MakeValidator(const CommonOptions& o) {
  validate::ValidatorSettings settings;
  settings.schema_catalog =
      o.catalog.empty() ? DataDir() / "schemas/catalog.toml" : fs::path(o.catalog);
  if (o.code_lists.empty()) {
    settings.code_lists.push_back(DataDir() / "config/codelists");
  } else {
    settings.code_lists.assign(o.code_lists.begin(), o.code_lists.end());
  }
  settings.limits.max_document_bytes = o.max_bytes;
  settings.limits.max_depth = o.max_depth;
  settings.max_report_file_bytes = o.max_file_bytes;
  return validate::Validator::Create(settings);
}

Result<validate::RuleContext> MakeContext(const CommonOptions& o) {
  validate::RuleContext context;
  if (o.today.empty()) {
    context.today = UtcDate(SystemClock().Now());
  } else if (auto d = Date::Parse(o.today)) {
    context.today = *d;
  } else {
    return MakeError("cli.argument", "--today", "\"" + o.today + "\" is not " + Date::kForm);
  }
  if (!o.sender.empty()) {
    if (!validate::IsMemberState(o.sender)) {
      return MakeError("cli.argument", "--sender", "\"" + o.sender + "\" is not a member state");
    }
    context.sender_country = o.sender;
  }
  const fs::path calendars =
      o.calendars.empty() ? DataDir() / "config/calendars" : fs::path(o.calendars);
  auto loaded = calendar::Calendars::Load(calendars);
  if (!loaded) return loaded.error();
  context.calendars = std::make_shared<const calendar::Calendars>(std::move(*loaded));
  return context;
}

Result<ValidationSetup> MakeValidation(const CommonOptions& o) {
  auto validator = MakeValidator(o);
  if (!validator) return validator.error();
  auto context = MakeContext(o);
  if (!context) return context.error();
  return ValidationSetup{std::move(validator.value()), std::move(context.value())};
}

void PrintVerdictText(std::ostream& out, const std::string& file, const validate::Verdict& v) {
  out << file << ": " << validate::StatusName(v.status);
  if (v.kind) out << " " << model::KindName(*v.kind);
  if (!v.e_doc_id.empty()) out << " " << v.e_doc_id;
  out << " (" << v.ErrorCount() << " errors, " << v.WarningCount() << " warnings)\n";
  for (const auto& x : v.violations) {
    out << "  " << validate::SeverityName(x.severity) << " " << x.rule_id;
    if (!x.path.empty()) out << " at " << x.path;
    if (x.position.line > 0)
      out << " (line " << x.position.line << ", column " << x.position.column << ")";
    out << "\n    " << x.message_en << "\n    " << x.message_ru << "\n";
  }
  for (const auto& n : v.notes) out << "  note: " << n << "\n";
}

int ExitFor(const validate::Verdict& v) {
  switch (v.status) {
    case validate::Status::kValid:
      return kExitOk;
    case validate::Status::kInvalid:
      return kExitInvalid;
    case validate::Status::kUnusable:
      break;
  }
  return kExitUnusable;
}

validate::Verdict UnreadableFile(const Error& e) {
  validate::Verdict v;
  v.status = validate::Status::kUnusable;
  validate::Violation x;
  x.rule_id = "INPUT";
  x.message_en = e.message;
  x.message_ru = "Файл не может быть прочитан: " + e.message;
  v.violations.push_back(std::move(x));
  return v;
}

int Fail(std::ostream& err, const Error& e) {
  err << "eaeu-gateway: " << e.ToString() << "\n";
  return kExitUnusable;
}

Status InitialiseCryptoFrom(const std::string& openssl_config) {
  return sign::InitialiseCrypto(openssl_config.empty() ? DataDir() / "config/openssl-gost.cnf"
                                                       : fs::path(openssl_config));
}

void AddOpenSslConfigOption(CLI::App& cmd, std::string& openssl_config) {
  cmd.add_option("--openssl-config", openssl_config,
                 "OpenSSL configuration (default: <data>/config/openssl-gost.cnf, which loads the "
                 "gost engine)");
}

}  // namespace eaeu::app
