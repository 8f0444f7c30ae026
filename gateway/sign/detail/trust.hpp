#pragma once
// Internal to gateway/sign: the trust store's OpenSSL objects and the chain check.

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/sign/detail/openssl.hpp"
#include "gateway/sign/trust_store.hpp"
#include "gateway/sign/verdict.hpp"

namespace eaeu::sign {

struct TrustStore::Impl {
  std::filesystem::path folder;
  std::unique_ptr<X509_STORE, detail::Deleter<X509_STORE, X509_STORE_free>> store;
  size_t certificates = 0;
  size_t crls = 0;
};

namespace detail {

struct ChainCheck {
  std::optional<SignatureCheck> failed;  // kCertificate, kTrust, kValidity or kRevocation
  std::string reason;
  std::vector<std::string> notes;
};

// Builds the chain of `cert` (with `untrusted` intermediates) to an anchor of `trust` and checks
// it at `at`: signatures, validity periods, basic constraints and, where the store holds a CRL of
// the issuer, revocation.
ChainCheck CheckChain(const TrustStore& trust, X509* cert, const std::vector<X509*>& untrusted,
                      std::time_t at);

}  // namespace detail
}  // namespace eaeu::sign
