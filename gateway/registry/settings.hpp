#pragma once
// The [registry] settings: the register sync's safety limit, and the daemon's scheduled sync.

#include <cstdint>
#include <optional>
#include <string>

namespace eaeu::registry {

// A sync the daemon runs by itself.
struct ScheduleSettings {
  std::string source;    // a file, a folder of Table 3 XML, or an http(s) URL
  std::string schedule;  // "02:30" (daily, UTC) or a cron line
  std::string country;   // the state the register is synced as
  std::string participant = "P.MM.00.ACT.001";
  std::string ca_bundle;  // for an https source with a private CA
};

struct RegistrySettings {
  // A sync that would withdraw more than this share of the register (as sent) is refused unless
  // the caller confirms: a truncated export must not empty the Commission's register.
  uint32_t max_withdrawal_percent = 20;  // of the organizations in the register as sent
  std::optional<ScheduleSettings> scheduled;
};

}  // namespace eaeu::registry
