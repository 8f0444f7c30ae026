#pragma once
// `eaeu-gateway sandbox --config FILE`: the integrated system on loopback (sandbox/sandbox.hpp)
// until SIGINT or SIGTERM.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace eaeu::app {

struct SandboxCommand {
  CLI::App* command = nullptr;
  struct Options {
    std::string config;
    std::string listen;  // overrides sandbox.listen
  };
  Options* options = nullptr;
};

SandboxCommand AddSandboxCommand(CLI::App& app, SandboxCommand::Options& options);
int RunSandbox(const SandboxCommand& sandbox, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
