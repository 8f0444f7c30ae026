#pragma once
// `eaeu-gateway audit verify`, `audit export` and `audit archive`: the journal's audit chain
// (store/audit.hpp) of the daemon a configuration file describes, checked link by link and seal by
// seal, written out in the field form of D5 appendix 4, or a month of it archived in a signed file
// (app/audit_archive.hpp) that `audit verify --archive` checks alone.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace eaeu::app {

struct AuditCommand {
  CLI::App* command = nullptr;
  CLI::App* verify = nullptr;
  CLI::App* export_ = nullptr;
  CLI::App* archive = nullptr;
  struct Options {
    std::string config;    // the daemon's configuration file
    std::string archive;   // verify: an archive file instead of the journal
    std::string archives;  // verify: where the archived months' files are
    std::string month;     // archive: YYYY-MM
    std::string from;      // export: YYYY-MM-DD or YYYY-MM-DDThh:mm:ss, UTC, inclusive
    std::string to;        // exclusive
    std::string format = "csv";
    std::string output;  // a file; empty: standard output
  };
  Options* options = nullptr;  // owned by the caller of AddAuditCommand
};

AuditCommand AddAuditCommand(CLI::App& app, AuditCommand::Options& options);
int RunAudit(const AuditCommand& audit, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
