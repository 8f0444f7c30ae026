#pragma once
// Internal to gateway/sign: Apache Santuario set-up and the one algorithm handler that serves every
// signature and digest URI of exchange.md §5 through OpenSSL's EVP interface (so GOST comes from
// the gost engine like the others).

#include <xsec/enc/XSECCryptoKey.hpp>

#include <vector>

#include "gateway/sign/crypto.hpp"
#include "gateway/sign/detail/openssl.hpp"

namespace eaeu::sign::detail {

// Initialises Xerces and Santuario and registers the handler; once per process, thread-safe.
void EnsureSantuarioInitialised();

// A key Santuario passes through to our handler: a private key to sign or a public key to verify.
class EvpKey final : public XSECCryptoKey {
 public:
  EvpKey(PKey key, Algorithm algorithm) : key_(std::move(key)), algorithm_(algorithm) {}
  const XMLCh* getProviderName() const override;
  XSECCryptoKey* clone() const override;

  EVP_PKEY* key() const { return key_.get(); }
  Algorithm algorithm() const { return algorithm_; }

 private:
  PKey key_;
  Algorithm algorithm_;
};

}  // namespace eaeu::sign::detail
