#pragma once
// The daemon's configuration: one TOML file, checked whole at start-up. An unknown key, a value
// of the wrong type or out of range, or a file that does not exist is an error that names the
// key (and its line); nothing starts on a configuration with an error. Relative paths are read
// against the folder of the configuration file.
//
// config/gateway.toml is the embedded default and documents every key.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "codecs/result.hpp"

namespace eaeu::config {

// A listening address, "127.0.0.1:8443" or "[::1]:8443"; port 0 takes a free port.
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  bool IsLoopback() const;
};

struct TlsSettings {
  std::filesystem::path certificate;  // PEM, the server's certificate (and its chain)
  std::filesystem::path key;          // PEM
  std::filesystem::path client_ca;    // PEM bundle; set: client certificates are asked for
  bool require_client_certificate = false;
};

// A caller authenticated by its client certificate (the SHA-256 of its DER, hex).
struct CertificateClient {
  std::string certificate_sha256;
  std::string country;
  std::string participant;
  std::string name;
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
};

struct JournalSettings {
  std::string backend = "sqlite";
  std::filesystem::path file;  // sqlite
  uint32_t max_batch = 512;
};

struct SigningSettings {
  std::filesystem::path key;  // PEM key and certificate, or one PKCS#12 file
  std::filesystem::path certificate;
  std::filesystem::path pkcs12;
  std::filesystem::path password_file;
  std::string password_env;
};

struct ValidationSettings {
  std::filesystem::path schema_catalog;
  std::vector<std::filesystem::path> code_lists;
};

// A watched folder: files dropped into it are taken as documents of this sender.
struct DropFolderSettings {
  std::filesystem::path path;
  std::string country;
  std::string participant;
  std::chrono::milliseconds scan_interval{1'000};
};

// Where messages to some logical addresses go (issue: routing). The first route whose `to`
// matches a destination serves it.
struct RouteSettings {
  std::string to;        // a logical address, or a prefix ending in "*" ("EAEU://EEC/*", "*")
  std::string endpoint;  // an https:// URL (http:// on loopback only), or a folder
  bool folder = false;   // the endpoint is a folder: each envelope is written into it
  std::filesystem::path ca_bundle;  // the only CAs trusted for this endpoint; empty: the system's
  std::filesystem::path client_certificate;
  std::filesystem::path client_key;
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
};

// An HTTP endpoint of the national system that the gateway posts to.
struct WebhookSettings {
  std::string url;                   // an https:// URL (http:// on loopback only)
  std::filesystem::path ca_bundle;   // the only CAs trusted for it; empty: the system's
  std::filesystem::path token_file;  // a bearer token sent with every POST
  std::chrono::milliseconds timeout{30'000};
};

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

// Telling the submitting systems what became of their messages: an event (JSON) posted to a
// webhook for every outbound message that reaches one of `events` (state names), in the order the
// journal took the changes, each until the webhook answers 2xx.
struct NotifySettings {
  WebhookSettings webhook;
  std::vector<std::string> events{"rejected", "dead"};
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

// The legal deadlines (rules.md "Deadlines the gateway tracks").
struct DeadlineSettings {
  std::filesystem::path calendars;  // config/calendars: <CC>.toml and <CC>-<YYYY>.toml
  uint32_t at_risk_days = 3;        // business days left when a deadline is at risk
  // Where each move of a deadline to at risk or overdue is posted; none: not posted.
  std::optional<WebhookSettings> webhook;
};

struct DaemonConfig {
  std::filesystem::path file;  // where it was read from
  uint32_t io_threads = 1;
  uint32_t worker_threads = 2;  // validation and signing
  std::chrono::milliseconds shutdown_grace{10'000};
  std::filesystem::path openssl_config;  // loads the gost engine; empty: OpenSSL's default
  std::filesystem::path process_catalogue;
  ApiSettings api;
  JournalSettings journal;
  SigningSettings signing;
  ValidationSettings validation;
  std::vector<DropFolderSettings> drop_folders;
  DeliverySettings delivery;
  std::vector<RouteSettings> routes;
  std::optional<InboundSettings> inbound;
  std::optional<NotifySettings> notify;
  std::optional<DeadlineSettings> deadlines;  // none: business days are weekends only
};

// Reads and checks the file. Every problem found is reported, one per line, each naming the key.
Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& file);

// "250ms", "30s", "5m", "1h" (a whole number and a unit).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace eaeu::config
