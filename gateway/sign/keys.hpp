#pragma once
// Development keys for the sandbox and the tests: a CA and a signing certificate it issued, for
// each algorithm of exchange.md §5. Not for production: the keys are written unencrypted.

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/sign/crypto.hpp"

namespace eaeu::sign {

struct DevelopmentKeyOptions {
  Algorithm algorithm = Algorithm::kGost2012_256;
  std::string country = "RU";  // C of both subjects
  std::string organization = "eaeu-gateway sandbox";
  std::string signer_name = "eaeu-gateway sandbox signer";
  std::time_t now = 0;  // start of validity (seconds since the epoch)
  int ca_days = 3650;
  int signer_days = 730;
  std::string signer_key_usage = "digitalSignature,nonRepudiation";  // openssl's keyUsage names
  // The signer certificate's subjectAltName in openssl's form ("IP:127.0.0.1,DNS:localhost"),
  // for a certificate that a TLS server presents; empty: none.
  std::string subject_alt_names;
};

struct DevelopmentKeys {
  std::filesystem::path ca_certificate;      // <dir>/trust/<alg>-ca.pem: a trust store folder
  std::filesystem::path ca_key;              // <dir>/<alg>-ca.key
  std::filesystem::path signer_certificate;  // <dir>/<alg>-signer.pem
  std::filesystem::path signer_key;          // <dir>/<alg>-signer.key (mode 0600)
};

// Makes a self-signed CA (basicConstraints CA:TRUE; keyCertSign, cRLSign) and a signing
// certificate it issues (digitalSignature, nonRepudiation), and writes them as PEM into `dir`.
Result<DevelopmentKeys> GenerateDevelopmentKeys(const DevelopmentKeyOptions& options,
                                                const std::filesystem::path& dir);

struct DevelopmentCrlOptions {
  std::time_t this_update = 0;
  int days = 30;  // until nextUpdate
};

// Writes to `out` a CRL of the development CA of `keys` that lists the certificates in the PEM
// files `revoked` (none: an empty CRL). Put it into the trust store folder to have revocation
// checked.
Status WriteDevelopmentCrl(const DevelopmentKeys& keys, Algorithm algorithm,
                           const std::vector<std::filesystem::path>& revoked,
                           const DevelopmentCrlOptions& options, const std::filesystem::path& out);

}  // namespace eaeu::sign
