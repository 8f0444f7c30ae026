#pragma once
// A month of the audit chain in a file of its own, for the years an auditor may ask for it
// (Decision 106 §17: at least 10 years): gzip of JSON lines — a header, every entry of the month as
// the journal stores it, and a trailer with the count, the first and last entries, the head, the
// SHA-256 of every line before it and the gateway's detached signature of all of these, with its
// certificate. VerifyAuditArchive checks a file alone, anywhere: each entry's hash made again,
// each link, the trailer and its signature.
//
//   {"format":"eaeu-audit-archive-1","month":"2026-11","from":"2026-11-01T00:00:00Z",
//    "to":"2026-12-01T00:00:00Z"}
//   {"seq":1207,"at":1764583200000000,"event":"...","subject":"...","record":"...","prev":"...",
//    "hash":"..."}
//   ...
//   {"entries":5120,"first":1207,"last":6326,"head":"...","sha256":"...","algorithm":"...",
//    "signature":"...","certificate":"..."}
//
// The signature is over AuditArchiveText(month, entries, first, last, head, sha256).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/store/audit.hpp"
#include "gateway/store/settings.hpp"

namespace eaeu::store {
class Journal;
}

namespace eaeu::app {

struct AuditArchive {
  std::string month;  // "2026-11"
  uint64_t entries = 0;
  uint64_t first = 0, last = 0;
  std::string head;        // the last entry's hash
  std::string first_prev;  // the hash the first entry links to: the month before's head
  std::string signer;      // the subject of the certificate that signed it
};

std::string AuditArchiveText(const std::string& month, uint64_t entries, uint64_t first,
                             uint64_t last, const std::string& head, const std::string& sha256);

// Writes the month's entries of the journal `settings` names to `to` (refused when it exists, or
// when the month's part of the chain does not hold together), signed with `credentials`.
Result<AuditArchive> WriteAuditArchive(const store::JournalSettings& settings,
                                       const std::string& password, const std::string& month,
                                       const sign::SigningCredentials& credentials,
                                       const std::filesystem::path& to);

// Checks an archive file alone; the error names the line and what is wrong with it.
Result<AuditArchive> VerifyAuditArchive(const std::filesystem::path& file);

// The name of a month's archive file: "audit-2016-11.jsonl.gz".
std::string AuditArchiveName(const std::string& month);

// Retention: moves each whole month of the chain that ended [journal] audit_retention_years
// before `now`, oldest first, to its archive file in [journal] audit_archive_dir, and removes its
// entries from `journal` once the file is written, closed and read back whole. A file left by a
// run that stopped half way is taken when it holds those very entries. Returns the months moved;
// an error names the month that could not be (those before it are moved, it stays).
Result<std::vector<store::ArchivedAuditMonth>> RetireAuditMonths(
    store::Journal& journal, const store::JournalSettings& settings, const std::string& password,
    const sign::SigningCredentials& credentials, std::chrono::system_clock::time_point now);

// The archive files of the months the journal moved out, checked in `dir`: each one whole,
// signed, the file the journal recorded (its SHA-256), and linked to the month before it.
struct ArchivedMonthsCheck {
  uint64_t checked = 0;              // files found and whole
  std::vector<std::string> missing;  // files not in `dir`
  std::optional<Error> broken;       // the first file that is not what the journal recorded
};
ArchivedMonthsCheck CheckArchivedMonths(const std::vector<store::ArchivedAuditMonth>& months,
                                        const std::filesystem::path& dir);

}  // namespace eaeu::app
