// The Santuario implementation of Verifier.

#include <xercesc/dom/DOM.hpp>
#include <xsec/dsig/DSIGKeyInfoX509.hpp>
#include <xsec/dsig/DSIGReference.hpp>
#include <xsec/dsig/DSIGSignature.hpp>
#include <xsec/enc/XSECCryptoException.hpp>
#include <xsec/framework/XSECException.hpp>
#include <xsec/framework/XSECProvider.hpp>

#include "codecs/xerces_text.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/sign/detail/certificates.hpp"
#include "gateway/sign/detail/santuario.hpp"
#include "gateway/sign/detail/trust.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/xml/exc_c14n.hpp"

namespace eaeu::sign {
namespace {

using namespace detail;
using XERCES_CPP_NAMESPACE::DOMDocument;
using XERCES_CPP_NAMESPACE::DOMElement;
using XERCES_CPP_NAMESPACE::DOMNode;
using XERCES_CPP_NAMESPACE::DOMNodeList;

constexpr std::string_view kDsNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr std::string_view kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

std::string XsecMessage(const XMLCh* message) {
  return message != nullptr ? xml::ToUtf8(message) : std::string("unknown error");
}

// ----- reading the signature's DOM -----

bool IsDs(const DOMNode* node, std::string_view local_name) {
  return node != nullptr && node->getNodeType() == DOMNode::ELEMENT_NODE &&
         xml::EqualsAscii(node->getNamespaceURI(), kDsNs) &&
         xml::EqualsAscii(node->getLocalName(), local_name);
}

std::vector<const DOMElement*> ChildElements(const DOMElement& parent) {
  std::vector<const DOMElement*> out;
  for (const DOMNode* n = parent.getFirstChild(); n != nullptr; n = n->getNextSibling()) {
    if (n->getNodeType() == DOMNode::ELEMENT_NODE) out.push_back(static_cast<const DOMElement*>(n));
  }
  return out;
}

std::string Attribute(const DOMElement& element, std::string_view name) {
  return xml::ToUtf8(element.getAttribute(xml::ToUtf16(name).c_str()));
}

bool HasAttribute(const DOMElement& element, std::string_view name) {
  return element.hasAttribute(xml::ToUtf16(name).c_str());
}

std::string TextOf(const DOMElement& element) {
  return xml::ToUtf8(element.getTextContent());
}

std::string Name(const DOMElement& element) {
  return xml::ToUtf8(element.getTagName());
}

// What the profile check learned, or the first way the signature leaves the profile.
struct Profile {
  Algorithm algorithm = Algorithm::kRsaSha256;
  std::string digest_value;                // base64, as ds:DigestValue has it
  std::vector<detail::Cert> certificates;  // signer first
};

struct Failure {
  SignatureCheck check;
  std::string reason;
};

using ProfileResult = std::variant<Profile, Failure>;

Failure Fail(SignatureCheck check, std::string reason) {
  return Failure{check, std::move(reason)};
}

ProfileResult ReadProfile(const DOMElement& signature) {
  const auto parts = ChildElements(signature);
  if (parts.size() < 3 || !IsDs(parts[0], "SignedInfo") || !IsDs(parts[1], "SignatureValue") ||
      !IsDs(parts[2], "KeyInfo")) {
    return Fail(SignatureCheck::kProfile,
                "ds:Signature must hold ds:SignedInfo, ds:SignatureValue and ds:KeyInfo, in this "
                "order");
  }
  if (parts.size() > 3) {
    return Fail(SignatureCheck::kProfile,
                "ds:Signature holds " + Name(*parts[3]) +
                    " after ds:KeyInfo; the profile has no ds:Object or other content");
  }
  const auto info = ChildElements(*parts[0]);
  if (info.size() < 3 || !IsDs(info[0], "CanonicalizationMethod") ||
      !IsDs(info[1], "SignatureMethod")) {
    return Fail(SignatureCheck::kProfile,
                "ds:SignedInfo must hold ds:CanonicalizationMethod, ds:SignatureMethod and one "
                "ds:Reference");
  }
  if (const auto c14n = Attribute(*info[0], "Algorithm"); c14n != kExcC14n) {
    return Fail(SignatureCheck::kProfile, "ds:CanonicalizationMethod is \"" + c14n +
                                              "\"; the profile uses exclusive c14n (" +
                                              std::string(kExcC14n) + ")");
  }
  const auto method = Attribute(*info[1], "Algorithm");
  const auto algorithm = AlgorithmFromSignatureUri(method);
  if (!algorithm) {
    return Fail(SignatureCheck::kProfile,
                "ds:SignatureMethod \"" + method +
                    "\" is not one of the algorithms of exchange.md §5 (GOST R 34.10-2012 256 or "
                    "512, RSA-SHA256, ECDSA-P256-SHA256)");
  }
  if (info.size() != 3 || !IsDs(info[2], "Reference")) {
    return Fail(SignatureCheck::kWrapping,
                "ds:SignedInfo must hold exactly one ds:Reference, to the whole document; it "
                "holds " +
                    std::to_string(info.size() - 2) + " elements after ds:SignatureMethod");
  }
  const DOMElement& reference = *info[2];
  if (!HasAttribute(reference, "URI") || !Attribute(reference, "URI").empty()) {
    return Fail(SignatureCheck::kWrapping,
                HasAttribute(reference, "URI")
                    ? "ds:Reference/@URI is \"" + Attribute(reference, "URI") +
                          "\": the signature must cover the whole document (URI=\"\")"
                    : "ds:Reference has no URI: the signature must cover the whole document "
                      "(URI=\"\")");
  }
  const auto ref_parts = ChildElements(reference);
  size_t next = 0;
  if (next < ref_parts.size() && IsDs(ref_parts[next], "Transforms")) {
    const auto transforms = ChildElements(*ref_parts[next]);
    std::vector<std::string> uris;
    for (const DOMElement* t : transforms) uris.push_back(Attribute(*t, "Algorithm"));
    const bool ok = (uris.size() == 1 && uris[0] == kEnveloped) ||
                    (uris.size() == 2 && uris[0] == kEnveloped && uris[1] == kExcC14n);
    if (!ok) {
      std::string list;
      for (const auto& u : uris) list += (list.empty() ? "" : ", ") + u;
      return Fail(SignatureCheck::kProfile,
                  "ds:Reference/ds:Transforms is [" + list +
                      "]; the profile allows the enveloped-signature transform, then exclusive "
                      "c14n");
    }
    ++next;
  } else {
    return Fail(SignatureCheck::kProfile,
                "ds:Reference has no ds:Transforms; an enveloped signature needs the "
                "enveloped-signature transform");
  }
  if (next + 2 != ref_parts.size() || !IsDs(ref_parts[next], "DigestMethod") ||
      !IsDs(ref_parts[next + 1], "DigestValue")) {
    return Fail(SignatureCheck::kProfile,
                "ds:Reference must end with ds:DigestMethod and ds:DigestValue");
  }
  const auto digest = Attribute(*ref_parts[next], "Algorithm");
  if (digest != Info(*algorithm).digest_uri) {
    return Fail(SignatureCheck::kProfile, "ds:DigestMethod is \"" + digest + "\"; with " +
                                              std::string(Info(*algorithm).description) +
                                              " it must be \"" +
                                              std::string(Info(*algorithm).digest_uri) + "\"");
  }

  Profile profile;
  profile.algorithm = *algorithm;
  profile.digest_value = TextOf(*ref_parts[next + 1]);
  size_t index = 0;
  for (const DOMElement* item : ChildElements(*parts[2])) {
    if (!IsDs(item, "X509Data")) continue;
    for (const DOMElement* x : ChildElements(*item)) {
      if (!IsDs(x, "X509Certificate")) continue;
      ++index;
      const auto der = Base64Decode(TextOf(*x));
      const unsigned char* p = der ? der->data() : nullptr;
      detail::Cert cert(der ? d2i_X509(nullptr, &p, static_cast<long>(der->size())) : nullptr);
      if (!cert || p != der->data() + der->size()) {
        TakeOpenSslErrors();
        return Fail(SignatureCheck::kCertificate, "ds:X509Certificate[" + std::to_string(index) +
                                                      "] is not a DER certificate in base64");
      }
      profile.certificates.push_back(std::move(cert));
    }
  }
  if (profile.certificates.empty()) {
    return Fail(SignatureCheck::kCertificate,
                "ds:KeyInfo/ds:X509Data holds no ds:X509Certificate: the signer's certificate is "
                "required");
  }
  return profile;
}

// One ds:Signature, the last element child of the root.
std::variant<DOMElement*, Failure> FindSignature(DOMDocument& document) {
  DOMElement* root = document.getDocumentElement();
  DOMNodeList* all = document.getElementsByTagNameNS(xml::ToUtf16(kDsNs).c_str(),
                                                     xml::ToUtf16("Signature").c_str());
  const XMLSize_t count = all != nullptr ? all->getLength() : 0;
  if (root == nullptr || count == 0) {
    return Fail(SignatureCheck::kPresence, "the document carries no ds:Signature");
  }
  if (count > 1) {
    return Fail(SignatureCheck::kWrapping, "the document carries " + std::to_string(count) +
                                               " ds:Signature elements; the profile has one");
  }
  auto* signature = static_cast<DOMElement*>(all->item(0));
  if (signature->getParentNode() != root) {
    return Fail(
        SignatureCheck::kWrapping,
        "ds:Signature is inside " +
            xml::ToUtf8(static_cast<const DOMElement*>(signature->getParentNode())->getTagName()) +
            "; it must be a child of the root " + Name(*root));
  }
  for (const DOMNode* n = signature->getNextSibling(); n != nullptr; n = n->getNextSibling()) {
    if (n->getNodeType() == DOMNode::ELEMENT_NODE) {
      return Fail(SignatureCheck::kWrapping, "ds:Signature is followed by " +
                                                 Name(*static_cast<const DOMElement*>(n)) +
                                                 "; it must be the last child of the root");
    }
  }
  return signature;
}

// The reference's digest: the document without `signature`, in exclusive c14n, hashed with the
// algorithm's digest as the canonical bytes stream out.
std::vector<unsigned char> DocumentDigest(const DOMDocument& document, const DOMElement* signature,
                                          Algorithm algorithm) {
  MdCtx ctx(EVP_MD_CTX_new());
  const EVP_MD* md = DigestOf(algorithm);
  if (!ctx || md == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return {};
  bool ok = true;
  xml::CanonicaliseDocument(document, signature, [&](std::string_view bytes) {
    ok = ok && EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1;
  });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) return {};
  return std::vector<unsigned char>(digest, digest + size);
}

// Santuario's signature objects belong to a provider; this returns them to it.
struct SignatureHandle {
  XSECProvider& provider;
  DSIGSignature* signature;
  ~SignatureHandle() {
    if (signature != nullptr) provider.releaseSignature(signature);
  }
};

class SantuarioVerifier final : public Verifier {
 public:
  explicit SantuarioVerifier(std::shared_ptr<const TrustStore> trust) : trust_(std::move(trust)) {}

