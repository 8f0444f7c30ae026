#include "gateway/app/cli_keys.hpp"

#include <CLI/CLI.hpp>

#include <ctime>
#include <ostream>

#include "gateway/app/cli.hpp"
#include "gateway/app/cli_common.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"

namespace eaeu::app {

KeysCommand AddKeysCommand(CLI::App& app, KeysCommand::Options& options) {
  KeysCommand keys;
  keys.options = &options;
  keys.command = app.add_subcommand("keys", "Keys and certificates");
  keys.command->require_subcommand(1);
  keys.generate = keys.command->add_subcommand(
      "generate",
      "Make a development CA and a signing certificate it issues, for the sandbox and the tests. "
      "NOT FOR PRODUCTION: the private keys are written unencrypted");
  std::vector<std::string> names;
  for (const auto& a : sign::Algorithms()) names.emplace_back(a.name);
  keys.generate->add_option("--alg", options.algorithm, "Signature algorithm")
      ->required()
      ->check(CLI::IsMember(names));
  keys.generate->add_option("--out", options.out_dir, "Folder to write the keys into")->required();
  AddOpenSslConfigOption(*keys.generate, options.openssl_config);
  keys.generate->add_option("--country", options.country, "Country of the subjects")
      ->capture_default_str();
  keys.generate->add_option("--organization", options.organization, "Organization of the subjects")
      ->capture_default_str();
  return keys;
}

int RunKeys(const KeysCommand& keys, std::ostream& out, std::ostream& err) {
  const auto& o = *keys.options;
  if (auto init = InitialiseCryptoFrom(o.openssl_config); !init) return Fail(err, init.error());
  sign::DevelopmentKeyOptions options;
  options.algorithm = *sign::AlgorithmFromName(o.algorithm);
  options.country = o.country;
  options.organization = o.organization;
  options.now = std::time(nullptr);
  auto made = sign::GenerateDevelopmentKeys(options, o.out_dir);
  if (!made) return Fail(err, made.error());
  out << "Development keys (" << sign::Info(options.algorithm).description
      << "), not for production:\n"
      << "  CA certificate (trust store folder): " << made->ca_certificate.string() << "\n"
      << "  CA key:                              " << made->ca_key.string() << "\n"
      << "  signing certificate:                 " << made->signer_certificate.string() << "\n"
      << "  signing key:                         " << made->signer_key.string() << "\n";
  return kExitOk;
}

}  // namespace eaeu::app
