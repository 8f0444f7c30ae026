#include "gateway/sign/credentials.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <cstdlib>

#include "gateway/core/clock.hpp"
#include "gateway/core/files.hpp"
#include "gateway/sign/detail/certificates.hpp"

namespace eaeu::sign {

struct SigningCredentialsAccess {
  static std::shared_ptr<const SigningCredentials> Make(
      std::unique_ptr<SigningCredentials::Impl> impl) {
    return std::shared_ptr<const SigningCredentials>(new SigningCredentials(std::move(impl)));
  }
};

namespace {

using namespace detail;

constexpr uint64_t kMaxCredentialFileBytes = 1u << 20;

// OpenSSL's password callback: `userdata` is the password or null.
int PasswordCallback(char* buffer, int size, int /*rwflag*/, void* userdata) {
  const auto* password = static_cast<const std::string*>(userdata);
  if (password == nullptr || size <= 0) return -1;
  const int n = std::min(size, static_cast<int>(password->size()));
  password->copy(buffer, static_cast<size_t>(n));
  return n;
}

// An unreadable key may be a GOST key that OpenSSL cannot read without the gost engine.
Error KeyError(std::string code, std::string where, std::string what) {
  Error e = OpenSslError(std::move(code), std::move(where), std::move(what));
  if (auto gost = CheckAvailable(Algorithm::kGost2012_256); !gost) {
    e.message += " (a GOST key needs the gost engine: " + gost.error().message + ")";
  }
  return e;
}

Result<std::shared_ptr<const SigningCredentials>> Finish(
    const std::string& where, std::unique_ptr<SigningCredentials::Impl> impl) {
  std::string why;
  const auto algorithm = AlgorithmOfKey(impl->key.get(), &why);
  if (!algorithm) return MakeError("credentials.key", where, "unsupported key: " + why);
  if (auto available = CheckAvailable(*algorithm); !available) return available.error();
  if (X509_check_private_key(impl->certificate.get(), impl->key.get()) != 1) {
    return OpenSslError("credentials.mismatch", where,
                        "the private key does not belong to the certificate");
  }
  impl->algorithm = *algorithm;
  impl->facts = FactsOf(impl->certificate.get());
  const auto der = CertificateDer(impl->certificate.get());
  impl->certificate_base64 = Base64Encode(der.data(), der.size());
  return SigningCredentialsAccess::Make(std::move(impl));
}

}  // namespace

Result<std::optional<std::string>> ReadPassword(const PasswordSource& source) {
  if (!source.file.empty() && !source.env.empty()) {
    return MakeError("credentials.password", source.env,
                     "give the password in a file or in an environment variable, not both");
  }
  if (!source.file.empty()) {
    auto text = ReadFileLimited(source.file, 64 * 1024);
    if (!text) {
      return MakeError("credentials.password", source.file.string(),
                       "cannot read the password file: " + text.error().message);
    }
    std::string password = std::move(*text);
    if (const auto eol = password.find_first_of("\r\n"); eol != std::string::npos) {
      password.resize(eol);
    }
    return std::optional<std::string>(std::move(password));
  }
  if (!source.env.empty()) {
    const char* value = std::getenv(source.env.c_str());
    if (value == nullptr) {
      return MakeError("credentials.password", source.env,
                       "the environment variable that should hold the password is not set");
    }
    return std::optional<std::string>(value);
  }
  return std::optional<std::string>();
}

SigningCredentials::SigningCredentials(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningCredentials::~SigningCredentials() = default;

Algorithm SigningCredentials::algorithm() const {
  return impl_->algorithm;
}

const CertificateFacts& SigningCredentials::certificate() const {
  return impl_->facts;
}

Status SigningCredentials::CheckUsable(std::time_t at) const {
  const auto& f = impl_->facts;
  if (at < f.not_before) {
    return MakeError("credentials.not-yet-valid", f.subject,
                     "the signing certificate is valid only from " + FormatUtc(f.not_before));
  }
  if (at > f.not_after) {
    return MakeError("credentials.expired", f.subject,
                     "the signing certificate expired on " + FormatUtc(f.not_after));
  }
  if (!KeyUsageAllowsSigning(impl_->certificate.get())) {
    return MakeError("credentials.key-usage", f.subject,
                     "the certificate's keyUsage allows neither digitalSignature nor "
                     "nonRepudiation");
  }
  return Ok{};
}

Result<std::shared_ptr<const SigningCredentials>> SigningCredentials::FromPem(
    const std::filesystem::path& key_file, const std::filesystem::path& certificate_file,
    const PasswordSource& password_source) {
  auto password = ReadPassword(password_source);
  if (!password) return password.error();
  auto key_pem = ReadFileLimited(key_file, kMaxCredentialFileBytes);
  if (!key_pem) return key_pem.error();
  auto cert_pem = ReadFileLimited(certificate_file, kMaxCredentialFileBytes);
  if (!cert_pem) return cert_pem.error();

  auto impl = std::make_unique<Impl>();
  {
    Bio bio = MemoryBio(*key_pem);
    void* userdata = password->has_value() ? &password->value() : nullptr;
    impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, &PasswordCallback, userdata));
    if (!impl->key) {
      return KeyError("credentials.key", key_file.string(),
                      password->has_value()
                          ? "cannot read the private key (PEM) with the password given"
                          : "cannot read the private key (PEM; an encrypted key needs a "
                            "password file or variable)");
    }
  }
  {
    Bio bio = MemoryBio(*cert_pem);
    impl->certificate.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!impl->certificate) {
      return OpenSslError("credentials.certificate", certificate_file.string(),
                          "cannot read the certificate (PEM)");
    }
    while (X509* more = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      impl->chain.emplace_back(more);
    }
    ERR_clear_error();  // the end of the file
  }
  return Finish(key_file.string(), std::move(impl));
}

