#pragma once
// What the commands of eaeu-gateway share: the validator's options and the way verdicts and
// errors are printed.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/validate/validator.hpp"

namespace CLI {
class App;
}

namespace eaeu::app {

struct CommonOptions {
  std::string catalog;
  std::vector<std::string> code_lists;
  std::string calendars;
  std::string today;
  std::string sender;
  uint64_t max_bytes = xml::ParserLimits{}.max_document_bytes;
  uint32_t max_depth = xml::ParserLimits{}.max_depth;
  uint64_t max_file_bytes = validate::ValidatorSettings{}.max_report_file_bytes;
};

// --catalog, --codelists, --today, --sender and the limits.
void AddCommonOptions(CLI::App& cmd, CommonOptions& o);
Result<std::unique_ptr<validate::Validator>> MakeValidator(const CommonOptions& o);
Result<validate::RuleContext> MakeContext(const CommonOptions& o);
// Both, as every command that reads documents needs them.
struct ValidationSetup {
  std::unique_ptr<validate::Validator> validator;
  validate::RuleContext context;
};
Result<ValidationSetup> MakeValidation(const CommonOptions& o);

void PrintVerdictText(std::ostream& out, const std::string& file, const validate::Verdict& v);
// kExitOk, kExitInvalid or kExitUnusable.
int ExitFor(const validate::Verdict& v);
// The verdict for a file that could not be read.
validate::Verdict UnreadableFile(const Error& e);
// Loads the OpenSSL configuration given with --openssl-config, by default the shipped
// <data>/config/openssl-gost.cnf that loads the gost engine.
Status InitialiseCryptoFrom(const std::string& openssl_config);
// The --openssl-config option.
void AddOpenSslConfigOption(CLI::App& cmd, std::string& openssl_config);

// Prints "eaeu-gateway: <error>" and returns kExitUnusable.
int Fail(std::ostream& err, const Error& e);

}  // namespace eaeu::app
