#include "gateway/sign/detail/openssl.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <atomic>

#include "gateway/sign/crypto.hpp"

namespace eaeu::sign::detail {

PKey Share(EVP_PKEY* key) {
  if (key != nullptr) EVP_PKEY_up_ref(key);
  return PKey(key);
}

Cert Share(X509* cert) {
  if (cert != nullptr) X509_up_ref(cert);
  return Cert(cert);
}

Bio MemoryBio(std::string_view bytes) {
  return Bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

std::string Base64Encode(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::optional<std::vector<unsigned char>> Base64Decode(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
  }
  if (compact.empty() || compact.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (compact.back() == '=') ++padding;
  if (compact[compact.size() - 2] == '=') ++padding;
  if (compact.find('=') < compact.size() - padding) return std::nullopt;
  std::vector<unsigned char> out(compact.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(compact.data()),
                                static_cast<int>(compact.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  return out;
}

std::vector<unsigned char> CertificateDer(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) return {};
  std::vector<unsigned char> out(der, der + n);
  OPENSSL_free(der);
  return out;
}

const EVP_MD* DigestOf(Algorithm algorithm) {
  static std::atomic<const EVP_MD*> cache[4] = {};
  auto& slot = cache[static_cast<size_t>(algorithm)];
  const EVP_MD* md = slot.load(std::memory_order_acquire);
  if (md == nullptr) {
    md = EVP_get_digestbyname(std::string(Info(algorithm).digest_name).c_str());
    slot.store(md, std::memory_order_release);
  }
  return md;
}

Error OpenSslError(std::string code, std::string where, std::string what) {
  const std::string reason = TakeOpenSslErrors();
  if (!reason.empty()) what += ": " + reason;
  return MakeError(std::move(code), std::move(where), std::move(what));
}

std::vector<unsigned char> EcdsaDerToRaw(const unsigned char* der, size_t size) {
  const unsigned char* p = der;
  std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
  if (!sig) return {};
  std::vector<unsigned char> raw(2 * kP256Half);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), kP256Half) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + kP256Half, kP256Half) < 0) {
    return {};
  }
  return raw;
}

// nullopt when `raw` is not r || s of P-256.
std::optional<std::vector<unsigned char>> EcdsaRawToDer(const std::vector<unsigned char>& raw) {
  if (raw.size() != 2 * kP256Half) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), kP256Half, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + kP256Half, kP256Half, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int n = i2d_ECDSA_SIG(sig.get(), &der);
  if (n <= 0) return std::nullopt;
  std::vector<unsigned char> out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::vector<unsigned char> SignDigest(EVP_PKEY* key, Algorithm algorithm,
                                      const unsigned char* digest, size_t size) {
  PKeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) return {};
  switch (algorithm) {
    case Algorithm::kRsaSha256:
      if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return {};
      [[fallthrough]];
    case Algorithm::kEcdsaP256Sha256:
      if (EVP_PKEY_CTX_set_signature_md(ctx.get(), DigestOf(algorithm)) != 1) return {};
      break;
    case Algorithm::kGost2012_256:
    case Algorithm::kGost2012_512:
      break;  // the engine signs the GOST R 34.11-2012 digest as it is
  }
  size_t length = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &length, digest, size) != 1) return {};
  std::vector<unsigned char> signature(length);
  if (EVP_PKEY_sign(ctx.get(), signature.data(), &length, digest, size) != 1) return {};
  signature.resize(length);
  if (algorithm == Algorithm::kEcdsaP256Sha256) {
    return EcdsaDerToRaw(signature.data(), signature.size());
  }
  return signature;
}

bool VerifySignatureValue(EVP_PKEY* key, Algorithm algorithm, std::string_view value,
                          std::string_view data) {
  auto signature = Base64Decode(value);
  if (!signature) return false;
  if (algorithm == Algorithm::kEcdsaP256Sha256) {
    signature = EcdsaRawToDer(*signature);
    if (!signature) return false;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, DigestOf(algorithm), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), signature->data(), signature->size(),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  TakeOpenSslErrors();
  return ok;
}

}  // namespace eaeu::sign::detail
