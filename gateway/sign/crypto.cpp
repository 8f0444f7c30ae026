#include "gateway/sign/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <memory>
#include <mutex>

namespace eaeu::sign {
namespace {

const std::vector<AlgorithmInfo> kAlgorithms = {
    {Algorithm::kGost2012_256, "gost2012-256",
     "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256",
     "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256", "md_gost12_256",
     "GOST R 34.10-2012 (256 bit) with GOST R 34.11-2012 (256 bit)"},
    {Algorithm::kGost2012_512, "gost2012-512",
     "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-512",
     "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-512", "md_gost12_512",
     "GOST R 34.10-2012 (512 bit) with GOST R 34.11-2012 (512 bit)"},
    {Algorithm::kRsaSha256, "rsa2048", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
     "http://www.w3.org/2001/04/xmlenc#sha256", "SHA256", "RSA with SHA-256"},
    {Algorithm::kEcdsaP256Sha256, "ecdsa-p256",
     "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
     "http://www.w3.org/2001/04/xmlenc#sha256", "SHA256", "ECDSA on P-256 with SHA-256"},
};

std::mutex g_init_mutex;
std::optional<std::filesystem::path> g_config;

bool IsGost(Algorithm a) {
  return a == Algorithm::kGost2012_256 || a == Algorithm::kGost2012_512;
}

}  // namespace

const std::vector<AlgorithmInfo>& Algorithms() {
  return kAlgorithms;
}

const AlgorithmInfo& Info(Algorithm algorithm) {
  return kAlgorithms[static_cast<size_t>(algorithm)];
}

std::optional<Algorithm> AlgorithmFromName(std::string_view name) {
  for (const auto& a : kAlgorithms) {
    if (a.name == name) return a.id;
  }
  return std::nullopt;
}

std::optional<Algorithm> AlgorithmFromSignatureUri(std::string_view uri) {
  for (const auto& a : kAlgorithms) {
    if (a.signature_uri == uri) return a.id;
  }
  return std::nullopt;
}

std::string TakeOpenSslErrors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out;
}

Status InitialiseCrypto(const std::filesystem::path& openssl_config) {
  std::lock_guard lock(g_init_mutex);
  if (g_config) {
    if (*g_config == openssl_config) return Ok{};
    return MakeError("crypto.config", openssl_config.string(),
                     "OpenSSL was already configured from " + g_config->string());
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(openssl_config, ec)) {
    return MakeError("crypto.config", openssl_config.string(),
                     "the OpenSSL configuration file does not exist");
  }
  std::unique_ptr<OPENSSL_INIT_SETTINGS, decltype(&OPENSSL_INIT_free)> settings(OPENSSL_INIT_new(),
                                                                                &OPENSSL_INIT_free);
  if (!settings || OPENSSL_INIT_set_config_filename(settings.get(), openssl_config.c_str()) != 1 ||
      // No clean-up at exit: keys held by objects that outlive main() (statics) are freed after
      // it, and the gost engine must still be there then.
      OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, settings.get()) != 1) {
    return MakeError("crypto.config", openssl_config.string(),
                     "OpenSSL cannot load this configuration: " + TakeOpenSslErrors());
  }
  g_config = openssl_config;
  return Ok{};
}

Status CheckAvailable(Algorithm algorithm) {
  const auto& info = Info(algorithm);
  const std::string digest_name(info.digest_name);
  const EVP_MD* md = EVP_get_digestbyname(digest_name.c_str());
  bool key_ok = true;
  if (IsGost(algorithm)) {
    const int nid = algorithm == Algorithm::kGost2012_256 ? NID_id_GostR3410_2012_256
                                                          : NID_id_GostR3410_2012_512;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(nid, nullptr), &EVP_PKEY_CTX_free);
    key_ok = ctx != nullptr;
  }
  if (md != nullptr && key_ok) return Ok{};
  TakeOpenSslErrors();
  std::string message = std::string(info.description) + " is not available";
  if (IsGost(algorithm)) {
    message +=
        ": install the OpenSSL gost engine (Debian: apt-get install libengine-gost-openssl) and "
        "load it with the OpenSSL configuration the gateway ships (config/openssl-gost.cnf)";
    if (!g_config) message += "; no OpenSSL configuration was loaded";
  }
  return MakeError("crypto.unavailable", std::string(info.name), std::move(message));
}

}  // namespace eaeu::sign
