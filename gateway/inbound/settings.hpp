#pragma once
// The inbound endpoint's settings and the handover to the national system.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/transport/settings.hpp"

namespace eaeu::inbound {

using transport::ListenAddress;
using transport::TlsSettings;
using transport::WebhookSettings;

// How a received document reaches the national system. Whatever the mode, it stays in the
// inbox (GET /v1/inbox) until the national system has it: a webhook's 2xx, the file written, or
// POST /v1/inbox/{id}/ack.
enum class HandoverMode { kPull, kWebhook, kFolder };

struct HandoverSettings {
  HandoverMode mode = HandoverMode::kPull;
  WebhookSettings webhook;
  bool webhook_json = false;     // the document as JSON (documents.md's JSON form) instead of XML
  std::filesystem::path folder;  // kFolder: each document is written into it
};

// The endpoint where the integrated system's gateway sends (exchange.md §1–4): envelopes from
// the Commission and the other member states, with their signals and replies.
struct InboundSettings {
  ListenAddress listen{"127.0.0.1", 8444};
  std::optional<TlsSettings> tls;  // none: plain HTTP, allowed on a loopback address only
  // The peer gateways allowed to send: SHA-256 of their client certificates (hex); empty: any
  // client certificate that tls.client_ca accepts.
  std::vector<std::string> peer_certificates;
  std::string country;          // the member state whose authority this gateway is
  std::filesystem::path trust;  // trust anchors and CRLs for received signatures
  uint64_t max_body_bytes = 110ull << 20;
  std::chrono::milliseconds request_timeout{60'000};
  std::chrono::milliseconds idle_timeout{120'000};
  uint32_t max_connections = 256;
  HandoverSettings handover;
};

}  // namespace eaeu::inbound