Result<CertificateFacts> ReadCertificateFacts(const std::filesystem::path& pem_file) {
  auto pem = ReadFileLimited(pem_file, 1u << 20);
  if (!pem) return pem.error();
  detail::Bio bio = detail::MemoryBio(*pem);
  detail::Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) {
    return MakeError("credentials.certificate", pem_file.string(),
                     "cannot read a certificate (PEM)");
  }
  return detail::FactsOf(cert.get());
}

Result<std::shared_ptr<const SigningCredentials>> SigningCredentials::FromPkcs12(
    const std::filesystem::path& file, const PasswordSource& password_source) {
  auto password = ReadPassword(password_source);
  if (!password) return password.error();
  auto bytes = ReadFileLimited(file, kMaxCredentialFileBytes);
  if (!bytes) return bytes.error();
  Bio bio = MemoryBio(*bytes);
  std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>> p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) return OpenSslError("credentials.pkcs12", file.string(), "not a PKCS#12 file");
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  const char* pass = password->has_value() ? password->value().c_str() : "";
  if (PKCS12_parse(p12.get(), pass, &key, &cert, &ca) != 1) {
    return KeyError("credentials.pkcs12", file.string(),
                    "cannot open the PKCS#12 file (wrong password?)");
  }
  auto impl = std::make_unique<Impl>();
  impl->key.reset(key);
  impl->certificate.reset(cert);
  for (int i = 0; i < sk_X509_num(ca); ++i) impl->chain.emplace_back(sk_X509_value(ca, i));
  sk_X509_free(ca);
  if (!impl->key || !impl->certificate) {
    return MakeError("credentials.pkcs12", file.string(),
                     "the PKCS#12 file must hold a private key and its certificate");
  }
  return Finish(file.string(), std::move(impl));
}

Result<std::shared_ptr<const SigningCredentials>> LoadSigningCredentials(const SigningSettings& s) {
  const PasswordSource password{s.password_file, s.password_env};
  return s.pkcs12.empty() ? SigningCredentials::FromPem(s.key, s.certificate, password)
                          : SigningCredentials::FromPkcs12(s.pkcs12, password);
}

}  // namespace eaeu::sign
