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

#include <cstdint>
#include <filesystem>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/store/settings.hpp"

namespace eaeu::app {

struct AuditArchive {
  std::string month;  // "2026-11"
  uint64_t entries = 0;
  uint64_t first = 0, last = 0;
  std::string head;    // the last entry's hash
  std::string signer;  // the subject of the certificate that signed it
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

}  // namespace eaeu::app
