#pragma once
// The journal's settings: its backend and where it lives.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace eaeu::store {

struct JournalSettings {
  std::string backend = "sqlite";  // or "postgresql"
  std::filesystem::path file;      // sqlite: the journal's file
  // postgresql: libpq's URL (postgresql://user@host:port/db?sslmode=verify-full&sslrootcert=…),
  // and its password from a file or an environment variable rather than in the URL.
  std::string url;
  std::filesystem::path password_file;
  std::string password_env;
  // postgresql: this gateway's name in the cluster of gateways sharing the database (each
  // process adds a suffix of its own; empty: the host's name), and how long an instance that
  // stops renewing its lease holds on to its work before another takes it.
  std::string instance;
  std::chrono::milliseconds lease{15'000};
  uint32_t readers = 4;  // reader connections
  uint32_t max_batch = 512;
  // How often the daemon seals the audit chain with its signing key (store/audit.hpp), and when
  // it stops; zero: only when it stops.
  std::chrono::seconds audit_seal_every{3600};
  // How many years the audit chain's entries stay in the journal; older whole months are moved
  // to signed archive files in `audit_archive_dir` (app/audit_archive.hpp), one a month, checked
  // before their entries leave. Zero: they stay. The archives are the record for the years after
  // (Decision 106 §17: at least 10 years); they are never removed by the gateway.
  uint32_t audit_retention_years = 10;
  std::filesystem::path audit_archive_dir;
};

}  // namespace eaeu::store
