// The signer: the enveloped signature of exchange.md §5 made from the compact tree the validator
// built, with no DOM and no serialiser. The document's canonical form streams into the digest;
// ds:SignedInfo is written here in its canonical form, hashed and signed once; the ds:Signature is
// written into the document's own bytes in front of the root's end tag, which is where the
// enveloped-signature transform takes it out again.

#include <openssl/evp.h>

#include <optional>
#include <string>

#include "gateway/sign/detail/certificates.hpp"
#include "gateway/sign/detail/digest.hpp"
#include "gateway/sign/detail/openssl.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/xml/exc_c14n.hpp"

namespace eaeu::sign {
namespace {

using namespace detail;

constexpr std::string_view kDsNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr std::string_view kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

// ds:SignedInfo in exclusive c14n, as a verifier canonicalises it inside the ds:Signature below:
// the ds prefix is the only namespace it uses, declared on it; every element has its end tag.
std::string CanonicalSignedInfo(const AlgorithmInfo& info, std::string_view digest_base64) {
  std::string out;
  out.reserve(720);
  for (const std::string_view piece :
       {std::string_view("<ds:SignedInfo xmlns:ds=\""), kDsNs,
        std::string_view("\"><ds:CanonicalizationMethod Algorithm=\""), kExcC14n,
        std::string_view("\"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm=\""),
        info.signature_uri,
        std::string_view("\"></ds:SignatureMethod><ds:Reference URI=\"\"><ds:Transforms>"
                         "<ds:Transform Algorithm=\""),
        kEnveloped, std::string_view("\"></ds:Transform><ds:Transform Algorithm=\""), kExcC14n,
        std::string_view("\"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\""),
        info.digest_uri, std::string_view("\"></ds:DigestMethod><ds:DigestValue>"), digest_base64,
        std::string_view("</ds:DigestValue></ds:Reference></ds:SignedInfo>")}) {
    out += piece;
  }
  return out;
}

class EnvelopedSigner final : public Signer {
 public:
  explicit EnvelopedSigner(std::shared_ptr<const SigningCredentials> credentials)
      : credentials_(std::move(credentials)) {}

  Result<Enveloped> SignInPlace(const xml::Tree& tree, std::string_view source,
                                std::time_t at) const override {
    if (auto usable = credentials_->CheckUsable(at); !usable) return usable.error();
    if (tree.root() == xml::Tree::kNone) {
      return MakeError("sign.document", "", "the document has no root");
    }
    const std::string root_name(tree.QualifiedName(tree.root()));
    if (tree.Contains(kDsNs, "Signature")) {
      return MakeError("sign.already-signed", root_name,
                       "the document already carries a ds:Signature");
    }
    const Algorithm algorithm = credentials_->algorithm();
    const AlgorithmInfo& info = Info(algorithm);
    const auto digest = CanonicalDigest(tree, xml::Tree::kNone, algorithm);
    if (digest.empty()) {
      return OpenSslError("sign.failed", root_name, "cannot compute the document's digest");
    }
    const std::string signed_info =
        CanonicalSignedInfo(info, Base64Encode(digest.data(), digest.size()));
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_size = 0;
    if (EVP_Digest(signed_info.data(), signed_info.size(), hash, &hash_size, DigestOf(algorithm),
                   nullptr) != 1) {
      return OpenSslError("sign.failed", root_name, "cannot hash ds:SignedInfo");
    }
    const auto value = SignDigest(credentials_->impl().key.get(), algorithm, hash, hash_size);
    if (value.empty()) return OpenSslError("sign.failed", root_name, "OpenSSL cannot sign");

    // ds:Signature declares the ds prefix; ds:SignedInfo inside it is the canonical text without
    // the declaration it inherits.
    std::string signature;
    signature.reserve(signed_info.size() + credentials_->impl().certificate_base64.size() + 400);
    signature += "<ds:Signature xmlns:ds=\"";
    signature += kDsNs;
    signature += "\"><ds:SignedInfo";
    signature += std::string_view(signed_info).substr(signed_info.find('>'));
    signature += "<ds:SignatureValue>";
    signature += Base64Encode(value.data(), value.size());
    signature += "</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>";
    signature += credentials_->impl().certificate_base64;
    signature += "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>";
    auto enclosed = Place(tree, source);
    if (!enclosed) {
      return MakeError("sign.failed", root_name, "the root's end tag cannot be placed");
    }
    enclosed->signature = std::move(signature);
    return std::move(*enclosed);
  }

  Algorithm algorithm() const override { return credentials_->algorithm(); }
  const CertificateFacts& certificate() const override { return credentials_->certificate(); }

 private:
  // Where the signature goes: in front of the root's end tag in the source; or, for a source in
  // another encoding than UTF-8, in the same place in its canonical form (which the signature
  // covers exactly) in UTF-8. Comments outside the root do not survive that second form.
  static std::optional<Enveloped> Place(const xml::Tree& tree, std::string_view source) {
    Enveloped out;
    if (const auto end = tree.root_end_tag(); end && *end <= source.size()) {
      out.at = *end;
      return out;
    }
    std::string document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml::CanonicaliseDocument(tree, xml::Tree::kNone,
                              [&document](std::string_view piece) { document += piece; });
    // The root's end tag is followed by the processing instructions after the root, each
    // rendered as a line break and the instruction.
    size_t after = 0;
    for (auto i = tree.node(tree.root()).next_sibling; i != xml::Tree::kNone;
         i = tree.node(i).next_sibling) {
      const xml::Tree::Node& n = tree.node(i);
      if (n.kind != xml::Tree::Kind::kInstruction) continue;
      after += 1 + 2 + n.name.size + (n.text.size != 0 ? 1 + n.text.size : 0) + 2;
    }
    const std::string end_tag = "</" + std::string(tree.QualifiedName(tree.root())) + ">";
    if (document.size() < after + end_tag.size()) return std::nullopt;
    out.at = document.size() - after - end_tag.size();
    if (document.compare(out.at, end_tag.size(), end_tag) != 0) return std::nullopt;
    out.document = std::move(document);
    return out;
  }

  std::shared_ptr<const SigningCredentials> credentials_;
};

}  // namespace

std::string Enveloped::Join(std::string_view source) const {
  std::string out;
  const auto pieces = Pieces(source);
  out.reserve(pieces[0].size() + pieces[1].size() + pieces[2].size());
  for (const std::string_view piece : pieces) out.append(piece);
  return out;
}

Result<std::string> Signer::Sign(const xml::Tree& tree, std::string_view source,
                                 std::time_t at) const {
  auto placed = SignInPlace(tree, source, at);
  if (!placed) return placed.error();
  return placed->Join(source);
}

Result<std::unique_ptr<Signer>> MakeSigner(std::shared_ptr<const SigningCredentials> credentials) {
  if (!credentials) return MakeError("sign.credentials", "", "no signing credentials");
  if (auto available = CheckAvailable(credentials->algorithm()); !available) {
    return available.error();
  }
  return std::unique_ptr<Signer>(new EnvelopedSigner(std::move(credentials)));
}

}  // namespace eaeu::sign
