// eaeu-gatewayd: reads and checks its configuration, builds the daemon, runs until SIGTERM.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "gateway/app/daemon.hpp"
#include "gateway/app/log.hpp"
#include "gateway/config/daemon_config.hpp"

#ifndef EAEU_DATA_DIR
#define EAEU_DATA_DIR "."
#endif

int main(int argc, char** argv) {
  CLI::App app{"eaeu-gatewayd: the EAEU medical-device inspection gateway daemon"};
  std::string config_file = std::string(EAEU_DATA_DIR) + "/config/gateway.toml";
  std::string check_file;
  std::string log_level = "info";
  app.add_option("--config", config_file, "The configuration file")->capture_default_str();
  app.add_option("--check-config", check_file,
                 "Check this configuration (and the files it names) and exit 0 when it is "
                 "usable, 1 when not; opens no socket and no journal");
  auto* level_option =
      app.add_option("--log-level", log_level,
                     "trace, debug, info, warn, error (default: [log] level, or info)")
          ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  CLI11_PARSE(app, argc, argv);

  eaeu::app::SetLogLevel(log_level);
  eaeu::app::SetLogFormat("text");

  const bool check_only = !check_file.empty();
  const std::string file = check_only ? check_file : config_file;
  auto config = eaeu::config::LoadDaemonConfig(file);
  if (!config) {
    std::cerr << "eaeu-gatewayd: configuration " << config.error().where << " is not usable:\n"
              << config.error().message << "\n";
    return 1;
  }
  eaeu::app::SetLogFormat(config->log.format);
  if (level_option->count() == 0 && config->log.level) eaeu::app::SetLogLevel(*config->log.level);
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (check_only) {
    if (auto st = eaeu::app::CheckDeployment(*config, now); !st) {
      std::cerr << "eaeu-gatewayd: " << st.error().ToString() << "\n";
      return 1;
    }
    std::cout << "eaeu-gatewayd: " << file << " is usable\n";
    return 0;
  }
  eaeu::app::DaemonHooks hooks;
  hooks.handle_signals = true;
  auto daemon = eaeu::app::Daemon::Create(*config, hooks);
  if (!daemon) {
    std::cerr << "eaeu-gatewayd: " << daemon.error().ToString() << "\n";
    return 1;
  }
  if (auto st = (*daemon)->Start(); !st) {
    std::cerr << "eaeu-gatewayd: " << st.error().ToString() << "\n";
    (*daemon)->Shutdown();
    return 1;
  }
  (*daemon)->Wait();
  return (*daemon)->exit_code();
}
