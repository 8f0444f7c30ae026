#include "gateway/sign/detail/santuario.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <xercesc/dom/DOM.hpp>
#include <xsec/dsig/DSIGConstants.hpp>
#include <xsec/framework/XSECAlgorithmHandler.hpp>
#include <xsec/framework/XSECException.hpp>
#include <xsec/transformers/TXFMBase.hpp>
#include <xsec/transformers/TXFMChain.hpp>
#include <xsec/utils/XSECPlatformUtils.hpp>
#include <xsec/utils/XSECSafeBuffer.hpp>

#include <cstring>
#include <mutex>

#include "codecs/xerces_text.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::sign::detail {
namespace {

using XERCES_CPP_NAMESPACE::DOMDocument;

// Every byte the chain's last transform gives.
std::string Drain(TXFMChain* chain) {
  std::string out;
  XMLByte buffer[16384];
  while (const unsigned int n = chain->getLastTxfm()->readBytes(buffer, sizeof buffer)) {
    out.append(reinterpret_cast<const char*>(buffer), n);
  }
  return out;
}

[[noreturn]] void Throw(const std::string& message) {
  throw XSECException(XSECException::AlgorithmMapperError, message.c_str());
}

// The digest of a byte stream (a reference's canonical form, or SignedInfo's) with any EVP
// digest, GOST R 34.11-2012 included.
class EvpDigestTxfm final : public TXFMBase {
 public:
  EvpDigestTxfm(DOMDocument* doc, const EVP_MD* md) : TXFMBase(doc), md_(md) {}

  void setInput(TXFMBase* in) override {
    if (in == nullptr || in->getOutputType() != TXFMBase::BYTE_STREAM) {
      Throw("digest: the input is not a byte stream");
    }
    input = in;
    keepComments = in->getCommentsStatus();
  }
  ioType getInputType() const override { return TXFMBase::BYTE_STREAM; }
  ioType getOutputType() const override { return TXFMBase::BYTE_STREAM; }
  nodeType getNodeType() const override { return TXFMBase::DOM_NODE_NONE; }

  unsigned int readBytes(XMLByte* const to_fill, const unsigned int max) override {
    if (!computed_) Compute();
    const size_t n = std::min<size_t>(max, digest_.size() - offset_);
    std::memcpy(to_fill, digest_.data() + offset_, n);
    offset_ += n;
    return static_cast<unsigned int>(n);
  }

 private:
  void Compute() {
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md_, nullptr) != 1) Throw("digest: cannot start");
    XMLByte buffer[16384];
    while (const unsigned int n = input->readBytes(buffer, sizeof buffer)) {
      if (EVP_DigestUpdate(ctx.get(), buffer, n) != 1) Throw("digest: cannot update");
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &size) != 1) Throw("digest: cannot finish");
    digest_.assign(md, md + size);
    computed_ = true;
  }

  const EVP_MD* md_;
  bool computed_ = false;
  std::vector<unsigned char> digest_;
  size_t offset_ = 0;
};

class EvpAlgorithmHandler final : public XSECAlgorithmHandler {
 public:
  // Encryption is not part of the exchange.
  bool encryptToSafeBuffer(TXFMChain*, XENCEncryptionMethod*, const XSECCryptoKey*, DOMDocument*,
                           safeBuffer&) const override {
    Throw("encryption is not supported");
  }
  unsigned int decryptToSafeBuffer(TXFMChain*, XENCEncryptionMethod*, const XSECCryptoKey*,
                                   DOMDocument*, safeBuffer&) const override {
    Throw("decryption is not supported");
  }
  bool appendDecryptCipherTXFM(TXFMChain*, XENCEncryptionMethod*, const XSECCryptoKey*,
                               DOMDocument*) const override {
    Throw("decryption is not supported");
  }
  XSECCryptoKey* createKeyForURI(const XMLCh*, const unsigned char*, unsigned int) const override {
    Throw("key transport is not supported");
  }

  unsigned int signToSafeBuffer(TXFMChain* input, const XMLCh* uri, const XSECCryptoKey* key,
                                unsigned int /*output_length*/, safeBuffer& result) const override {
    const EvpKey& evp = KeyFor(uri, key);
    const std::string data = Drain(input);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, DigestOf(evp.algorithm()), nullptr) !=
        1) {
      Throw("cannot hash SignedInfo: " + TakeOpenSslErrors());
    }
    const auto signature = SignDigest(evp.key(), evp.algorithm(), digest, size);
    if (signature.empty()) Throw("cannot sign: " + TakeOpenSslErrors());
    const std::string text = Base64Encode(signature.data(), signature.size());
    result.sbStrcpyIn(text.c_str());
    return static_cast<unsigned int>(text.size());
  }

  bool verifyBase64Signature(TXFMChain* input, const XMLCh* uri, const char* base64,
                             unsigned int /*output_length*/,
                             const XSECCryptoKey* key) const override {
    const EvpKey& evp = KeyFor(uri, key);
    return VerifySignatureValue(evp.key(), evp.algorithm(), base64 != nullptr ? base64 : "",
                                Drain(input));
  }

  bool appendSignatureHashTxfm(TXFMChain* input, const XMLCh* uri,
                               const XSECCryptoKey* key) const override {
    const EvpKey& evp = KeyFor(uri, key);
    Append(input, DigestOf(evp.algorithm()));
    return true;
  }

  bool appendHashTxfm(TXFMChain* input, const XMLCh* uri) const override {
    const std::string name = xml::ToUtf8(uri);
    for (const auto& a : Algorithms()) {
      if (a.digest_uri == name) {
        Append(input, DigestOf(a.id));
        return true;
      }
    }
    Throw("digest method not supported: " + name);
  }

  XSECAlgorithmHandler* clone() const override { return new EvpAlgorithmHandler(); }

 private:
  // The key, checked against the signature method `uri`.
  static const EvpKey& KeyFor(const XMLCh* uri, const XSECCryptoKey* key) {
    const std::string name = xml::ToUtf8(uri);
    const auto algorithm = AlgorithmFromSignatureUri(name);
    if (!algorithm) Throw("signature method not supported: " + name);
    const auto* evp = dynamic_cast<const EvpKey*>(key);
    if (evp == nullptr) Throw("the key was not loaded by the gateway");
    if (evp->algorithm() != *algorithm) {
      Throw("the key is for " + std::string(Info(evp->algorithm()).description) +
            ", the signature method is " + std::string(Info(*algorithm).description));
    }
    return *evp;
  }

  static void Append(TXFMChain* chain, const EVP_MD* md) {
    if (md == nullptr) Throw("digest not available: " + TakeOpenSslErrors());
    chain->appendTxfm(new EvpDigestTxfm(chain->getLastTxfm()->getDocument(), md));
  }
};

const XMLCh kProviderName[] = {'E', 'V', 'P', 0};

}  // namespace

const XMLCh* EvpKey::getProviderName() const {
  return kProviderName;
}

XSECCryptoKey* EvpKey::clone() const {
  return new EvpKey(Share(key_.get()), algorithm_);
}

void EnsureSantuarioInitialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    xml::EnsureXercesInitialised();
    XSECPlatformUtils::Initialise();
    const EvpAlgorithmHandler handler;  // the mapper keeps a clone
    for (const auto& a : Algorithms()) {
      XSECPlatformUtils::registerAlgorithmHandler(xml::ToUtf16(a.signature_uri).c_str(), handler);
      XSECPlatformUtils::registerAlgorithmHandler(xml::ToUtf16(a.digest_uri).c_str(), handler);
    }
  });
}

}  // namespace eaeu::sign::detail
