#pragma once
// The deadline tracker's settings.

#include <cstdint>
#include <filesystem>
#include <optional>

#include "gateway/transport/settings.hpp"

namespace eaeu::deadlines {

using transport::WebhookSettings;

// The legal deadlines (rules.md "Deadlines the gateway tracks").
struct DeadlineSettings {
  std::filesystem::path calendars;  // config/calendars: <CC>.toml and <CC>-<YYYY>.toml
  uint32_t at_risk_days = 3;        // business days left when a deadline is at risk
  // Where each move of a deadline to at risk or overdue is posted; none: not posted.
  std::optional<WebhookSettings> webhook;
};

}  // namespace eaeu::deadlines
