#pragma once
// Where the signing key and certificate come from.

#include <filesystem>
#include <string>

namespace eaeu::sign {

struct SigningSettings {
  std::filesystem::path key;  // PEM key and certificate, or one PKCS#12 file
  std::filesystem::path certificate;
  std::filesystem::path pkcs12;
  std::filesystem::path password_file;
  std::string password_env;
};

}  // namespace eaeu::sign
