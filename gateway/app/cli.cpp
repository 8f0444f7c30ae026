#include "gateway/app/cli.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "codecs/csv_register.hpp"
#include "codecs/json_codec.hpp"
#include "codecs/xml_writer.hpp"
#include "gateway/app/cli_api.hpp"
#include "gateway/app/cli_audit.hpp"
#include "gateway/app/cli_common.hpp"
#include "gateway/app/cli_journal.hpp"
#include "gateway/app/cli_keys.hpp"
#include "gateway/app/cli_registry.hpp"
#include "gateway/app/cli_sandbox.hpp"
#include "gateway/app/cli_sign.hpp"
#include "gateway/app/cli_summary.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/files.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/validate/rules.hpp"
#include "gateway/validate/validator.hpp"
#include "gateway/validate/verdict_json.hpp"

namespace eaeu::app {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

}  // namespace

fs::path DataDir() {
  if (const char* home = std::getenv("EAEU_GATEWAY_HOME"); home != nullptr && *home != '\0') {
    return home;
  }
  return EAEU_DATA_DIR;
}

namespace {

Json VerdictJson(const std::string& file, const validate::Verdict& v) {
  Json j;
  j["file"] = file;
  j.update(validate::VerdictToJson(v));
  return j;
}

// ===== validate =====

int RunValidate(const CommonOptions& o, const std::vector<std::string>& files,
                const std::string& format, std::ostream& out, std::ostream& err) {
  auto setup = MakeValidation(o);
  if (!setup) return Fail(err, setup.error());
  int worst = kExitOk;
  Json all = Json::array();
  for (const auto& file : files) {
    validate::Verdict verdict;
    auto bytes = ReadFileLimited(file, o.max_bytes);
    if (!bytes) {
      verdict = UnreadableFile(bytes.error());
    } else {
      // Shared, so that a large report file is checked where it stands in the input.
      verdict = setup->validator
                    ->Validate(std::make_shared<const std::string>(std::move(*bytes)),
                               validate::InputFormat::kAuto, setup->context)
                    .verdict;
    }
    worst = std::max(worst, ExitFor(verdict));
    if (format == "json") {
      all.push_back(VerdictJson(file, verdict));
    } else {
      PrintVerdictText(out, file, verdict);
    }
  }
  if (format == "json") out << all.dump(2) << "\n";
  return worst;
}

// ===== convert =====

std::string DocumentText(const model::Document& d, const std::string& to,
                         const model::DocumentCatalog& catalog) {
  return to == "xml" ? codec::WriteXml(d, catalog) : codec::WriteJson(d);
}

int RunConvert(const CommonOptions& o, const std::string& file, const std::string& to,
               std::string from, const std::string& out_file, const std::string& out_dir,
               std::ostream& out, std::ostream& err) {
  auto setup = MakeValidation(o);
  if (!setup) return Fail(err, setup.error());
  auto bytes = ReadFileLimited(file, o.max_bytes);
  if (!bytes) return Fail(err, bytes.error());
  if (from.empty()) from = fs::path(file).extension() == ".csv" ? "csv" : "auto";

  std::vector<validate::Validation> results;
  if (from == "csv") {
    codec::CsvImportOptions options;
    const RandomSource random = SystemRandom();
    options.new_document_id = [&] { return NewUuid(random); };
    options.now = UtcDateTime(SystemClock().Now());
    auto entries = codec::ReadRegisterCsv(*bytes, setup->validator->catalog(), options);
    if (!entries) return Fail(err, entries.error());
    for (auto& entry : *entries) {
      results.push_back(setup->validator->ValidateModel(std::move(entry), setup->context));
    }
  } else {
    const auto format = from == "xml"    ? validate::InputFormat::kXml
                        : from == "json" ? validate::InputFormat::kJson
                                         : validate::InputFormat::kAuto;
    results.push_back(setup->validator->Validate(
        std::make_shared<const std::string>(std::move(*bytes)), format, setup->context));
  }

  int worst = kExitOk;
  for (const auto& r : results) {
    if (!r.verdict.valid()) {
      PrintVerdictText(err, file, r.verdict);
      worst = std::max(worst, ExitFor(r.verdict));
    }
  }
  if (worst != kExitOk) return worst;

  const auto& catalog = setup->validator->catalog();
  if (!out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    for (const auto& r : results) {
      const fs::path target =
          fs::path(out_dir) / (model::HeaderOf(*r.document).e_doc_id + "." + to);
      if (auto st = WriteFileAtomically(target, DocumentText(*r.document, to, catalog)); !st) {
        return Fail(err, st.error());
      }
      out << target.string() << "\n";
    }
    return kExitOk;
  }
  std::string text;
  if (results.size() == 1) {
    text = DocumentText(*results.front().document, to, catalog);
  } else if (to == "json") {
    Json array = Json::array();
    for (const auto& r : results) array.push_back(Json::parse(codec::WriteJson(*r.document, -1)));
    text = array.dump(2) + "\n";
  } else {
    return Fail(err, MakeError("cli.argument", "--out-dir",
                               std::to_string(results.size()) +
                                   " documents were converted: give --out-dir to write them"));
  }
  if (!out_file.empty()) {
    if (auto st = WriteFileAtomically(out_file, text); !st) return Fail(err, st.error());
  } else {
    out << text;
  }
  return kExitOk;
}

// ===== rules =====

int RunRules(const std::string& format, std::ostream& out) {
  Json all = Json::array();
  for (const auto& r : validate::AllRules()) {
    if (format == "json") {
      Json j;
      j["id"] = r.id;
      j["severity"] = validate::SeverityName(r.severity);
      j["document"] = r.kind ? std::string(model::KindName(*r.kind)) : "all";
      j["source"] = r.source;
      j["message"] = r.message_en;
      j["messageRu"] = r.message_ru;
      all.push_back(std::move(j));
    } else {
      out << r.id << "  " << validate::SeverityName(r.severity) << "  "
          << (r.kind ? model::KindName(*r.kind) : "all") << "  [" << r.source << "]\n    "
          << r.message_en << "\n    " << r.message_ru << "\n";
    }
  }
  if (format == "json") out << all.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "eaeu-gateway: validate, convert and exchange the documents of the EAEU common "
      "process on inspections of medical device manufacturers' quality management "
      "systems"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");

  CommonOptions common;
  std::string format = "text";

  auto* validate_cmd = app.add_subcommand(
      "validate",
      "Validate documents (XML or JSON) against the schemas and the business rules. Exit 0 when "
      "all are valid (warnings allowed), 1 when one is invalid, 2 when one cannot be read");
  std::vector<std::string> files;
  validate_cmd->add_option("FILE", files, "Documents to validate")
      ->required()
      ->check(CLI::ExistingFile);
  validate_cmd->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddCommonOptions(*validate_cmd, common);

  auto* convert_cmd = app.add_subcommand(
      "convert",
      "Convert a document between its XML and JSON forms, or import the register of inspecting "
      "organizations from CSV. The result is validated before it is written");
  std::string to, from, input, out_file, out_dir;
  convert_cmd->add_option("--to", to, "Target form")
      ->required()
      ->check(CLI::IsMember({"xml", "json"}));
  convert_cmd->add_option("--from", from, "Source form (default: by content; .csv files are CSV)")
      ->check(CLI::IsMember({"xml", "json", "csv"}));
  convert_cmd->add_option("--out", out_file, "Write the result to this file (default: stdout)");
  convert_cmd->add_option("--out-dir", out_dir,
                          "Write each document to <EDocId>.<xml|json> in this folder");
  convert_cmd->add_option("FILE", input, "XML, JSON or CSV input")
      ->required()
      ->check(CLI::ExistingFile);
  AddCommonOptions(*convert_cmd, common);

  SignCommand::Options sign_options;
  const SignCommand sign = AddSignCommand(app, sign_options);
  VerifyCommand::Options verify_options;
  const VerifyCommand verify = AddVerifyCommand(app, verify_options);

  KeysCommand::Options keys_options;
  const KeysCommand keys = AddKeysCommand(app, keys_options);
  JournalCommand::Options journal_options;
  const JournalCommand journal = AddJournalCommand(app, journal_options);
  AuditCommand::Options audit_options;
  const AuditCommand audit = AddAuditCommand(app, audit_options);

  ApiCommands::Options api_options;
  const ApiCommands api = AddApiCommands(app, api_options);
  SummaryCommand::Options summary_options;
  const SummaryCommand summary = AddSummaryCommand(app, summary_options, api_options, common);
  RegistryCommands::Options registry_options;
  const RegistryCommands registry = AddRegistryCommands(app, registry_options, api_options, common);

  SandboxCommand::Options sandbox_options;
  const SandboxCommand sandbox = AddSandboxCommand(app, sandbox_options);

  auto* rules_cmd = app.add_subcommand("rules", "List the business rules the validator checks");
  rules_cmd->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return kExitUnusable;
  }

  if (validate_cmd->parsed()) return RunValidate(common, files, format, out, err);
  if (convert_cmd->parsed()) {
    return RunConvert(common, input, to, from, out_file, out_dir, out, err);
  }
  if (rules_cmd->parsed()) return RunRules(format, out);
  if (sign.command->parsed()) return RunSign(sign, out, err);
  if (verify.command->parsed()) return RunVerify(verify, out, err);
  if (keys.command->parsed()) return RunKeys(keys, out, err);
  if (journal.command->parsed()) return RunJournal(journal, out, err);
  if (audit.command->parsed()) return RunAudit(audit, out, err);
  if (sandbox.command->parsed()) return RunSandbox(sandbox, out, err);
  if (int code = RunApiCommand(api, out, err); code >= 0) return code;
  if (int code = RunRegistryCommand(registry, out, err); code >= 0) return code;
  if (summary.command->parsed()) return RunSummary(summary, out, err);
  return kExitUnusable;
}

}  // namespace eaeu::app
