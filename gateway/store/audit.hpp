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
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/settings.hpp"

namespace eaeu::store {

inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// A seal: an entry (event "seal", subject the seq of the entry it seals, always the one before
// it) whose record carries that entry's hash ("head") and the gateway's detached signature of
// AuditSealText(seq, head) ("algorithm", "signature", "certificate": sign/detached.hpp). The
// daemon seals the chain every [journal] audit_seal_every and when it stops, so a chain whose
// hashes were all computed again by someone without the key still fails at its seals.
inline constexpr std::string_view kAuditSealEvent = "seal";
std::string AuditSealText(uint64_t seq, std::string_view head);

// The hex SHA-256 of an entry (the definition above).
std::string AuditHash(std::string_view prev, uint64_t seq, int64_t at_micros,
                      std::string_view event, std::string_view subject, std::string_view record);

// An entry (event "archive", subject the month) appended when a month's entries leave the journal
// for an archive file; its record names the file, its SHA-256, the entries and the head.
inline constexpr std::string_view kAuditArchiveEvent = "archive";

// A month of the audit chain moved out of the journal into an archive file of its own
// (app/audit_archive.hpp) once [journal] audit_retention_years passed: entries first to last,
// the last one's hash, and the file's name and SHA-256. The journal keeps this row for ever, so
// its chain is checked from there on and the archives link up to it.
struct ArchivedAuditMonth {
  std::string month;  // "2016-11"
  uint64_t first = 0, last = 0, entries = 0;
  std::string head;    // the hash of entry `last`
  std::string file;    // the archive's file name
  std::string sha256;  // of the whole file, as written
  int64_t at = 0;      // when the entries left the journal: microseconds since the epoch, UTC
};

struct AuditSealEntry {
  uint64_t seq = 0;     // the seal's own entry
  int64_t at = 0;       // microseconds since the epoch, UTC
  uint64_t sealed = 0;  // the entry it seals
  std::string head;     // that entry's hash
  std::string algorithm, signature, certificate;
};

struct AuditCheck {
  uint64_t entries = 0;
  // The seals of the chain, in order (up to where it breaks): their signatures are checked by
  // the caller (sign/detached.hpp), which store does not depend on.
  std::vector<AuditSealEntry> seals;
  // The months moved to archive files, oldest first: the chain in the journal starts after the
  // last of them, linked to its head.
  std::vector<ArchivedAuditMonth> archived;
  std::string head;  // the last entry's hash: what a copy kept elsewhere is compared with
  // The first entry where the chain breaks, and how; none when it is whole.
  std::optional<uint64_t> broken_at;
  std::string reason;
};

// Reads the whole chain of the journal `settings` names (read only: the daemon may run; `password`
// for PostgreSQL, as the configuration gives it) and checks every link. An error only when the
// journal cannot be read.
Result<AuditCheck> VerifyAudit(const JournalSettings& settings, const std::string& password);

// One entry of the chain as it is stored.
struct AuditEntry {
  uint64_t seq = 0;
  int64_t at = 0;  // microseconds since the epoch, UTC
  std::string event, subject, record, prev, hash;
};

// Each entry with `at` in [from_micros, to_micros), in order, to `take` (false: stop), read in
// one snapshot while the daemon may run.
Status EachAuditEntry(const JournalSettings& settings, const std::string& password,
                      int64_t from_micros, int64_t to_micros,
                      const std::function<bool(const AuditEntry&)>& take);

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
