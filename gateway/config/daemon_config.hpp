#pragma once
// The daemon's configuration: one TOML file, checked whole at start-up, mapped into the settings
// struct that each component owns (api/settings.hpp, route/settings.hpp, ...). An unknown key, a
// value of the wrong type or out of range, or a file that does not exist is an error that names the
// key (and its line); nothing starts on a configuration with an error. Relative paths are read
// against the folder of the configuration file.
//
// config/gateway.toml is the embedded default and documents every key.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/api/settings.hpp"
#include "gateway/core/result.hpp"
#include "gateway/deadlines/settings.hpp"
#include "gateway/inbound/settings.hpp"
#include "gateway/intake/settings.hpp"
#include "gateway/notify/settings.hpp"
#include "gateway/registry/settings.hpp"
#include "gateway/route/settings.hpp"
#include "gateway/sign/settings.hpp"
#include "gateway/store/settings.hpp"
#include "gateway/validate/settings.hpp"

namespace eaeu::config {

// How the daemon logs: `level` (trace, debug, info, warn, error; none: info, or --log-level) is
// read again on SIGHUP; `format` "text" or "json" (one JSON object a line, for a log shipper).
struct LogSettings {
  std::optional<std::string> level;
  std::string format = "text";
};

struct DaemonConfig {
  std::filesystem::path file;  // where it was read from
  uint32_t io_threads = 1;
  uint32_t worker_threads = 2;  // validation and signing
  std::chrono::milliseconds shutdown_grace{10'000};
  std::filesystem::path openssl_config;  // loads the gost engine; empty: OpenSSL's default
  std::filesystem::path process_catalogue;
  api::ApiSettings api;
  store::JournalSettings journal;
  sign::SigningSettings signing;
  validate::ValidationSettings validation;
  std::vector<intake::DropFolderSettings> drop_folders;
  route::DeliverySettings delivery;
  std::vector<route::RouteSettings> routes;
  std::optional<inbound::InboundSettings> inbound;
  std::optional<notify::NotifySettings> notify;
  std::optional<deadlines::DeadlineSettings> deadlines;  // none: business days are weekends only
  registry::RegistrySettings registry;
  LogSettings log;
};

// Reads and checks the file. Every problem found is reported, one per line, each naming the key.
Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& file);

}  // namespace eaeu::config
