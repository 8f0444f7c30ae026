#pragma once
// Enveloped XML-DSig signatures of exchange.md §5: signing an outgoing document from the compact
// tree the validator built (a document is not parsed again to be signed), and verifying an
// incoming one on a DOM.
//
// The profile: one ds:Signature, the last child of the document's root; one ds:Reference with
// URI="" (the whole document) and the transforms enveloped-signature then exclusive c14n;
// SignedInfo canonicalised with exclusive c14n; the signer's certificate in
// ds:KeyInfo/ds:X509Data. Algorithms: GOST R 34.10-2012 / 34.11-2012 (256, 512), RSA-SHA256,
// ECDSA-P256-SHA256.

#include <xercesc/util/XercesDefs.hpp>

#include <array>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "codecs/xml_tree.hpp"
#include "gateway/core/result.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/trust_store.hpp"
#include "gateway/sign/verdict.hpp"

XERCES_CPP_NAMESPACE_BEGIN
class DOMDocument;
XERCES_CPP_NAMESPACE_END

namespace eaeu::sign {

// A signed document as its source and the signature written into it: `signature` goes in at
// byte `at` of the source, or, when the source could not be written into (another encoding than
// UTF-8), of `document`, which replaces it. The pieces let a large document be written out
// without a second copy of it in memory.
struct Enveloped {
  std::string signature;  // the ds:Signature element
  size_t at = 0;
  std::optional<std::string> document;

  // The document the signature goes in: `source`, or `document`.
  std::string_view Base(std::string_view source) const {
    return document ? std::string_view(*document) : source;
  }
  // The signed document's bytes, in order, as three pieces.
  std::array<std::string_view, 3> Pieces(std::string_view source) const {
    const std::string_view base = Base(source);
    return {base.substr(0, at), signature, base.substr(at)};
  }
  std::string Join(std::string_view source) const;
};

class Signer {
 public:
  virtual ~Signer() = default;

  // The signature of `tree`'s document and where it goes in `source` (the bytes `tree` was built
  // from): in front of the root's end tag, the last child of the root, every other byte as it
  // was. A source in another encoding than UTF-8 comes out as its canonical form in UTF-8 with
  // the signature in the same place. `at` is the signing time: the certificate must be valid
  // then. A document that already carries a ds:Signature is refused. Thread-safe.
  virtual Result<Enveloped> SignInPlace(const xml::Tree& tree, std::string_view source,
                                        std::time_t at) const = 0;
  // The signed document, whole.
  Result<std::string> Sign(const xml::Tree& tree, std::string_view source, std::time_t at) const;

  virtual Algorithm algorithm() const = 0;
  virtual const CertificateFacts& certificate() const = 0;
};

// The signing time. An enveloped signature of this profile carries no trusted time (no
// time-stamp; csdo:EDocDateTime is when the document was made, which may be long before it was
// signed, and the signer writes it). The one time the receiver can vouch for is when the
// signature reached it: the signature existed then. So the certificates are checked at the time
// of receipt, and a re-check of a journalled message passes the time it was received.
struct VerifyOptions {
  std::time_t now = 0;                      // now (an injected clock)
  std::optional<std::time_t> signing_time;  // the time of receipt, when not now
  // A signing time later than `now` by more than this is refused.
  std::time_t allowed_clock_skew = 300;
};

class Verifier {
 public:
  virtual ~Verifier() = default;

  // Verifies the one signature of `document`, which is not modified. Every outcome is a
  // verdict, never an error: an unsigned document is "not valid, presence". Thread-safe for
  // different documents.
  virtual SignatureVerdict Verify(XERCES_CPP_NAMESPACE::DOMDocument& document,
                                  const VerifyOptions& options) const = 0;
  // The same checks on the compact tree the validator built, with no DOM: the signature value
  // over ds:SignedInfo's canonical form and the digest over the document's, both written from
  // the tree. What the gateway runs on what arrives; the DOM form is Santuario's, kept as the
  // independent check the tests hold the tree's against.
  virtual SignatureVerdict Verify(const xml::Tree& tree, const VerifyOptions& options) const = 0;
};

// The signer of the tree (enveloped_signer.cpp): one digest of the streamed canonical form, one
// signature of ds:SignedInfo. `credentials` must be usable for signing; the algorithm must be
// available (CheckAvailable).
Result<std::unique_ptr<Signer>> MakeSigner(std::shared_ptr<const SigningCredentials> credentials);
// The verifier against `trust`; on a DOM, Santuario (Apache XML Security for C++) with the
// gateway's EVP algorithm handler checks ds:SignedInfo.
std::unique_ptr<Verifier> MakeVerifier(std::shared_ptr<const TrustStore> trust);

}  // namespace eaeu::sign
