// The verifier of enveloped signatures (signature.hpp): the profile and certificate checks over a
// DOM or the compact tree; the signature value by Santuario on a DOM, by the gateway's own
// canonical form of ds:SignedInfo on the tree.

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
#include "gateway/sign/detail/digest.hpp"
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

// ----- reading a signature: the same checks over a Xerces DOM and over the compact tree -----

// The DOM as the profile checks read it.
class DomView {
 public:
  using Element = const DOMElement*;
  static constexpr Element kNone = nullptr;

  explicit DomView(const DOMDocument& document) : document_(document) {}

  Element Root() const { return document_.getDocumentElement(); }
  // Every ds:Signature of the document, in document order.
  std::vector<Element> Signatures() const {
    std::vector<Element> out;
    DOMNodeList* all = document_.getElementsByTagNameNS(xml::ToUtf16(kDsNs).c_str(),
                                                        xml::ToUtf16("Signature").c_str());
    for (XMLSize_t i = 0; all != nullptr && i < all->getLength(); ++i) {
      out.push_back(static_cast<Element>(all->item(i)));
    }
    return out;
  }
  // The element's parent element; null for the root.
  Element Parent(Element e) const {
    const DOMNode* p = e->getParentNode();
    return p != nullptr && p->getNodeType() == DOMNode::ELEMENT_NODE ? static_cast<Element>(p)
                                                                     : nullptr;
  }
  // The first element after `e` among its siblings; null when none.
  Element NextElement(Element e) const {
    for (const DOMNode* n = e->getNextSibling(); n != nullptr; n = n->getNextSibling()) {
      if (n->getNodeType() == DOMNode::ELEMENT_NODE) return static_cast<Element>(n);
    }
    return nullptr;
  }
  std::vector<Element> ChildElements(Element parent) const {
    std::vector<Element> out;
    for (const DOMNode* n = parent->getFirstChild(); n != nullptr; n = n->getNextSibling()) {
      if (n->getNodeType() == DOMNode::ELEMENT_NODE) out.push_back(static_cast<Element>(n));
    }
    return out;
  }
  bool IsDs(Element e, std::string_view local_name) const {
    return e != nullptr && xml::EqualsAscii(e->getNamespaceURI(), kDsNs) &&
           xml::EqualsAscii(e->getLocalName(), local_name);
  }
  std::string Attribute(Element e, std::string_view name) const {
    return xml::ToUtf8(e->getAttribute(xml::ToUtf16(name).c_str()));
  }
  bool HasAttribute(Element e, std::string_view name) const {
    return e->hasAttribute(xml::ToUtf16(name).c_str());
  }
  std::string Text(Element e) const { return xml::ToUtf8(e->getTextContent()); }
  std::string Name(Element e) const { return xml::ToUtf8(e->getTagName()); }

 private:
  const DOMDocument& document_;
};

// The compact tree as the profile checks read it.
class TreeView {
 public:
  using Element = xml::Tree::Index;
  static constexpr Element kNone = xml::Tree::kNone;

  explicit TreeView(const xml::Tree& tree) : tree_(tree) {}

  Element Root() const { return tree_.root(); }
  std::vector<Element> Signatures() const {
    std::vector<Element> out;
    for (Element i = 0; i < tree_.node_count(); ++i) {
      if (tree_.node(i).kind == xml::Tree::Kind::kElement && tree_.Is(i, kDsNs, "Signature")) {
        out.push_back(i);
      }
    }
    return out;
  }
  Element Parent(Element e) const { return tree_.node(e).parent; }
  Element NextElement(Element e) const { return tree_.NextSiblingElement(e); }
  std::vector<Element> ChildElements(Element parent) const {
    std::vector<Element> out;
    for (Element i = tree_.FirstChildElement(parent); i != xml::Tree::kNone;
         i = tree_.NextSiblingElement(i)) {
      out.push_back(i);
    }
    return out;
  }
  bool IsDs(Element e, std::string_view local_name) const {
    return e != xml::Tree::kNone && tree_.Is(e, kDsNs, local_name);
  }
  std::string Attribute(Element e, std::string_view name) const {
    return std::string(tree_.AttributeValue(e, name).value_or(""));
  }
  bool HasAttribute(Element e, std::string_view name) const {
    return tree_.AttributeValue(e, name).has_value();
  }
  // Every text of the subtree, in document order (the DOM's textContent).
  std::string Text(Element e) const {
    std::string out;
    AppendText(e, out);
    return out;
  }
  std::string Name(Element e) const { return std::string(tree_.QualifiedName(e)); }

 private:
  void AppendText(Element e, std::string& out) const {
    for (Element i = tree_.node(e).first_child; i != xml::Tree::kNone;
         i = tree_.node(i).next_sibling) {
      const xml::Tree::Node& n = tree_.node(i);
      if (n.kind == xml::Tree::Kind::kText) out += tree_.Text(n);
      if (n.kind == xml::Tree::Kind::kElement) AppendText(i, out);
    }
  }

