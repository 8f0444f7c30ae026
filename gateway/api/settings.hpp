#pragma once
// The REST API's settings: where it listens and who may call it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/transport/settings.hpp"

namespace eaeu::api {

using transport::ListenAddress;
using transport::TlsSettings;

// A caller authenticated by its client certificate (the SHA-256 of its DER, hex): a national
// caller (its country and participant), or an operator or an auditor (`role`).
struct CertificateClient {
  std::string certificate_sha256;
  std::string country;
  std::string participant;
  std::string name;
  std::string role;  // "operator", "auditor"; empty: a national caller
};

struct ApiSettings {
  ListenAddress listen{"127.0.0.1", 8443};
  std::optional<TlsSettings> tls;  // none: plain HTTP, allowed on a loopback address only
  std::filesystem::path tokens;    // the file of hashed bearer tokens; empty: no tokens
  std::vector<CertificateClient> certificate_clients;
  uint64_t max_body_bytes = 110ull << 20;             // a message may carry 100 MB (D5 appendix 1)
  std::chrono::milliseconds request_timeout{30'000};  // to read a whole request
  std::chrono::milliseconds idle_timeout{60'000};     // a kept-alive connection with no request
  uint32_t max_connections = 1024;
  // /metrics answers anybody; otherwise an operator or an auditor only (a Prometheus scrape sends
  // its token).
  bool open_metrics = false;
};

}  // namespace eaeu::api
