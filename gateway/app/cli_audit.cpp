#include "gateway/app/cli_audit.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <ostream>
#include <set>

#include "gateway/app/audit_archive.hpp"
#include "gateway/app/cli.hpp"
#include "gateway/app/cli_common.hpp"
#include "gateway/config/daemon_config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/temporal.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/detached.hpp"
#include "gateway/store/audit.hpp"

namespace eaeu::app {

AuditCommand AddAuditCommand(CLI::App& app, AuditCommand::Options& options) {
  AuditCommand a;
  a.options = &options;
  a.command = app.add_subcommand(
      "audit",
      "The journal's audit chain: every history line, each entry hashed with the one before");
  a.command->require_subcommand(1);
  a.verify = a.command->add_subcommand(
      "verify",
      "Check every link of the chain of the journal the daemon's configuration names, and the "
      "signature of each of its seals; the first entry edited, deleted or moved, or the first "
      "seal that does not verify, is named and the exit status is 1");
  a.export_ = a.command->add_subcommand(
      "export", "Write the chain's entries with the fields of D5 appendix 4 (exchange.md §6)");
  a.archive = a.command->add_subcommand(
      "archive",
      "Write a month of the chain to a gzip file signed with the gateway's key ([signing] of the "
      "configuration), which `audit verify --archive FILE` checks alone");
  for (CLI::App* cmd : {a.export_, a.archive}) {
    cmd->add_option("--config", options.config, "The daemon's configuration file")
        ->required()
        ->check(CLI::ExistingFile);
  }
  auto* config = a.verify->add_option("--config", options.config, "The daemon's configuration file")
                     ->check(CLI::ExistingFile);
  auto* archive = a.verify
                      ->add_option("--archive", options.archive,
                                   "An archive of `audit archive`, checked alone (no journal)")
                      ->check(CLI::ExistingFile);
  config->excludes(archive);
  a.verify
      ->add_option("--archives", options.archives,
                   "Where the archive files of the months the journal moved out are (default: "
                   "[journal] audit_archive_dir)")
      ->needs(config);
  a.verify->require_option(1, 2);  // --config (with --archives) or --archive
  a.archive->add_option("--month", options.month, "The month, YYYY-MM (UTC)")->required();
  a.archive->add_option("--to", options.output,
                        "The file to write (default: audit-YYYY-MM.jsonl.gz here); never "
                        "written over");
  a.export_->add_option("--from", options.from,
                        "Entries at or after this UTC time (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)");
  a.export_->add_option("--to", options.to, "Entries before this UTC time");
  a.export_->add_option("--format", options.format, "csv, json or xml")
      ->check(CLI::IsMember({"csv", "json", "xml"}));
  a.export_->add_option("--output", options.output,
                        "Write to this file (default: standard output)");
  return a;
}

namespace {

// A UTC time of --from or --to, in microseconds since the epoch.
Result<int64_t> MicrosOf(const std::string& option, const std::string& text) {
  std::optional<DateTime> t = DateTime::Parse(text);
  if (!t) {
    if (const auto d = Date::Parse(text)) t = DateTime{*d, 0, 0, 0};
  }
  if (!t) {
    return MakeError("cli.usage", option,
                     "\"" + text +
                         "\" is not a UTC date (YYYY-MM-DD) or date and time "
                         "(YYYY-MM-DDThh:mm:ss)");
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(FromUtc(*t).time_since_epoch())
      .count();
}

}  // namespace

int RunAudit(const AuditCommand& audit, std::ostream& out, std::ostream& err) {
  const auto& o = *audit.options;
  if (audit.verify->parsed() && !o.archive.empty()) {
    if (auto st = InitialiseCryptoFrom(""); !st) return Fail(err, st.error());
    auto a = VerifyAuditArchive(o.archive);
    if (!a) {
      out << "audit archive broken: " << a.error().ToString() << "\n";
      return kExitInvalid;
    }
    out << "audit archive whole: " << a->month << ", " << a->entries << " entries (" << a->first
        << " to " << a->last << "), head " << a->head << "\nsigned by " << a->signer << "\n";
    return kExitOk;
  }
  auto config = config::LoadDaemonConfig(o.config);
  if (!config) return Fail(err, config.error());
  const store::JournalSettings& journal = config->journal;
  std::string password;
  if (journal.backend == "postgresql" &&
      (!journal.password_file.empty() || !journal.password_env.empty())) {
    auto read = sign::ReadPassword({journal.password_file, journal.password_env});
    if (!read) return Fail(err, read.error());
    password = read->value_or("");
  }

  if (audit.archive->parsed()) {
    if (auto st = sign::InitialiseCrypto(config->openssl_config); !st) return Fail(err, st.error());
    auto credentials = sign::LoadSigningCredentials(config->signing);
    if (!credentials) return Fail(err, credentials.error());
    const std::string to = o.output.empty() ? "audit-" + o.month + ".jsonl.gz" : o.output;
    auto a = WriteAuditArchive(journal, password, o.month, **credentials, to);
    if (!a) return Fail(err, a.error());
    out << a->entries << " entries of " << a->month << " (" << a->first << " to " << a->last
        << ") archived to " << to << ", head " << a->head << ", signed by " << a->signer << "\n";
    return kExitOk;
  }

  if (audit.verify->parsed()) {
    auto check = store::VerifyAudit(journal, password);
    if (!check) return Fail(err, check.error());
    if (check->broken_at) {
      out << "audit chain broken at entry " << *check->broken_at << ": " << check->reason << "\n"
          << check->entries << " entries before it are whole\n";
      return kExitInvalid;
    }
    // The seals' and the archives' signatures, with the keys of their own certificates (a GOST
    // key needs the engine that the daemon's configuration loads).
    if (!check->seals.empty() || !check->archived.empty()) {
      if (auto st = sign::InitialiseCrypto(config->openssl_config); !st)
        return Fail(err, st.error());
    }
    std::set<std::string> signers;
    for (const auto& seal : check->seals) {
      auto signer = sign::VerifyDetached({seal.algorithm, seal.signature, seal.certificate},
                                         store::AuditSealText(seal.sealed, seal.head));
      if (!signer) {
        out << "audit chain broken at entry " << seal.seq << ": its seal of entry " << seal.sealed
            << " does not verify (" << signer.error().ToString()
            << "): the entries up to it were written again by someone without the key\n";
        return kExitInvalid;
      }
      signers.insert(signer->subject);
    }
    out << "audit chain whole: " << check->entries << " entries, head " << check->head << "\n";
    uint64_t last_seq = check->entries;
    if (!check->archived.empty()) {
      // The months before it, in their archive files.
      const auto& months = check->archived;
      last_seq += months.back().last;
      const std::filesystem::path dir =
          o.archives.empty() ? journal.audit_archive_dir : std::filesystem::path(o.archives);
      const auto files = CheckArchivedMonths(months, dir);
      out << months.size() << (months.size() == 1 ? " month" : " months") << " archived before it ("
          << months.front().month << " to " << months.back().month << ", entries 1 to "
          << months.back().last << "): " << files.checked << " archive files whole in "
          << dir.string() << "\n";
      if (files.broken) {
        out << "audit archive broken: " << files.broken->ToString() << "\n";
        return kExitInvalid;
      }
      for (const auto& missing : files.missing) {
        out << "not checked: " << missing << " is not there (--archives names where they are)\n";
      }
    }
    if (check->seals.empty()) {
      out << "no seal yet (the daemon seals the chain every [journal] audit_seal_every and when "
             "it stops)\n";
      return kExitOk;
    }
    const auto& last = check->seals.back();
    out << check->seals.size() << (check->seals.size() == 1 ? " seal" : " seals")
        << " verified, the last of entry " << last.sealed << " at "
        << FormatUtc(std::chrono::system_clock::time_point(std::chrono::microseconds(last.at)))
        << "; " << last_seq - last.seq << " entries after it not sealed yet\n";
    for (const auto& subject : signers) out << "sealed by " << subject << "\n";
    return kExitOk;
  }

  store::AuditExport what;
  if (!o.from.empty()) {
    auto from = MicrosOf("--from", o.from);
    if (!from) return Fail(err, from.error());
    what.from_micros = *from;
  }
  if (!o.to.empty()) {
    auto to = MicrosOf("--to", o.to);
    if (!to) return Fail(err, to.error());
    what.to_micros = *to;
  }
  what.format = o.format == "json"  ? store::AuditFormat::kJson
                : o.format == "xml" ? store::AuditFormat::kXml
                                    : store::AuditFormat::kCsv;
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(err, MakeError("file.write", o.output, "cannot be written"));
  }
  auto written = store::ExportAudit(journal, password, what, o.output.empty() ? out : file);
  if (!written) return Fail(err, written.error());
  if (!o.output.empty()) {
    file.close();
    if (!file) return Fail(err, MakeError("file.write", o.output, "could not be written whole"));
    out << *written << " entries written to " << o.output << "\n";
  }
  return kExitOk;
}

}  // namespace eaeu::app
