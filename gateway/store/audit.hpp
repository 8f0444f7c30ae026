#pragma once
// The audit chain: every line the journal writes into a message's, a delivery's or a deadline's
// history is also appended, in the same transaction, to one chain of entries where each carries
// the hash of the one before (exchange.md §6, the diagnostics journal of D5 appendix 4; kept at
// least 10 years, Decision 106 §17). An entry edited, deleted or moved breaks the chain there,
// and VerifyAudit names the first entry where it breaks.
//
// An entry's hash is SHA-256 over, each as its decimal length, ':' and its bytes:
//   "eaeu-audit-1", prev, seq, at, event, subject, record
// with seq and at (microseconds since the epoch, UTC) in decimal, prev the hex hash of entry
// seq - 1 (64 zeros before the first) and record the entry's JSON as it is stored.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"
#include "gateway/store/settings.hpp"

namespace eaeu::store {

inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The hex SHA-256 of an entry (the definition above).
std::string AuditHash(std::string_view prev, uint64_t seq, int64_t at_micros,
                      std::string_view event, std::string_view subject, std::string_view record);

struct AuditCheck {
  uint64_t entries = 0;
  std::string head;  // the last entry's hash: what a copy kept elsewhere is compared with
  // The first entry where the chain breaks, and how; none when it is whole.
  std::optional<uint64_t> broken_at;
  std::string reason;
};

// Reads the whole chain of the journal `settings` names (read only: the daemon may run; `password`
// for PostgreSQL, as the configuration gives it) and checks every link. An error only when the
// journal cannot be read.
Result<AuditCheck> VerifyAudit(const JournalSettings& settings, const std::string& password);

enum class AuditFormat : uint8_t { kCsv, kJson, kXml };

struct AuditExport {
  std::optional<int64_t> from_micros;  // entries at or after
  std::optional<int64_t> to_micros;    // entries before
  AuditFormat format = AuditFormat::kCsv;
};

// Writes the entries in the field form of D5 appendix 4 (exchange.md §6): each entry's event
// with the message's envelope fields (process, transaction and message codes, Action, To,
// ReplyTo, From, FaultTo, MessageID, RelatesTo, ConversationID, message type, TrackID,
// AcceptTime), its signature verdict, status, error code and text, and the time. Returns how many
// entries were written.
Result<uint64_t> ExportAudit(const JournalSettings& settings, const std::string& password,
                             const AuditExport& what, std::ostream& out);

}  // namespace eaeu::store
