#include "gateway/sign/detail/certificates.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace eaeu::sign::detail {
namespace {

std::string NameText(const X509_NAME* name) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return "";
  }
  return BioText(bio.get());
}

std::time_t TimeOf(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

}  // namespace

std::optional<Algorithm> AlgorithmOfKey(EVP_PKEY* key, std::string* why) {
  auto fail = [why](std::string reason) -> std::optional<Algorithm> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (key == nullptr) return fail("no key");
  switch (EVP_PKEY_get_base_id(key)) {
    case NID_id_GostR3410_2012_256:
      return Algorithm::kGost2012_256;
    case NID_id_GostR3410_2012_512:
      return Algorithm::kGost2012_512;
    case EVP_PKEY_RSA: {
      const int bits = EVP_PKEY_get_bits(key);
      if (bits < 2048) {
        return fail("an RSA key of " + std::to_string(bits) + " bits (2048 or more are required)");
      }
      return Algorithm::kRsaSha256;
    }
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t length = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) {
        return fail("an EC key on an unnamed curve (P-256 is required)");
      }
      if (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0) {
        return fail(std::string("an EC key on ") + group + " (P-256 is required)");
      }
      return Algorithm::kEcdsaP256Sha256;
    }
    default:
      break;
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return fail(std::string("a key of type ") + (type != nullptr ? type : "unknown") +
              " (GOST R 34.10-2012, RSA or EC P-256 are supported)");
}

CertificateFacts FactsOf(X509* cert) {
  CertificateFacts f;
  if (cert == nullptr) return f;
  f.subject = NameText(X509_get_subject_name(cert));
  f.issuer = NameText(X509_get_issuer_name(cert));
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      f.serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  f.not_before = TimeOf(X509_get0_notBefore(cert));
  f.not_after = TimeOf(X509_get0_notAfter(cert));
  return f;
}

bool KeyUsageAllowsSigning(X509* cert, bool* present) {
  const uint32_t usage = X509_get_key_usage(cert);
  const bool has = (X509_get_extension_flags(cert) & EXFLAG_KUSAGE) != 0;
  if (present != nullptr) *present = has;
  if (!has) return true;
  return (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

}  // namespace eaeu::sign::detail
