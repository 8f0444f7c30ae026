#pragma once
// The [registry] settings: the register sync's safety limit, and the daemon's scheduled sync.

#include <string>

namespace eaeu::registry {

struct RegistrySettings {
  // A sync that would withdraw more than this share of the register (as sent) is refused unless
  // the caller confirms: a truncated export must not empty the Commission's register.
  double max_withdrawal_share = 0.20;
};

}  // namespace eaeu::registry
