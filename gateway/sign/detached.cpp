#include "gateway/sign/detached.hpp"

#include "gateway/sign/detail/certificates.hpp"
#include "gateway/sign/detail/openssl.hpp"

namespace eaeu::sign {

using detail::Base64Decode;
using detail::Base64Encode;
using detail::DigestOf;
using detail::MdCtx;

Result<DetachedSignature> SignDetached(const SigningCredentials& credentials,
                                       std::string_view data) {
  const auto& c = credentials.impl();
  const EVP_MD* md = DigestOf(c.algorithm);
  if (md == nullptr) {
    return MakeError("sign.unavailable", std::string(Info(c.algorithm).name),
                     "the digest is not available (is the gost engine loaded?)");
  }
  MdCtx ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, c.key.get()) != 1 ||
      EVP_DigestSignUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestSignFinal(ctx.get(), nullptr, &length) != 1) {
    return detail::OpenSslError("sign.failed", "", "cannot sign");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSignFinal(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length) !=
      1) {
    return detail::OpenSslError("sign.failed", "", "cannot sign");
  }
  signature.resize(length);
  return DetachedSignature{
      std::string(Info(c.algorithm).name),
      Base64Encode(reinterpret_cast<const unsigned char*>(signature.data()), signature.size()),
      c.certificate_base64};
}

Result<CertificateFacts> VerifyDetached(const DetachedSignature& s, std::string_view data) {
  const auto der = Base64Decode(s.certificate);
  if (!der || der->empty()) {
    return MakeError("sign.certificate", "certificate", "not a base64 certificate");
  }
  const unsigned char* p = der->data();
  detail::Cert cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  if (!cert) return detail::OpenSslError("sign.certificate", "certificate", "not a certificate");
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  std::string why;
  const auto algorithm = key != nullptr ? detail::AlgorithmOfKey(key, &why) : std::nullopt;
  if (!algorithm) {
    return MakeError("sign.algorithm", "certificate", "its key cannot sign here: " + why);
  }
  if (Info(*algorithm).name != s.algorithm) {
    return MakeError(
        "sign.algorithm", "algorithm",
        "says " + s.algorithm + ", the certificate's key is " + std::string(Info(*algorithm).name));
  }
  const auto signature = Base64Decode(s.signature);
  if (!signature) return MakeError("sign.signature", "signature", "not base64");
  const EVP_MD* md = DigestOf(*algorithm);
  MdCtx ctx(EVP_MD_CTX_new());
  const bool ok = md != nullptr && ctx &&
                  EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
                  EVP_DigestVerifyUpdate(ctx.get(), data.data(), data.size()) == 1 &&
                  EVP_DigestVerifyFinal(ctx.get(), signature->data(), signature->size()) == 1;
  TakeOpenSslErrors();
  if (!ok) {
    return MakeError("sign.mismatch", "signature",
                     "does not verify with the key of " + detail::FactsOf(cert.get()).subject);
  }
  return detail::FactsOf(cert.get());
}

}  // namespace eaeu::sign
