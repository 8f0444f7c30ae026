#pragma once
// The verdict of a signature verification: valid, or which check failed and why. It is what the
// journal records as the signature's IsValid (D5 appendix 4) with its reason.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"

namespace eaeu::sign {

// The checks, in the order the verifier makes them.
enum class SignatureCheck : uint8_t {
  kPresence,     // the document carries no ds:Signature
  kProfile,      // not the profile of exchange.md §5: structure, c14n, algorithms, transforms
  kWrapping,     // not one signature, the last child of the root, over the whole document
  kCertificate,  // no readable signer certificate in ds:X509Data, or it does not fit the algorithm
  kTrust,        // the certificate chain does not lead to a trust anchor
  kValidity,     // a certificate of the chain is not valid at the signing time
  kKeyUsage,     // the certificate may not sign (keyUsage digitalSignature or nonRepudiation)
  kRevocation,   // revoked by a CRL, or the CRL itself is unusable
  kSignatureValue,  // ds:SignatureValue does not verify over ds:SignedInfo
  kDigest,          // the document's digest differs from ds:DigestValue: the content changed
};

// "presence", "profile", ..., "digest".
std::string_view CheckName(SignatureCheck check);

struct SignatureVerdict {
  bool valid = false;
  std::optional<SignatureCheck> failed;  // set when !valid
  std::string reason;                    // why it failed, in English; empty when valid
  std::optional<Algorithm> algorithm;    // from ds:SignatureMethod, when known
  std::optional<CertificateFacts> signer;
  std::time_t signing_time = 0;    // the time the certificates were checked at
  std::vector<std::string> notes;  // what was not checked and why (no CRL for an issuer, ...)

  // "signature.valid" or "signature.<check>": the stable code of the verdict.
  std::string Code() const;
};

}  // namespace eaeu::sign
