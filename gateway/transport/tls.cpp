// The TLS choices shared by the servers, the client and the configuration reader.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

#include "gateway/checked_toml/reader.hpp"
#include "gateway/transport/settings.hpp"
#include "gateway/transport/tls_table.hpp"

namespace eaeu::transport {

std::string CipherListProblem(const TlsCiphers& ciphers) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_method()), &SSL_CTX_free);
  if (!ctx) return "OpenSSL cannot make a TLS context";
  std::string problems;
  if (SSL_CTX_set_cipher_list(ctx.get(), ciphers.tls12.c_str()) != 1) {
    problems = "no cipher of \"" + ciphers.tls12 + "\" is known to OpenSSL (ciphers)";
  }
  if (SSL_CTX_set_ciphersuites(ctx.get(), ciphers.tls13.c_str()) != 1) {
    if (!problems.empty()) problems += "; ";
    problems += "\"" + ciphers.tls13 + "\" is not a list of TLS 1.3 suites OpenSSL knows" +
                " (ciphersuites)";
  }
  ERR_clear_error();
  return problems;
}

TlsCiphers ReadTlsCiphers(checked_toml::Section& table) {
  TlsCiphers out;
  if (auto v = table.String("ciphers")) {
    TlsCiphers alone;
    alone.tls12 = *v;
    if (!CipherListProblem(alone).empty()) {
      table.Problem("ciphers", "OpenSSL knows no cipher of \"" + *v + "\"");
    }
    out.tls12 = *v;
  }
  if (auto v = table.String("ciphersuites")) {
    TlsCiphers alone;
    alone.tls13 = *v;
    if (!CipherListProblem(alone).empty()) {
      table.Problem("ciphersuites", "is not a list of TLS 1.3 suites OpenSSL knows: \"" + *v +
                                        "\" (TLS_AES_128_GCM_SHA256:...)");
    }
    out.tls13 = *v;
  }
  return out;
}

TlsSettings ReadServerTls(checked_toml::Section& tls, const std::filesystem::path& base) {
  using PathKind = checked_toml::Section::PathKind;
  TlsSettings t;
  if (auto p = tls.Path("certificate", base, PathKind::kFile, true)) t.certificate = *p;
  if (auto p = tls.Path("key", base, PathKind::kFile, true)) t.key = *p;
  if (auto p = tls.Path("client_ca", base, PathKind::kFile)) t.client_ca = *p;
  if (auto p = tls.Path("client_crl", base, PathKind::kFile)) {
    t.client_crl = *p;
    if (t.client_ca.empty()) tls.Problem("client_crl", "needs client_ca");
  }
  t.require_client_certificate = tls.Bool("require_client_certificate").value_or(false);
  if (t.require_client_certificate && t.client_ca.empty()) {
    tls.Problem("require_client_certificate", "needs client_ca");
  }
  t.ciphers = ReadTlsCiphers(tls);
  tls.RejectUnknown();
  return t;
}

}  // namespace eaeu::transport
