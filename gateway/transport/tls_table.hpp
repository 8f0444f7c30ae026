#pragma once
// Reading the TLS of a listener ([api.tls], [inbound.tls], [sandbox.tls]) and the cipher choices
// of a peer from the configuration, with every problem named by its key.

#include <filesystem>

#include "gateway/transport/settings.hpp"

namespace eaeu::checked_toml {
class Section;
}

namespace eaeu::transport {

// `ciphers` (TLS 1.2) and `ciphersuites` (TLS 1.3) of a table; absent: the defaults. A list
// OpenSSL takes nothing of is a problem of its key.
TlsCiphers ReadTlsCiphers(checked_toml::Section& table);

// A listener's [*.tls] table: certificate, key, client_ca, client_crl,
// require_client_certificate, ciphers, ciphersuites. Unknown keys are problems.
TlsSettings ReadServerTls(checked_toml::Section& tls, const std::filesystem::path& base);

}  // namespace eaeu::transport