  SignatureVerdict Verify(DOMDocument& document, const VerifyOptions& options) const override {
    SignatureVerdict verdict;
    verdict.signing_time = options.signing_time.value_or(options.now);
    auto reject = [&verdict](SignatureCheck check, std::string reason) {
      verdict.valid = false;
      verdict.failed = check;
      verdict.reason = std::move(reason);
      return verdict;
    };

    auto found = FindSignature(document);
    if (auto* f = std::get_if<Failure>(&found)) return reject(f->check, std::move(f->reason));
    DOMElement* signature = std::get<DOMElement*>(found);

    auto read = ReadProfile(*signature);
    if (auto* f = std::get_if<Failure>(&read)) return reject(f->check, std::move(f->reason));
    Profile& profile = std::get<Profile>(read);
    verdict.algorithm = profile.algorithm;
    if (auto available = CheckAvailable(profile.algorithm); !available) {
      return reject(SignatureCheck::kProfile, available.error().message);
    }
    X509* signer = profile.certificates.front().get();
    verdict.signer = FactsOf(signer);

    EVP_PKEY* public_key = X509_get0_pubkey(signer);
    std::string why;
    const auto key_algorithm = AlgorithmOfKey(public_key, &why);
    if (key_algorithm != profile.algorithm) {
      TakeOpenSslErrors();
      return reject(
          SignatureCheck::kCertificate,
          "the signer's certificate holds " +
              (key_algorithm ? std::string(Info(*key_algorithm).description) + " key" : why) +
              ", ds:SignatureMethod is " + std::string(Info(profile.algorithm).description));
    }
    if (verdict.signing_time > options.now + options.allowed_clock_skew) {
      return reject(SignatureCheck::kValidity,
                    "the signing time " + FormatUtc(verdict.signing_time) +
                        " is later than the time of receipt " + FormatUtc(options.now));
    }

    std::vector<X509*> intermediates;
    for (size_t i = 1; i < profile.certificates.size(); ++i) {
      intermediates.push_back(profile.certificates[i].get());
    }
    ChainCheck chain = CheckChain(*trust_, signer, intermediates, verdict.signing_time);
    verdict.notes = std::move(chain.notes);
    if (chain.failed) return reject(*chain.failed, std::move(chain.reason));

    bool key_usage_present = false;
    if (!KeyUsageAllowsSigning(signer, &key_usage_present)) {
      return reject(SignatureCheck::kKeyUsage,
                    "the signer's certificate keyUsage allows neither digitalSignature nor "
                    "nonRepudiation");
    }
    if (!key_usage_present) {
      verdict.notes.push_back("the signer's certificate has no keyUsage extension (unrestricted)");
    }

    XSECProvider provider;
    try {
      SignatureHandle handle{provider, provider.newSignatureFromDOM(&document, signature)};
      DSIGSignature& sig = *handle.signature;
      sig.setIdByAttributeName(false);
      sig.load();
      sig.setSigningKey(new EvpKey(Share(public_key), profile.algorithm));
      if (!sig.verifySignatureOnly()) {
        return reject(SignatureCheck::kSignatureValue,
                      "ds:SignatureValue does not verify over ds:SignedInfo with the signer's "
                      "public key");
      }
      const auto digest = DocumentDigest(document, signature, profile.algorithm);
      const auto claimed = Base64Decode(profile.digest_value);
      if (digest.empty() || !claimed || *claimed != digest) {
        return reject(SignatureCheck::kDigest,
                      "the digest of the document differs from ds:DigestValue: the document was "
                      "changed after it was signed");
      }
    } catch (const XSECException& e) {
      return reject(SignatureCheck::kProfile, XsecMessage(e.getMsg()));
    } catch (const XSECCryptoException& e) {
      return reject(SignatureCheck::kProfile, e.getMsg());
    }
    verdict.valid = true;
    return verdict;
  }

 private:
  std::shared_ptr<const TrustStore> trust_;
};

}  // namespace

std::string_view CheckName(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::kPresence:
      return "presence";
    case SignatureCheck::kProfile:
      return "profile";
    case SignatureCheck::kWrapping:
      return "wrapping";
    case SignatureCheck::kCertificate:
      return "certificate";
    case SignatureCheck::kTrust:
      return "trust";
    case SignatureCheck::kValidity:
      return "validity";
    case SignatureCheck::kKeyUsage:
      return "key-usage";
    case SignatureCheck::kRevocation:
      return "revocation";
    case SignatureCheck::kSignatureValue:
      return "signature-value";
    case SignatureCheck::kDigest:
      return "digest";
  }
  return "unknown";
}

std::string SignatureVerdict::Code() const {
  return valid || !failed ? "signature.valid" : "signature." + std::string(CheckName(*failed));
}

std::unique_ptr<Verifier> MakeSantuarioVerifier(std::shared_ptr<const TrustStore> trust) {
  EnsureSantuarioInitialised();
  return std::make_unique<SantuarioVerifier>(std::move(trust));
}

}  // namespace eaeu::sign
