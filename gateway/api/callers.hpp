#pragma once
// Who may call the API. A national caller is bound to one member state and one participant of the
// process and sees only that state's messages; an operator sees every state this gateway serves
// and acts on it (requeue, cancel, reload); an auditor sees what an operator sees and acts on
// nothing. Each authenticates with a bearer token (only its SHA-256 is kept, in a tokens file) or
// a client certificate (its SHA-256 fingerprint is bound in the configuration).
//
// The tokens file: one caller a line, "<sha256 of the token, hex> <state> <participant> <name>"
// for a national caller, "<sha256> operator <name>" or "<sha256> auditor <name>" for the
// gateway's own people; blank lines and lines from '#' are ignored. `eaeu-gateway tokens new`
// makes a token and its line.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::api {

enum class Role : uint8_t {
  kNational,  // a member state's system: its own state only
  kOperator,  // every state; acts
  kAuditor,   // every state; reads only
};
std::string_view RoleName(Role role);
std::optional<Role> RoleFromName(std::string_view name);  // "operator", "auditor"

struct Caller {
  std::string name;
  std::string country;      // "RU"; empty for an operator or an auditor
  std::string participant;  // "P.MM.00.ACT.001"; empty for an operator or an auditor
  Role role = Role::kNational;

  // Sees every state's messages, deadlines and register.
  bool SeesAll() const { return role != Role::kNational; }
  // Who acted, for a history line or the audit chain: "ops (operator)".
  std::string Who() const { return name + " (" + std::string(RoleName(role)) + ")"; }
};

struct CertificateBinding {
  std::string certificate_sha256;  // lower-case hex
  Caller caller;
};

// Immutable once built; shared by every connection.
class Callers {
 public:
  // Reads the tokens file (may be empty: no tokens) and adds the certificate bindings.
  static Result<std::shared_ptr<const Callers>> Load(const std::filesystem::path& tokens_file,
                                                     std::vector<CertificateBinding> certificates);

  const Caller* ByToken(std::string_view token) const;
  const Caller* ByCertificate(std::string_view sha256_hex) const;
  size_t size() const { return by_token_hash_.size() + by_certificate_.size(); }

 private:
  std::unordered_map<std::string, Caller> by_token_hash_;
  std::unordered_map<std::string, Caller> by_certificate_;
};

// SHA-256 of `data` in lower-case hex.
std::string Sha256Hex(std::string_view data);

// A new random token ("eaeu_" and 43 base64url characters, 256 bits) and its tokens-file line.
struct NewToken {
  std::string token;
  std::string line;
};
NewToken MakeToken(const Caller& caller);

}  // namespace eaeu::api
