#pragma once
// The register commands of eaeu-gateway:
//   eaeu-gateway registry sync --source FILE|FOLDER|URL [--dry-run] [--allow-withdrawals]
//                              [--strict]         the whole national register to the daemon
//   eaeu-gateway registry list [--country CC] [--group G] [--active | --withdrawn] [--received]
//                              [--limit N] [--all]  the register as sent (or received)
//   eaeu-gateway registry diff A B | A --sent    field by field, what differs between two
//                                                registers (or a register and the one sent)
// sync and list talk to a running eaeu-gatewayd (the --url/--token-file of the other API
// commands); diff of two files needs no daemon.

#include <iosfwd>
#include <string>

#include "gateway/app/cli_api.hpp"
#include "gateway/app/cli_common.hpp"

namespace CLI {
class App;
}

namespace eaeu::app {

struct RegistryCommands {
  CLI::App* registry = nullptr;
  CLI::App* sync = nullptr;
  CLI::App* list = nullptr;
  CLI::App* diff = nullptr;
  struct Options {
    std::string source;
    bool dry_run = false, allow_withdrawals = false, strict = false;
    std::string country, group;
    bool active = false, withdrawn = false, received = false;
    std::string a, b;
    bool sent = false;
  };
  Options* options = nullptr;
  ApiCommands::Options* api = nullptr;
  CommonOptions* common = nullptr;
};

RegistryCommands AddRegistryCommands(CLI::App& app, RegistryCommands::Options& options,
                                     ApiCommands::Options& api, CommonOptions& common);
// Runs whichever was parsed; -1 when none was.
int RunRegistryCommand(const RegistryCommands& commands, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
