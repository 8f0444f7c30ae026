#pragma once
// `eaeu-gateway keys`: development keys and certificates for the sandbox and the tests.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace eaeu::app {

struct KeysCommand {
  CLI::App* command = nullptr;   // keys
  CLI::App* generate = nullptr;  // keys generate
  struct Options {
    std::string algorithm;
    std::string out_dir;
    std::string openssl_config;
    std::string country = "RU";
    std::string organization = "eaeu-gateway sandbox";
  };
  Options* options = nullptr;  // owned by the caller of AddKeysCommand
};

KeysCommand AddKeysCommand(CLI::App& app, KeysCommand::Options& options);
int RunKeys(const KeysCommand& keys, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
