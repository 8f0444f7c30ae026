#include "gateway/sign/detail/openssl.hpp"

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

}  // namespace eaeu::sign::detail
