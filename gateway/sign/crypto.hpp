#pragma once
// OpenSSL set-up and the signature algorithms of exchange.md §5. GOST R 34.10-2012 and
// GOST R 34.11-2012 come from the OpenSSL gost engine (Debian: libengine-gost-openssl), loaded by
// the configuration file the product ships (config/openssl-gost.cnf).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::sign {

enum class Algorithm : uint8_t {
  kGost2012_256,     // GOST R 34.10-2012 (256 bit) with GOST R 34.11-2012 (256 bit)
  kGost2012_512,     // GOST R 34.10-2012 (512 bit) with GOST R 34.11-2012 (512 bit)
  kRsaSha256,        // RSA (2048 bit and more) with SHA-256
  kEcdsaP256Sha256,  // ECDSA on P-256 with SHA-256
};

struct AlgorithmInfo {
  Algorithm id;
  std::string_view name;           // "gost2012-256": configuration and command line
  std::string_view signature_uri;  // ds:SignatureMethod/@Algorithm
  std::string_view digest_uri;     // ds:DigestMethod/@Algorithm
  std::string_view digest_name;    // OpenSSL's name of the digest
  std::string_view description;
};

const std::vector<AlgorithmInfo>& Algorithms();
const AlgorithmInfo& Info(Algorithm algorithm);
std::optional<Algorithm> AlgorithmFromName(std::string_view name);
std::optional<Algorithm> AlgorithmFromSignatureUri(std::string_view uri);

// Loads OpenSSL's configuration from `openssl_config` (the shipped config/openssl-gost.cnf, or an
// operator's own). Once per process, before any other use of OpenSSL; a second call with the same
// file does nothing, with another file it is an error.
Status InitialiseCrypto(const std::filesystem::path& openssl_config);

// Ok when `algorithm` can sign and verify now; otherwise the error says what to install or
// configure. The program refuses to start when a configured algorithm is not available.
Status CheckAvailable(Algorithm algorithm);

// OpenSSL's error queue as text ("; "-separated), emptied; "" when it is empty.
std::string TakeOpenSslErrors();

}  // namespace eaeu::sign
