#include "gateway/config/daemon_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "gateway/checked_toml/reader.hpp"
#include "gateway/core/schedule.hpp"
#include "gateway/transport/tls_table.hpp"

namespace eaeu::config {
namespace {

using namespace std::chrono_literals;
using checked_toml::ParseTomlFile;
using checked_toml::Problems;
using checked_toml::Section;
using PathKind = Section::PathKind;
using api::ApiSettings;
using api::CertificateClient;
using deadlines::DeadlineSettings;
using inbound::HandoverMode;
using inbound::HandoverSettings;
using inbound::InboundSettings;
using intake::DropFolderSettings;
using notify::NotifySettings;
using route::DeliverySettings;
using route::RouteSettings;
using transport::ListenAddress;
using transport::TlsSettings;
using transport::WebhookSettings;

constexpr std::array<std::string_view, 5> kMemberStates = {"AM", "BY", "KZ", "KG", "RU"};

bool IsMemberState(std::string_view code) {
  for (auto s : kMemberStates) {
    if (s == code) return true;
  }
  return false;
}

// A participant code of the process (exchange.md §2), e.g. "P.MM.00.ACT.001".
bool IsParticipantCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<ListenAddress> ParseListen(std::string_view text) {
  ListenAddress out;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    out.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) return std::nullopt;
  out.port = static_cast<uint16_t>(value);
  return out;
}

// Reads the country and participant a caller or a folder is bound to.
void ReadBinding(Section& s, std::string& country, std::string& participant) {
  if (auto c = s.String("country", true)) {
    if (IsMemberState(*c)) {
      country = *c;
    } else {
      s.Problem("country",
                "must be a member state's code (AM, BY, KZ, KG, RU), not \"" + *c + "\"");
    }
  }
  if (auto p = s.String("participant", true)) {
    if (IsParticipantCode(*p)) {
      participant = *p;
    } else {
      s.Problem("participant", "must be a participant code such as \"P.MM.00.ACT.001\"");
    }
  }
}

void ReadListen(Section& s, ListenAddress& out) {
  if (auto listen = s.String("listen")) {
    if (auto parsed = ParseListen(*listen)) {
      out = *parsed;
    } else {
      s.Problem("listen", "must be host:port, such as \"127.0.0.1:8443\", not \"" + *listen + "\"");
    }
  }
}

// [<table>.tls], or plain HTTP on loopback when <table>.plain_http = true.
std::optional<TlsSettings> ReadTls(Section& s, const std::filesystem::path& base,
                                   const ListenAddress& listen) {
  const bool plain = s.Bool("plain_http").value_or(false);
  Section tls = s.Table("tls");
  if (tls.present()) {
    TlsSettings t = transport::ReadServerTls(tls, base);
    if (plain) s.Problem("plain_http", "cannot be true together with a tls table");
    return t;
  }
  if (!plain) {
    s.Problem("tls",
              "is required: plain HTTP is allowed only with plain_http = true on a loopback "
              "address");
  } else if (!listen.IsLoopback()) {
    s.Problem("plain_http",
              "is allowed only on a loopback address (127.0.0.1, ::1), not on " + listen.host);
  }
  return std::nullopt;
}

void ReadConnectionLimits(Section& s, uint64_t& max_body_bytes,
                          std::chrono::milliseconds& request_timeout,
                          std::chrono::milliseconds& idle_timeout, uint32_t& max_connections) {
  if (auto v = s.Integer("max_body_bytes", 1024, int64_t{1} << 32)) {
    max_body_bytes = static_cast<uint64_t>(*v);
  }
  if (auto v = s.Duration("request_timeout", 100ms, 1h)) request_timeout = *v;
  if (auto v = s.Duration("idle_timeout", 100ms, 1h)) idle_timeout = *v;
  if (auto v = s.Integer("max_connections", 1, 100'000)) {
    max_connections = static_cast<uint32_t>(*v);
  }
}

// A certificate's SHA-256 as lower-case hex without colons; empty when it is not one.
std::string CertificateHash(std::string_view text) {
  std::string lower;
  for (char ch : text) {
    if (ch == ':') continue;
    lower += static_cast<char>(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
  }
  if (lower.size() != 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return {};
  }
  return lower;
}

void ReadApi(Section api, const std::filesystem::path& base, ApiSettings& out) {
  ReadListen(api, out.listen);
  if (auto tokens = api.Path("tokens", base, PathKind::kFile)) out.tokens = *tokens;
  ReadConnectionLimits(api, out.max_body_bytes, out.request_timeout, out.idle_timeout,
                       out.max_connections);
  out.tls = ReadTls(api, base, out.listen);
  if (auto open = api.Bool("open_metrics")) out.open_metrics = *open;

  for (Section& client : api.Tables("client")) {
    CertificateClient c;
    if (auto sha = client.String("certificate_sha256", true)) {
      c.certificate_sha256 = CertificateHash(*sha);
      if (c.certificate_sha256.empty()) {
        client.Problem("certificate_sha256",
                       "must be the SHA-256 of the certificate, 64 hex digits");
      }
    }
    if (auto role = client.String("role")) {
      if (*role == "operator" || *role == "auditor") {
        c.role = *role;
      } else {
        client.Problem("role", "must be \"operator\" or \"auditor\", not \"" + *role + "\"");
      }
      if (auto name = client.String("name", true)) c.name = *name;
    } else {
      ReadBinding(client, c.country, c.participant);
      c.name = client.String("name").value_or(c.country + "/" + c.participant);
    }
    client.RejectUnknown();
    out.certificate_clients.push_back(std::move(c));
  }
  if (!out.certificate_clients.empty() && (!out.tls || out.tls->client_ca.empty())) {
    api.Problem("client", "client certificates need api.tls.client_ca");
  }
  if (out.tokens.empty() && out.certificate_clients.empty()) {
    api.Problem("tokens", "no caller could authenticate: set api.tokens or add [[api.client]]");
  }
  api.RejectUnknown();
}

}  // namespace

namespace {

// An https:// URL, or http:// to a loopback address; the problem is reported under `key`.
void CheckEndpointUrl(Section& s, std::string_view key, const std::string& url) {
  const bool https = url.starts_with("https://");
  const bool http = url.starts_with("http://");
  if (!https && !http) {
    s.Problem(key, "must be an https:// URL (http:// on a loopback address only)");
  } else if (http && !url.starts_with("http://127.") && !url.starts_with("http://[::1]") &&
             !url.starts_with("http://localhost")) {
    s.Problem(key, "plain http:// is allowed to a loopback address only");
  }
}

// The keys webhook, webhook_ca_bundle, webhook_token_file and webhook_timeout of a table.
void ReadWebhook(Section& s, const std::filesystem::path& base, bool required,
                 WebhookSettings& out) {
  if (auto url = s.String("webhook", required)) {
    out.url = *url;
    CheckEndpointUrl(s, "webhook", *url);
  }
  if (auto p = s.Path("webhook_ca_bundle", base, PathKind::kFile)) out.ca_bundle = *p;
  if (auto p = s.Path("webhook_token_file", base, PathKind::kFile)) out.token_file = *p;
  if (auto v = s.Duration("webhook_timeout", 10ms, 1h)) out.timeout = *v;
}

// The states a message may be reported in ([notify] events).
constexpr std::string_view kNotifiableStates[] = {"rejected", "retrying", "delivered",
                                                  "acknowledged", "dead"};

std::optional<NotifySettings> ReadNotify(Section n, const std::filesystem::path& base) {
  if (!n.present()) return std::nullopt;
  NotifySettings out;
  ReadWebhook(n, base, true, out.webhook);
  if (n.Has("events")) {
    out.events = n.Strings("events");
    if (out.events.empty()) n.Problem("events", "names no state; leave [notify] out instead");
    for (const auto& e : out.events) {
      if (std::find(std::begin(kNotifiableStates), std::end(kNotifiableStates), e) ==
          std::end(kNotifiableStates)) {
        n.Problem("events", "\"" + e +
                                "\" is not a state a message is reported in (rejected, "
                                "retrying, delivered, acknowledged, dead)");
      }
    }
  }
  n.RejectUnknown();
  return out;
}

std::optional<InboundSettings> ReadInbound(Section in, const std::filesystem::path& base) {
  if (!in.present()) return std::nullopt;
  InboundSettings out;
  ReadListen(in, out.listen);
  out.tls = ReadTls(in, base, out.listen);
  ReadConnectionLimits(in, out.max_body_bytes, out.request_timeout, out.idle_timeout,
                       out.max_connections);
  if (auto c = in.String("country", true)) {
    if (IsMemberState(*c)) {
      out.country = *c;
    } else {
      in.Problem("country",
                 "must be a member state's code (AM, BY, KZ, KG, RU), not \"" + *c + "\"");
    }
  }
  if (auto p = in.Path("trust", base, PathKind::kFolder)) out.trust = *p;
  for (const auto& sha : in.Strings("peer_certificates")) {
    out.peer_certificates.push_back(CertificateHash(sha));
    if (out.peer_certificates.back().empty()) {
      in.Problem("peer_certificates", "\"" + sha + "\" is not a SHA-256 of 64 hex digits");
    }
  }
  if (!out.peer_certificates.empty() && (!out.tls || out.tls->client_ca.empty())) {
    in.Problem("peer_certificates", "peer certificates need inbound.tls.client_ca");
  }
  Section h = in.Table("handover");
  auto& ho = out.handover;
  if (auto mode = h.String("mode")) {
    if (*mode == "pull") {
      ho.mode = HandoverMode::kPull;
    } else if (*mode == "webhook") {
      ho.mode = HandoverMode::kWebhook;
    } else if (*mode == "folder") {
      ho.mode = HandoverMode::kFolder;
    } else {
      h.Problem("mode", "must be \"pull\", \"webhook\" or \"folder\", not \"" + *mode + "\"");
    }
  }
  ReadWebhook(h, base, ho.mode == HandoverMode::kWebhook, ho.webhook);
  if (auto f = h.String("webhook_format")) {
    if (*f != "xml" && *f != "json") {
      h.Problem("webhook_format", "must be \"xml\" or \"json\", not \"" + *f + "\"");
    }
    ho.webhook_json = *f == "json";
  }
  if (auto p = h.Path("folder", base, PathKind::kAny, ho.mode == HandoverMode::kFolder)) {
    ho.folder = *p;
  }
  h.RejectUnknown();
  in.RejectUnknown();
  return out;
}

RouteSettings ReadRoute(Section& r, const std::filesystem::path& base) {
  RouteSettings route;
  route.to = r.String("to", true).value_or("");
  if (!route.to.empty() && route.to != "*" && !route.to.starts_with("EAEU://")) {
    r.Problem("to",
              "must be a logical address EAEU://..., a prefix of one ending in \"*\", or \"*\"");
  }
  if (auto url = r.String("endpoint")) {
    route.endpoint = *url;
    CheckEndpointUrl(r, "endpoint", *url);
  } else if (auto folder = r.Path("folder", base, Section::PathKind::kFolder)) {
    route.endpoint = folder->string();
    route.folder = true;
  } else {
    r.Problem("endpoint", "a route needs an endpoint (a URL) or a folder");
  }
  if (auto p = r.Path("ca_bundle", base, Section::PathKind::kFile)) route.ca_bundle = *p;
  if (auto p = r.Path("client_certificate", base, Section::PathKind::kFile)) {
    route.client_certificate = *p;
  }
  if (auto p = r.Path("client_key", base, Section::PathKind::kFile)) route.client_key = *p;
  if (route.client_certificate.empty() != route.client_key.empty()) {
    r.Problem("client_key", "client_certificate and client_key go together");
  }
  if (auto p = r.Path("crl_file", base, Section::PathKind::kFile)) route.crl_file = *p;
  route.ciphers = transport::ReadTlsCiphers(r);
  if (auto v = r.Duration("connect_timeout", 10ms, 10min)) route.connect_timeout = *v;
  if (auto v = r.Duration("timeout", 10ms, 1h)) route.timeout = *v;
  if (auto v = r.Integer("max_in_flight", 1, 10'000))
    route.max_in_flight = static_cast<uint32_t>(*v);
  r.RejectUnknown();
  return route;
}

}  // namespace

Result<DaemonConfig> LoadDaemonConfig(const std::filesystem::path& file) {
  auto parsed = ParseTomlFile(file, "config.syntax");
  if (!parsed) return parsed.error();
  const toml::table& root = *parsed;
  const std::filesystem::path base = std::filesystem::absolute(file).parent_path();
  Problems problems(file);
  Section top(&root, "", &problems);
  DaemonConfig config;
  config.file = file;

  Section daemon = top.Table("daemon");
  if (auto v = daemon.Integer("io_threads", 1, 64)) config.io_threads = static_cast<uint32_t>(*v);
  if (auto v = daemon.Integer("worker_threads", 1, 256)) {
    config.worker_threads = static_cast<uint32_t>(*v);
  }
  if (auto v = daemon.Duration("shutdown_grace", 0ms, 10min)) config.shutdown_grace = *v;
  if (auto p = daemon.Path("openssl_config", base, PathKind::kFile)) config.openssl_config = *p;
  if (auto p = daemon.Path("process_catalogue", base, PathKind::kFile, true)) {
    config.process_catalogue = *p;
  }
  daemon.RejectUnknown();
  if (!daemon.present()) top.Problem("daemon", "the [daemon] table is required");

  ReadApi(top.Table("api"), base, config.api);

  Section log = top.Table("log");
  if (auto level = log.String("level")) {
    if (*level == "trace" || *level == "debug" || *level == "info" || *level == "warn" ||
        *level == "error") {
      config.log.level = *level;
    } else {
      log.Problem("level", "must be trace, debug, info, warn or error, not \"" + *level + "\"");
    }
  }
  if (auto format = log.String("format")) {
    if (*format == "text" || *format == "json") {
      config.log.format = *format;
    } else {
      log.Problem("format", "must be \"text\" or \"json\", not \"" + *format + "\"");
    }
  }
  log.RejectUnknown();

  Section journal = top.Table("journal");
  if (auto b = journal.String("backend")) {
    if (*b == "sqlite" || *b == "postgresql") {
      config.journal.backend = *b;
    } else {
      journal.Problem("backend", "must be \"sqlite\" or \"postgresql\", not \"" + *b + "\"");
    }
  }
  if (config.journal.backend == "sqlite") {
    if (auto p = journal.Path("file", base, PathKind::kAny, true)) config.journal.file = *p;
  } else {
    if (auto url = journal.String("url", true)) {
      config.journal.url = *url;
      if (!url->starts_with("postgresql://") && !url->starts_with("postgres://")) {
        journal.Problem("url", "must be a postgresql:// URL");
      } else if (url->find(':', url->find("://") + 3) != std::string::npos &&
                 url->find('@') != std::string::npos &&
                 url->find(':', url->find("://") + 3) < url->find('@')) {
        journal.Problem("url", "keeps no password: give password_file or password_env");
      }
    }
    if (auto p = journal.Path("password_file", base, PathKind::kFile)) {
      config.journal.password_file = *p;
    }
    config.journal.password_env = journal.String("password_env").value_or("");
    if (!config.journal.password_file.empty() && !config.journal.password_env.empty()) {
      journal.Problem("password_env", "give either password_file or password_env, not both");
    }
    if (auto name = journal.String("instance")) {
      const bool plain = !name->empty() && name->size() <= 48 &&
                         std::all_of(name->begin(), name->end(), [](char ch) {
                           return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' ||
                                  ch == '_' || ch == '.';
                         });
      if (plain) {
        config.journal.instance = *name;
      } else {
        journal.Problem("instance", "must be 1 to 48 letters, digits, '-', '_' or '.'");
      }
    }
    if (auto v = journal.Duration("lease", 1s, 10min)) config.journal.lease = *v;
  }
  if (auto v = journal.Integer("readers", 1, 64))
    config.journal.readers = static_cast<uint32_t>(*v);
  if (auto v = journal.Duration("audit_seal_every", 0s, 24h * 31)) {
    config.journal.audit_seal_every = std::chrono::duration_cast<std::chrono::seconds>(*v);
  }
  if (auto v = journal.Integer("max_batch", 1, 100'000)) {
    config.journal.max_batch = static_cast<uint32_t>(*v);
  }
  if (auto v = journal.Integer("audit_retention_years", 0, 100)) {
    config.journal.audit_retention_years = static_cast<uint32_t>(*v);
  }
  if (auto p = journal.Path("audit_archive_dir", base)) {
    config.journal.audit_archive_dir = *p;
  } else {
    // Beside a SQLite journal; beside the configuration for PostgreSQL.
    config.journal.audit_archive_dir =
        (config.journal.backend == "sqlite" ? config.journal.file.parent_path() : base) /
        "audit-archives";
  }
  journal.RejectUnknown();

  Section signing = top.Table("signing");
  auto& sg = config.signing;
  if (auto p = signing.Path("key", base, PathKind::kFile)) sg.key = *p;
  if (auto p = signing.Path("certificate", base, PathKind::kFile)) sg.certificate = *p;
  if (auto p = signing.Path("pkcs12", base, PathKind::kFile)) sg.pkcs12 = *p;
  if (auto p = signing.Path("password_file", base, PathKind::kFile)) sg.password_file = *p;
  sg.password_env = signing.String("password_env").value_or("");
  if (!sg.pkcs12.empty() && (!sg.key.empty() || !sg.certificate.empty())) {
    signing.Problem("pkcs12", "give either pkcs12 or key and certificate, not both");
  } else if (sg.pkcs12.empty() && (sg.key.empty() != sg.certificate.empty())) {
    signing.Problem(sg.key.empty() ? "key" : "certificate", "key and certificate go together");
  } else if (sg.pkcs12.empty() && sg.key.empty() && !signing.Has("key") && !signing.Has("pkcs12")) {
    signing.Problem("key", "the signing key is required (key and certificate, or pkcs12)");
  }
  if (!sg.password_file.empty() && !sg.password_env.empty()) {
    signing.Problem("password_env", "give either password_file or password_env, not both");
  }
  signing.RejectUnknown();

  Section validation = top.Table("validation");
  if (auto p = validation.Path("schema_catalog", base, PathKind::kFile, true)) {
    config.validation.schema_catalog = *p;
  }
  for (const auto& folder : validation.Strings("code_lists")) {
    std::filesystem::path p(folder);
    config.validation.code_lists.push_back((p.is_relative() ? base / p : p).lexically_normal());
  }
  if (auto history = validation.String("suspension_history")) {
    if (*history != "complete" && *history != "partial") {
      validation.Problem("suspension_history",
                         "must be \"complete\" or \"partial\", not \"" + *history + "\"");
    }
    config.validation.suspension_history_complete = *history != "partial";
  }
  validation.RejectUnknown();

  for (Section& folder : top.Tables("drop_folder")) {
    DropFolderSettings d;
    if (auto p = folder.Path("path", base, PathKind::kAny, true)) d.path = *p;
    ReadBinding(folder, d.country, d.participant);
    if (auto v = folder.Duration("scan_interval", 10ms, 1h)) d.scan_interval = *v;
    folder.RejectUnknown();
    config.drop_folders.push_back(std::move(d));
  }
  Section delivery = top.Table("delivery");
  auto& dl = config.delivery;
  if (auto v = delivery.Duration("backoff_initial", 10ms, 1h)) dl.backoff_initial = *v;
  if (auto v = delivery.Duration("backoff_max", 10ms, 24h)) dl.backoff_max = *v;
  if (dl.backoff_max < dl.backoff_initial) {
    delivery.Problem("backoff_max", "must not be shorter than backoff_initial");
  }
  if (auto v = delivery.Integer("transport_attempts", 1, 1000)) {
    dl.transport_attempts = static_cast<uint32_t>(*v);
  }
  if (delivery.Has("positive_results")) dl.positive_results = delivery.Strings("positive_results");
  delivery.RejectUnknown();

  for (Section& r : top.Tables("route")) config.routes.push_back(ReadRoute(r, base));
  config.inbound = ReadInbound(top.Table("inbound"), base);
  config.notify = ReadNotify(top.Table("notify"), base);
  if (Section d = top.Table("deadlines"); d.present()) {
    DeadlineSettings deadlines;
    if (auto p = d.Path("calendars", base, PathKind::kFolder, true)) deadlines.calendars = *p;
    if (auto v = d.Integer("at_risk_days", 0, 100)) {
      deadlines.at_risk_days = static_cast<uint32_t>(*v);
    }
    if (d.Has("webhook")) ReadWebhook(d, base, true, deadlines.webhook.emplace());
    d.RejectUnknown();
    config.deadlines = deadlines;
  }
  Section registry = top.Table("registry");
  if (auto v = registry.Integer("max_withdrawal_percent", 0, 100)) {
    config.registry.max_withdrawal_percent = static_cast<uint32_t>(*v);
  }
  if (registry.Has("source") || registry.Has("schedule")) {
    registry::ScheduleSettings& scheduled = config.registry.scheduled.emplace();
    if (auto v = registry.String("source", true)) {
      const bool url = v->starts_with("http://") || v->starts_with("https://");
      scheduled.source = url ? *v : (base / *v).lexically_normal().string();
    }
    if (auto v = registry.String("schedule", true)) {
      if (auto schedule = Schedule::Parse(*v); schedule) {
        scheduled.schedule = *v;
      } else {
        registry.Problem("schedule", schedule.error().ToString());
      }
    }
    if (auto c = registry.String("country", true)) {
      if (IsMemberState(*c)) {
        scheduled.country = *c;
      } else {
        registry.Problem("country",
                         "the state the register is synced as: a member state's code "
                         "(AM, BY, KZ, KG, RU), not \"" +
                             *c + "\"");
      }
    }
    if (auto p = registry.String("participant")) {
      if (IsParticipantCode(*p)) {
        scheduled.participant = *p;
      } else {
        registry.Problem("participant", "must be a participant code such as \"P.MM.00.ACT.001\"");
      }
    }
    if (auto p = registry.Path("ca_bundle", base, PathKind::kFile)) {
      scheduled.ca_bundle = p->string();
    }
  }
  registry.RejectUnknown();
  top.RejectUnknown();

  if (!problems.empty()) return problems.ToError("config.invalid");
  return config;
}

}  // namespace eaeu::config
