#pragma once
// The signer's private key and certificate, from PEM files or a PKCS#12 file. A password comes
// from a file or an environment variable, never from the command line.

#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/settings.hpp"

namespace eaeu::sign {

// Where a password is read from: at most one of the two. Neither: no password.
struct PasswordSource {
  std::filesystem::path file;  // the first line of this file (a trailing newline is dropped)
  std::string env;             // the value of this environment variable

  bool empty() const { return file.empty() && env.empty(); }
};

// Reads the password; nullopt when the source is empty. An unreadable file or an unset variable
// is an error that names it.
Result<std::optional<std::string>> ReadPassword(const PasswordSource& source);

// What a certificate says about itself, for messages, logs and the journal.
struct CertificateFacts {
  std::string subject;  // RFC 2253 form
  std::string issuer;
  std::string serial;  // hexadecimal
  std::time_t not_before = 0;
  std::time_t not_after = 0;
};

// The facts of the first certificate of a PEM file (a TLS or client certificate, for its expiry).
Result<CertificateFacts> ReadCertificateFacts(const std::filesystem::path& pem_file);

// A private key with its certificate (and the intermediate certificates that came with it).
// Immutable once loaded; shared by any number of threads.
class SigningCredentials {
 public:
  // `key_file` and `certificate_file` are PEM; the key may be encrypted (PKCS#8), then
  // `password` must give its password. The certificate file may carry intermediates after the
  // signer's certificate.
  static Result<std::shared_ptr<const SigningCredentials>> FromPem(
      const std::filesystem::path& key_file, const std::filesystem::path& certificate_file,
      const PasswordSource& password = {});
  // A PKCS#12 file with one private key and its certificate.
  static Result<std::shared_ptr<const SigningCredentials>> FromPkcs12(
      const std::filesystem::path& file, const PasswordSource& password);

  ~SigningCredentials();
  SigningCredentials(const SigningCredentials&) = delete;
  SigningCredentials& operator=(const SigningCredentials&) = delete;

  // Taken from the key: RSA (2048 bits or more), EC on P-256, GOST R 34.10-2012 256 or 512.
  Algorithm algorithm() const;
  const CertificateFacts& certificate() const;
  // Ok when the certificate is valid at `at` and may sign (keyUsage digitalSignature or
  // nonRepudiation); the gateway checks this at start-up and before it signs.
  Status CheckUsable(std::time_t at) const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  friend struct SigningCredentialsAccess;
  explicit SigningCredentials(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The credentials `[signing]` names: PEM files or a PKCS#12 file, with their password's source.
Result<std::shared_ptr<const SigningCredentials>> LoadSigningCredentials(
    const SigningSettings& settings);

}  // namespace eaeu::sign
