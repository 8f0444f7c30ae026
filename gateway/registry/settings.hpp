#pragma once
// The [registry] settings: the register sync's safety limit, and the daemon's scheduled sync.

#include <cstdint>

namespace eaeu::registry {

struct RegistrySettings {
  // A sync that would withdraw more than this share of the register (as sent) is refused unless
  // the caller confirms: a truncated export must not empty the Commission's register.
  uint32_t max_withdrawal_percent = 20;  // of the organizations in the register as sent
};

}  // namespace eaeu::registry
