#pragma once
// The transport's settings: a listening address, its TLS, and a webhook of the national system
// (config/ reads them from the TOML file; the servers and clients take them as they are).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace eaeu::transport {

// A listening address, "127.0.0.1:8443" or "[::1]:8443"; port 0 takes a free port.
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  bool IsLoopback() const {
    return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.starts_with("127.");
  }
};

struct TlsSettings {
  std::filesystem::path certificate;  // PEM, the server's certificate (and its chain)
  std::filesystem::path key;          // PEM
  std::filesystem::path client_ca;    // PEM bundle; set: client certificates are asked for
  bool require_client_certificate = false;
};

// An HTTP endpoint of the national system that the gateway posts to.
struct WebhookSettings {
  std::string url;                   // an https:// URL (http:// on loopback only)
  std::filesystem::path ca_bundle;   // the only CAs trusted for it; empty: the system's
  std::filesystem::path token_file;  // a bearer token sent with every POST
  std::chrono::milliseconds timeout{30'000};
};

}  // namespace eaeu::transport
