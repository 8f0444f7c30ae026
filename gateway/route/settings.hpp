#pragma once
// Routes and delivery retries.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/backoff.hpp"
#include "gateway/transport/settings.hpp"

namespace eaeu::route {

// Where messages to some logical addresses go (issue: routing). The first route whose `to`
// matches a destination serves it.
struct RouteSettings {
  std::string to;        // a logical address, or a prefix ending in "*" ("EAEU://EEC/*", "*")
  std::string endpoint;  // an https:// URL (http:// on loopback only), or a folder
  bool folder = false;   // the endpoint is a folder: each envelope is written into it
  std::filesystem::path ca_bundle;  // the only CAs trusted for this endpoint; empty: the system's
  std::filesystem::path client_certificate;
  std::filesystem::path client_key;
  std::filesystem::path crl_file;  // PEM CRLs of the endpoint's CAs; set: revocation is checked
  transport::TlsCiphers ciphers;   // TLS 1.2 ciphers and TLS 1.3 suites offered
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};
  uint32_t max_in_flight = 8;  // sends under way at once to this endpoint
};

// Retries of transport failures (exchange.md §4's timers are the process catalogue's).
struct DeliverySettings {
  std::chrono::milliseconds backoff_initial{2'000};
  std::chrono::milliseconds backoff_max{600'000};
  uint32_t transport_attempts = 12;  // failures in a row before a delivery is dead
  // R.006 ProcessingResultV2Code values that accept a document (provisional, like every code of
  // the process until Decision 3/2023 is published); any other refuses it.
  std::vector<std::string> positive_results{"01"};

  BackoffPolicy Backoff() const { return {backoff_initial, backoff_max}; }
};

}  // namespace eaeu::route
