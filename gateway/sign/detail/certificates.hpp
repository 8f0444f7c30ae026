#pragma once
// Internal to gateway/sign: what the signer and the verifier both ask of keys and certificates.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/detail/openssl.hpp"

namespace eaeu::sign {

struct SigningCredentials::Impl {
  Algorithm algorithm = Algorithm::kRsaSha256;
  detail::PKey key;
  detail::Cert certificate;
  std::vector<detail::Cert> chain;  // intermediates that came with the certificate
  CertificateFacts facts;
  std::string certificate_base64;  // DER, as ds:X509Certificate carries it
};

namespace detail {

// The algorithm of exchange.md §5 that `key` can be used with; nullopt for any other key (RSA
// under 2048 bits, EC on another curve, DSA, ...). `why` then says what the key is.
std::optional<Algorithm> AlgorithmOfKey(EVP_PKEY* key, std::string* why = nullptr);

CertificateFacts FactsOf(X509* cert);

// Whether keyUsage allows signing documents (digitalSignature or nonRepudiation). A certificate
// without the extension is not restricted (RFC 5280 §4.2.1.3); `present` tells which it was.
bool KeyUsageAllowsSigning(X509* cert, bool* present = nullptr);

}  // namespace detail
}  // namespace eaeu::sign
