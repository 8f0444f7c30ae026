#pragma once
// Which events are posted to the submitting systems, and where.

#include <string>
#include <vector>

#include "gateway/transport/settings.hpp"

namespace eaeu::notify {

using transport::WebhookSettings;

// Telling the submitting systems what became of their messages: an event (JSON) posted to a
// webhook for every outbound message that reaches one of `events` (state names), in the order the
// journal took the changes, each until the webhook answers 2xx.
struct NotifySettings {
  WebhookSettings webhook;
  std::vector<std::string> events{"rejected", "dead"};
};

}  // namespace eaeu::notify
