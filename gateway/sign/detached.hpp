#pragma once
// Detached signatures of bytes with the signer's key, for what is not an XML document (the seals
// of the audit chain): the key's own digest (SHA-256, GOST R 34.11-2012) signed as OpenSSL's
// `dgst -sign` does (PKCS#1 v1.5 for RSA, DER for ECDSA, the gost engine's form for GOST), with
// the certificate carried along so that anyone can check it offline.

#include <string>
#include <string_view>

#include "gateway/core/result.hpp"
#include "gateway/sign/credentials.hpp"

namespace eaeu::sign {

struct DetachedSignature {
  std::string algorithm;    // "gost2012-256", "rsa2048", ... (Info(...).name)
  std::string signature;    // base64
  std::string certificate;  // the signer's certificate, DER in base64
};

Result<DetachedSignature> SignDetached(const SigningCredentials& credentials,
                                       std::string_view data);

// Checks `signature` over `data` with the public key of its own certificate; the certificate's
// facts when it holds. Whether that certificate is to be trusted is the caller's question.
Result<CertificateFacts> VerifyDetached(const DetachedSignature& signature, std::string_view data);

}  // namespace eaeu::sign
