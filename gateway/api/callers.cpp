#include "gateway/api/callers.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <sstream>

#include "gateway/core/files.hpp"
#include "gateway/core/hex.hpp"

namespace eaeu::api {
namespace {

constexpr uint64_t kMaxTokensFile = 16ull << 20;

std::string Base64Url(const unsigned char* data, size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOperator:
      return "operator";
    case Role::kAuditor:
      return "auditor";
    default:
      return "national";
  }
}

std::optional<Role> RoleFromName(std::string_view name) {
  if (name == "operator") return Role::kOperator;
  if (name == "auditor") return Role::kAuditor;
  return std::nullopt;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return HexLower({reinterpret_cast<const char*>(digest.data()), size});
}

NewToken MakeToken(const Caller& caller) {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  NewToken out;
  out.token = "eaeu_" + Base64Url(random.data(), random.size());
  const std::string bound = caller.SeesAll() ? std::string(RoleName(caller.role))
                                             : caller.country + " " + caller.participant;
  out.line =
      Sha256Hex(out.token) + " " + bound + " " + (caller.name.empty() ? "caller" : caller.name);
  return out;
}

Result<std::shared_ptr<const Callers>> Callers::Load(const std::filesystem::path& tokens_file,
                                                     std::vector<CertificateBinding> certificates) {
  auto callers = std::make_shared<Callers>();
  if (!tokens_file.empty()) {
    auto text = ReadFileLimited(tokens_file, kMaxTokensFile);
    if (!text) return text.error();
    std::istringstream in(*text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const auto where = tokens_file.filename().string() + ":" + std::to_string(number);
      if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      std::istringstream fields(line);
      std::string digest;
      Caller caller;
      if (!(fields >> digest)) continue;  // blank
      constexpr const char* kForm =
          "a line is \"<sha256 hex> <state> <participant> <name>\", or \"<sha256 hex> operator "
          "<name>\" or \"<sha256 hex> auditor <name>\"";
      std::string bound;
      if (!(fields >> bound)) return MakeError("tokens.format", where, kForm);
      if (const auto role = RoleFromName(bound)) {
        caller.role = *role;
        std::getline(fields >> std::ws, caller.name);
        if (caller.name.empty()) {
          return MakeError("tokens.format", where,
                           "an " + bound + "'s line names the person: " + kForm);
        }
      } else {
        caller.country = bound;
        if (!(fields >> caller.participant)) return MakeError("tokens.format", where, kForm);
        std::getline(fields >> std::ws, caller.name);
        if (caller.name.empty()) caller.name = caller.country + "/" + caller.participant;
      }
      if (digest.size() != 64 ||
          digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
        return MakeError("tokens.format", where,
                         "the first field must be the token's SHA-256 in lower-case hex");
      }
      if (caller.role == Role::kNational && caller.country.size() != 2) {
        return MakeError("tokens.format", where, "the state must be a two-letter code");
      }
      if (!callers->by_token_hash_.emplace(digest, std::move(caller)).second) {
        return MakeError("tokens.duplicate", where, "this token is listed twice");
      }
    }
  }
  for (auto& binding : certificates) {
    callers->by_certificate_.emplace(binding.certificate_sha256, std::move(binding.caller));
  }
  return std::shared_ptr<const Callers>(std::move(callers));
}

const Caller* Callers::ByToken(std::string_view token) const {
  if (token.empty()) return nullptr;
  const auto it = by_token_hash_.find(Sha256Hex(token));
  return it == by_token_hash_.end() ? nullptr : &it->second;
}

const Caller* Callers::ByCertificate(std::string_view sha256_hex) const {
  const auto it = by_certificate_.find(std::string(sha256_hex));
  return it == by_certificate_.end() ? nullptr : &it->second;
}

}  // namespace eaeu::api
