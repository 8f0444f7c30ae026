#pragma once
// Internal to gateway/sign: owning pointers for OpenSSL objects, base64 and the error helper.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/sign/crypto.hpp"

namespace eaeu::sign::detail {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Crl = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

// A new reference to `key` / `cert` (OpenSSL's objects are reference counted).
PKey Share(EVP_PKEY* key);
Cert Share(X509* cert);

// A read-only memory BIO over `bytes`, which must outlive it.
Bio MemoryBio(std::string_view bytes);
// What a memory BIO holds.
std::string BioText(BIO* bio);

// Standard base64 without line breaks.
std::string Base64Encode(const unsigned char* data, size_t size);
// Standard base64; XML whitespace between the characters is skipped. nullopt when malformed.
std::optional<std::vector<unsigned char>> Base64Decode(std::string_view text);

// DER of a certificate; empty when it cannot be encoded.
std::vector<unsigned char> CertificateDer(X509* cert);

// OpenSSL's digest of `algorithm` (GOST R 34.11-2012 from the gost engine); null while it is not
// available. Looked up once and kept.
const EVP_MD* DigestOf(Algorithm algorithm);

// An Error whose message ends with OpenSSL's queued reasons (the queue is emptied).
Error OpenSslError(std::string code, std::string where, std::string what);

// The signature of `digest` (the algorithm's digest of the data) as XML-DSig carries it: PKCS#1
// v1.5 for RSA, r || s for ECDSA, the gost engine's form for GOST (as `openssl dgst -sign`
// writes it). Empty when OpenSSL refuses; TakeOpenSslErrors() then says why.
std::vector<unsigned char> SignDigest(EVP_PKEY* key, Algorithm algorithm,
                                      const unsigned char* digest, size_t size);

// Whether `value` (ds:SignatureValue's base64, XML whitespace allowed) is `key`'s signature of
// `data` with `algorithm`, in the form SignDigest writes. OpenSSL's queue is emptied.
bool VerifySignatureValue(EVP_PKEY* key, Algorithm algorithm, std::string_view value,
                          std::string_view data);

// ECDSA P-256 signatures in XML-DSig's raw form, r || s (32 bytes each), from and to OpenSSL's
// DER; empty or nullopt when the input is not one.
constexpr size_t kP256Half = 32;
std::vector<unsigned char> EcdsaDerToRaw(const unsigned char* der, size_t size);
std::optional<std::vector<unsigned char>> EcdsaRawToDer(const std::vector<unsigned char>& raw);

}  // namespace eaeu::sign::detail
