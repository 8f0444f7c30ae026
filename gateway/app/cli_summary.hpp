#pragma once
// The summary of inspection reports for a period (Table 4):
//   eaeu-gateway summary --from DATE --to DATE [--country CC] [--manufacturer NAME]
//                        [--out FILE] [--format xml|json|csv] [--no-wait] [--local]
//                        [--url …] [--token-file …]
// By default it asks the integrated system (TRN.005) through the daemon and waits for the
// Commission's answer; --no-wait prints the request's message id to look up later; --local has
// the daemon build it from the reports it sent and received, asking nobody.

#include <iosfwd>
#include <string>

#include "gateway/app/cli_api.hpp"
#include "gateway/app/cli_common.hpp"

namespace CLI {
class App;
}

namespace eaeu::app {

struct SummaryCommand {
  CLI::App* command = nullptr;
  struct Options {
    std::string from, to, country, manufacturer, out;
    std::string output = "xml";
    bool local = false, no_wait = false;
    unsigned wait_seconds = 3600;
  };
  Options* options = nullptr;
  ApiCommands::Options* api = nullptr;
  CommonOptions* common = nullptr;
};

SummaryCommand AddSummaryCommand(CLI::App& app, SummaryCommand::Options& options,
                                 ApiCommands::Options& api, CommonOptions& common);
int RunSummary(const SummaryCommand& command, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
