#pragma once
// `eaeu-gateway sign` and `eaeu-gateway verify`: enveloped XML-DSig signatures (exchange.md §5).

#include <iosfwd>
#include <string>
#include <vector>

#include "gateway/app/cli_common.hpp"

namespace CLI {
class App;
}

namespace eaeu::app {

struct SignCommand {
  CLI::App* command = nullptr;
  struct Options {
    CommonOptions common;
    std::string file;
    std::string key;
    std::string certificate;
    std::string pkcs12;
    std::string password_file;
    std::string password_env;
    std::string out;
    std::string openssl_config;
  };
  Options* options = nullptr;  // owned by the caller of AddSignCommand
};

struct VerifyCommand {
  CLI::App* command = nullptr;
  struct Options {
    CommonOptions common;
    std::vector<std::string> files;
    std::string trust;
    std::string at;
    std::string format = "text";
    std::string openssl_config;
  };
  Options* options = nullptr;  // owned by the caller of AddVerifyCommand
};

SignCommand AddSignCommand(CLI::App& app, SignCommand::Options& options);
int RunSign(const SignCommand& sign, std::ostream& out, std::ostream& err);

VerifyCommand AddVerifyCommand(CLI::App& app, VerifyCommand::Options& options);
int RunVerify(const VerifyCommand& verify, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
