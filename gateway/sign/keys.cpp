#include "gateway/sign/keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "gateway/core/files.hpp"
#include "gateway/sign/detail/openssl.hpp"

namespace eaeu::sign {
namespace {

using namespace detail;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BigNum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

Error CryptoError(std::string what) {
  return OpenSslError("crypto.keygen", "", std::move(what));
}

Result<PKey> GenerateKey(Algorithm algorithm) {
  PKeyCtx ctx;
  switch (algorithm) {
    case Algorithm::kRsaSha256:
      ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
      break;
    case Algorithm::kEcdsaP256Sha256:
      ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
      break;
    case Algorithm::kGost2012_256:
      ctx.reset(EVP_PKEY_CTX_new_id(NID_id_GostR3410_2012_256, nullptr));
      break;
    case Algorithm::kGost2012_512:
      ctx.reset(EVP_PKEY_CTX_new_id(NID_id_GostR3410_2012_512, nullptr));
      break;
  }
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return CryptoError("cannot generate a " + std::string(Info(algorithm).description) + " key");
  }
  int set = 1;
  switch (algorithm) {
    case Algorithm::kRsaSha256:
      set = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048);
      break;
    case Algorithm::kEcdsaP256Sha256:
      set = EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256");
      break;
    case Algorithm::kGost2012_256:
    case Algorithm::kGost2012_512:
      // Parameter set A (id-tc26-gost-3410-12-256-paramSetA / -512-paramSetA).
      set = EVP_PKEY_CTX_ctrl_str(ctx.get(), "paramset", "A");
      break;
  }
  EVP_PKEY* raw = nullptr;
  if (set <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return CryptoError("cannot generate a " + std::string(Info(algorithm).description) + " key");
  }
  return PKey(raw);
}

bool AddName(X509_NAME* name, const char* field, const std::string& value) {
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                    0) == 1;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

struct CertificateRequest {
  const std::string& country;
  const std::string& organization;
  const std::string& common_name;
  std::time_t now;
  int days;
  bool ca;
  const std::string& key_usage;  // of a signer certificate
  const std::string& alt_names;  // subjectAltName of a signer certificate; empty: none
};

