#pragma once
// Internal to gateway/sign: the digest of a document's exclusive canonical form, the form
// streamed into the hash as it is written (the reference of an enveloped signature).

#include <openssl/evp.h>

#include <string_view>
#include <vector>

#include "gateway/sign/crypto.hpp"
#include "gateway/sign/detail/openssl.hpp"
#include "gateway/xml/exc_c14n.hpp"

namespace eaeu::sign::detail {

// `algorithm`'s digest of `document` (a compact tree or a DOM) in exclusive c14n, leaving out
// `omit` (the signature, or none); empty when OpenSSL fails.
template <class Document, class Omit>
std::vector<unsigned char> CanonicalDigest(const Document& document, Omit omit,
                                           Algorithm algorithm) {
  MdCtx ctx(EVP_MD_CTX_new());
  const EVP_MD* md = DigestOf(algorithm);
  if (!ctx || md == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return {};
  bool ok = true;
  xml::CanonicaliseDocument(document, omit, [&](std::string_view bytes) {
    ok = ok && EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1;
  });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) return {};
  return std::vector<unsigned char>(digest, digest + size);
}

}  // namespace eaeu::sign::detail
