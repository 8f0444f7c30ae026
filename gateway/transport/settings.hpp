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

// TLS 1.2 and 1.3 only, and of TLS 1.2 only the ciphers with forward secrecy and an AEAD
// (ECDHE with AES-GCM or ChaCha20-Poly1305); TLS 1.3's three suites of RFC 8446 §9.1. Both are
// OpenSSL's names; a gate that speaks GOST TLS names its suites in `ciphers`.
inline constexpr const char* kDefaultTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kDefaultTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// The protocol choices both ends share.
struct TlsCiphers {
  std::string tls12 = kDefaultTls12Ciphers;  // OpenSSL cipher list for TLS 1.2
  std::string tls13 = kDefaultTls13Suites;   // OpenSSL ciphersuites for TLS 1.3
};

struct TlsSettings {
  std::filesystem::path certificate;  // PEM, the server's certificate (and its chain)
  std::filesystem::path key;          // PEM
  std::filesystem::path client_ca;    // PEM bundle; set: client certificates are asked for
  // PEM CRLs of the client CAs; set: a client certificate they revoke is refused, and so is
  // every client certificate once a CRL is past its nextUpdate.
  std::filesystem::path client_crl;
  bool require_client_certificate = false;
  TlsCiphers ciphers;
};

// Why OpenSSL takes none of `ciphers` (each list is checked alone); empty: both are usable.
std::string CipherListProblem(const TlsCiphers& ciphers);

// An HTTP endpoint of the national system that the gateway posts to.
struct WebhookSettings {
  std::string url;                   // an https:// URL (http:// on loopback only)
  std::filesystem::path ca_bundle;   // the only CAs trusted for it; empty: the system's
  std::filesystem::path token_file;  // a bearer token sent with every POST
  std::chrono::milliseconds timeout{30'000};
};

}  // namespace eaeu::transport