// Issues a certificate for `key`, signed by `issuer_key` (self-signed when `issuer` is null).
Result<Cert> Issue(const CertificateRequest& r, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                   Algorithm algorithm) {
  Cert cert(X509_new());
  unsigned char serial[16];
  BigNum bn;
  bool ok = cert && X509_set_version(cert.get(), 2) == 1 && RAND_bytes(serial, sizeof serial) == 1;
  if (ok) {
    serial[0] &= 0x7f;  // positive
    bn.reset(BN_bin2bn(serial, sizeof serial, nullptr));
    ok = bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr;
  }
  X509_NAME* subject = ok ? X509_get_subject_name(cert.get()) : nullptr;
  ok = ok && AddName(subject, "C", r.country) && AddName(subject, "O", r.organization) &&
       AddName(subject, "CN", r.common_name);
  ok = ok && X509_set_issuer_name(cert.get(),
                                  issuer != nullptr ? X509_get_subject_name(issuer) : subject) == 1;
  std::time_t start = r.now;
  ok = ok && X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, 0, &start) != nullptr &&
       X509_time_adj_ex(X509_getm_notAfter(cert.get()), r.days, 0, &start) != nullptr;
  ok = ok && X509_set_pubkey(cert.get(), key) == 1;
  X509* authority = issuer != nullptr ? issuer : cert.get();
  if (r.ca) {
    ok = ok && AddExtension(cert.get(), authority, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExtension(cert.get(), authority, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExtension(cert.get(), authority, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExtension(cert.get(), authority, NID_key_usage, ("critical," + r.key_usage).c_str());
    if (!r.alt_names.empty()) {
      ok = ok && AddExtension(cert.get(), authority, NID_subject_alt_name, r.alt_names.c_str());
    }
  }
  ok = ok && AddExtension(cert.get(), authority, NID_subject_key_identifier, "hash") &&
       AddExtension(cert.get(), authority, NID_authority_key_identifier, "keyid:always");
  ok = ok && X509_sign(cert.get(), issuer_key, DigestOf(algorithm)) > 0;
  if (!ok) return CryptoError("cannot issue the certificate of " + r.common_name);
  return cert;
}

template <class Write>
Result<std::string> Pem(Write write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return CryptoError("cannot write PEM");
  return BioText(bio.get());
}

Status WriteKey(const std::filesystem::path& path, EVP_PKEY* key) {
  auto pem = Pem([key](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  if (!pem) return pem.error();
  return WriteFileAtomically(path, *pem, FileMode::kPrivate);
}

Status WriteCert(const std::filesystem::path& path, X509* cert) {
  auto pem = Pem([cert](BIO* b) { return PEM_write_bio_X509(b, cert); });
  if (!pem) return pem.error();
  return WriteFileAtomically(path, *pem);
}

}  // namespace

Result<DevelopmentKeys> GenerateDevelopmentKeys(const DevelopmentKeyOptions& options,
                                                const std::filesystem::path& dir) {
  if (auto available = CheckAvailable(options.algorithm); !available) return available.error();
  std::error_code ec;
  std::filesystem::create_directories(dir / "trust", ec);
  if (ec) return MakeError("file.mkdir", (dir / "trust").string(), ec.message());

  auto ca_key = GenerateKey(options.algorithm);
  if (!ca_key) return ca_key.error();
  const std::string ca_name = options.organization + " CA";
  const std::string no_alt_names;
  auto ca = Issue({options.country, options.organization, ca_name, options.now, options.ca_days,
                   true, options.signer_key_usage, no_alt_names},
                  ca_key->get(), nullptr, ca_key->get(), options.algorithm);
  if (!ca) return ca.error();
  auto signer_key = GenerateKey(options.algorithm);
  if (!signer_key) return signer_key.error();
  auto signer =
      Issue({options.country, options.organization, options.signer_name, options.now,
             options.signer_days, false, options.signer_key_usage, options.subject_alt_names},
            signer_key->get(), ca->get(), ca_key->get(), options.algorithm);
  if (!signer) return signer.error();

  const std::string prefix(Info(options.algorithm).name);
  DevelopmentKeys out{dir / "trust" / (prefix + "-ca.pem"), dir / (prefix + "-ca.key"),
                      dir / (prefix + "-signer.pem"), dir / (prefix + "-signer.key")};
  for (auto status : {WriteKey(out.ca_key, ca_key->get()), WriteCert(out.ca_certificate, ca->get()),
                      WriteKey(out.signer_key, signer_key->get()),
                      WriteCert(out.signer_certificate, signer->get())}) {
    if (!status) return status.error();
  }
  return out;
}

namespace {

Result<PKey> ReadKey(const std::filesystem::path& path) {
  auto pem = ReadFileLimited(path, 1u << 20);
  if (!pem) return pem.error();
  Bio bio = MemoryBio(*pem);
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return OpenSslError("crypto.crl", path.string(), "cannot read the CA key");
  return key;
}

Result<Cert> ReadCert(const std::filesystem::path& path) {
  auto pem = ReadFileLimited(path, 1u << 20);
  if (!pem) return pem.error();
  Bio bio = MemoryBio(*pem);
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return OpenSslError("crypto.crl", path.string(), "cannot read the certificate");
  return cert;
}

}  // namespace

Status WriteDevelopmentCrl(const DevelopmentKeys& keys, Algorithm algorithm,
                           const std::vector<std::filesystem::path>& revoked,
                           const DevelopmentCrlOptions& options, const std::filesystem::path& out) {
  auto ca_key = ReadKey(keys.ca_key);
  if (!ca_key) return ca_key.error();
  auto ca = ReadCert(keys.ca_certificate);
  if (!ca) return ca.error();
  Crl crl(X509_CRL_new());
  std::time_t start = options.this_update;
  std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>> this_update(
      X509_time_adj_ex(nullptr, 0, 0, &start));
  std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>> next_update(
      X509_time_adj_ex(nullptr, options.days, 0, &start));
  bool ok = crl && this_update && next_update && X509_CRL_set_version(crl.get(), 1) == 1 &&
            X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca->get())) == 1 &&
            X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) == 1 &&
            X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) == 1;
  for (const auto& path : revoked) {
    if (!ok) break;
    auto cert = ReadCert(path);
    if (!cert) return cert.error();
    X509_REVOKED* entry = X509_REVOKED_new();
    ok = entry != nullptr &&
         X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert->get())) == 1 &&
         X509_REVOKED_set_revocationDate(entry, this_update.get()) == 1 &&
         X509_CRL_add0_revoked(crl.get(), entry) == 1;
    if (!ok) X509_REVOKED_free(entry);
  }
  ok = ok && X509_CRL_sort(crl.get()) == 1 &&
       X509_CRL_sign(crl.get(), ca_key->get(), DigestOf(algorithm)) > 0;
  if (!ok) return OpenSslError("crypto.crl", out.string(), "cannot issue the CRL");
  auto pem = Pem([&crl](BIO* b) { return PEM_write_bio_X509_CRL(b, crl.get()); });
  if (!pem) return pem.error();
  return WriteFileAtomically(out, *pem);
}

}  // namespace eaeu::sign