  const xml::Tree& tree_;
};

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

template <class View>
ProfileResult ReadProfile(const View& v, typename View::Element signature) {
  const auto parts = v.ChildElements(signature);
  if (parts.size() < 3 || !v.IsDs(parts[0], "SignedInfo") || !v.IsDs(parts[1], "SignatureValue") ||
      !v.IsDs(parts[2], "KeyInfo")) {
    return Fail(SignatureCheck::kProfile,
                "ds:Signature must hold ds:SignedInfo, ds:SignatureValue and ds:KeyInfo, in this "
                "order");
  }
  if (parts.size() > 3) {
    return Fail(SignatureCheck::kProfile,
                "ds:Signature holds " + v.Name(parts[3]) +
                    " after ds:KeyInfo; the profile has no ds:Object or other content");
  }
  const auto info = v.ChildElements(parts[0]);
  if (info.size() < 3 || !v.IsDs(info[0], "CanonicalizationMethod") ||
      !v.IsDs(info[1], "SignatureMethod")) {
    return Fail(SignatureCheck::kProfile,
                "ds:SignedInfo must hold ds:CanonicalizationMethod, ds:SignatureMethod and one "
                "ds:Reference");
  }
  if (const auto c14n = v.Attribute(info[0], "Algorithm"); c14n != kExcC14n) {
    return Fail(SignatureCheck::kProfile, "ds:CanonicalizationMethod is \"" + c14n +
                                              "\"; the profile uses exclusive c14n (" +
                                              std::string(kExcC14n) + ")");
  }
  const auto method = v.Attribute(info[1], "Algorithm");
  const auto algorithm = AlgorithmFromSignatureUri(method);
  if (!algorithm) {
    return Fail(SignatureCheck::kProfile,
                "ds:SignatureMethod \"" + method +
                    "\" is not one of the algorithms of exchange.md §5 (GOST R 34.10-2012 256 or "
                    "512, RSA-SHA256, ECDSA-P256-SHA256)");
  }
  if (info.size() != 3 || !v.IsDs(info[2], "Reference")) {
    return Fail(SignatureCheck::kWrapping,
                "ds:SignedInfo must hold exactly one ds:Reference, to the whole document; it "
                "holds " +
                    std::to_string(info.size() - 2) + " elements after ds:SignatureMethod");
  }
  const auto reference = info[2];
  if (!v.HasAttribute(reference, "URI") || !v.Attribute(reference, "URI").empty()) {
    return Fail(SignatureCheck::kWrapping,
                v.HasAttribute(reference, "URI")
                    ? "ds:Reference/@URI is \"" + v.Attribute(reference, "URI") +
                          "\": the signature must cover the whole document (URI=\"\")"
                    : "ds:Reference has no URI: the signature must cover the whole document "
                      "(URI=\"\")");
  }
  const auto ref_parts = v.ChildElements(reference);
  size_t next = 0;
  if (next < ref_parts.size() && v.IsDs(ref_parts[next], "Transforms")) {
    const auto transforms = v.ChildElements(ref_parts[next]);
    std::vector<std::string> uris;
    for (const auto t : transforms) uris.push_back(v.Attribute(t, "Algorithm"));
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
  if (next + 2 != ref_parts.size() || !v.IsDs(ref_parts[next], "DigestMethod") ||
      !v.IsDs(ref_parts[next + 1], "DigestValue")) {
    return Fail(SignatureCheck::kProfile,
                "ds:Reference must end with ds:DigestMethod and ds:DigestValue");
  }
  const auto digest = v.Attribute(ref_parts[next], "Algorithm");
  if (digest != Info(*algorithm).digest_uri) {
    return Fail(SignatureCheck::kProfile, "ds:DigestMethod is \"" + digest + "\"; with " +
                                              std::string(Info(*algorithm).description) +
                                              " it must be \"" +
                                              std::string(Info(*algorithm).digest_uri) + "\"");
  }

  Profile profile;
  profile.algorithm = *algorithm;
  profile.digest_value = v.Text(ref_parts[next + 1]);
  size_t index = 0;
  for (const auto item : v.ChildElements(parts[2])) {
    if (!v.IsDs(item, "X509Data")) continue;
    for (const auto x : v.ChildElements(item)) {
      if (!v.IsDs(x, "X509Certificate")) continue;
      ++index;
      const auto der = Base64Decode(v.Text(x));
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
template <class View>
std::variant<typename View::Element, Failure> FindSignature(const View& v) {
  const auto root = v.Root();
  const auto all = v.Signatures();
  if (root == View::kNone || all.empty()) {
    return Fail(SignatureCheck::kPresence, "the document carries no ds:Signature");
  }
  if (all.size() > 1) {
    return Fail(SignatureCheck::kWrapping, "the document carries " + std::to_string(all.size()) +
                                               " ds:Signature elements; the profile has one");
  }
  const auto signature = all.front();
  const auto parent = v.Parent(signature);
  if (parent == View::kNone) {
    return Fail(SignatureCheck::kWrapping,
                "ds:Signature is the document's root; it must be the last child of the root");
  }
  if (parent != root) {
    return Fail(SignatureCheck::kWrapping, "ds:Signature is inside " + v.Name(parent) +
                                               "; it must be a child of the root " + v.Name(root));
  }
  if (const auto after = v.NextElement(signature); after != View::kNone) {
    return Fail(SignatureCheck::kWrapping, "ds:Signature is followed by " + v.Name(after) +
                                               "; it must be the last child of the root");
  }
  return signature;
}

// Santuario's signature objects belong to a provider; this returns them to it.
struct SignatureHandle {
  XSECProvider& provider;
  DSIGSignature* signature;
  ~SignatureHandle() {
    if (signature != nullptr) provider.releaseSignature(signature);
  }
};

// Verifies on either form of the document: the profile, the signer's certificate, its chain to
// the trust store, its validity and key usage are read and checked the same way; ds:SignedInfo's
// signature value is checked by Santuario on a DOM, and from its canonical form on the tree.
class EnvelopedVerifier final : public Verifier {
 public:
  explicit EnvelopedVerifier(std::shared_ptr<const TrustStore> trust) : trust_(std::move(trust)) {}

  SignatureVerdict Verify(DOMDocument& document, const VerifyOptions& options) const override {
    return Check(
        DomView(document), options,
        [&](const DOMElement* signature, const Profile& profile,
            EVP_PKEY* key) -> std::optional<Failure> {
          auto* element = const_cast<DOMElement*>(signature);
          XSECProvider provider;
          try {
            SignatureHandle handle{provider, provider.newSignatureFromDOM(&document, element)};
            DSIGSignature& sig = *handle.signature;
            sig.setIdByAttributeName(false);
            sig.load();
            sig.setSigningKey(new EvpKey(Share(key), profile.algorithm));
            if (!sig.verifySignatureOnly()) return SignatureValueFailure();
          } catch (const XSECException& e) {
            return Fail(SignatureCheck::kProfile, XsecMessage(e.getMsg()));
          } catch (const XSECCryptoException& e) {
            return Fail(SignatureCheck::kProfile, e.getMsg());
          }
          return DigestFailure(CanonicalDigest(document, signature, profile.algorithm), profile);
        });
  }

  SignatureVerdict Verify(const xml::Tree& tree, const VerifyOptions& options) const override {
    const TreeView view(tree);
    return Check(
        view, options,
        [&](xml::Tree::Index signature, const Profile& profile,
            EVP_PKEY* key) -> std::optional<Failure> {
          const auto parts = view.ChildElements(signature);
          const std::string signed_info = xml::CanonicaliseElement(tree, parts[0]);
          if (!VerifySignatureValue(key, profile.algorithm, view.Text(parts[1]), signed_info)) {
            return SignatureValueFailure();
          }
          return DigestFailure(CanonicalDigest(tree, signature, profile.algorithm), profile);
        });
  }

 private:
  static Failure SignatureValueFailure() {
    return Fail(SignatureCheck::kSignatureValue,
                "ds:SignatureValue does not verify over ds:SignedInfo with the signer's public "
                "key");
  }

  static std::optional<Failure> DigestFailure(const std::vector<unsigned char>& digest,
                                              const Profile& profile) {
    const auto claimed = Base64Decode(profile.digest_value);
    if (digest.empty() || !claimed || *claimed != digest) {
      return Fail(SignatureCheck::kDigest,
                  "the digest of the document differs from ds:DigestValue: the document was "
                  "changed after it was signed");
    }
    return std::nullopt;
  }

  // Everything but the signature value and the digest, which `value_and_digest(signature,
  // profile, key)` checks last.
  template <class View, class Last>
  SignatureVerdict Check(const View& view, const VerifyOptions& options,
                         const Last& value_and_digest) const {
    SignatureVerdict verdict;
    verdict.signing_time = options.signing_time.value_or(options.now);
    auto reject = [&verdict](SignatureCheck check, std::string reason) {
      verdict.valid = false;
      verdict.failed = check;
      verdict.reason = std::move(reason);
      return verdict;
    };

    auto found = FindSignature(view);
    if (auto* f = std::get_if<Failure>(&found)) return reject(f->check, std::move(f->reason));
    const auto signature = std::get<typename View::Element>(found);

    auto read = ReadProfile(view, signature);
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

    if (auto failed = value_and_digest(signature, profile, public_key)) {
      return reject(failed->check, std::move(failed->reason));
    }
    verdict.valid = true;
    return verdict;
  }

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

std::unique_ptr<Verifier> MakeVerifier(std::shared_ptr<const TrustStore> trust) {
  EnsureSantuarioInitialised();
  return std::make_unique<EnvelopedVerifier>(std::move(trust));
}

}  // namespace eaeu::sign
