#pragma once
// `eaeu-gateway journal migrate`: a SQLite journal moved into PostgreSQL, checked before it is
// committed; `journal backup`: a SQLite journal copied while its daemon runs, checked.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace eaeu::app {

struct JournalCommand {
  CLI::App* command = nullptr;  // journal
  CLI::App* migrate = nullptr;  // journal migrate
  CLI::App* backup = nullptr;   // journal backup
  struct Options {
    std::string from;           // the SQLite file
    std::string to;             // the PostgreSQL URL
    std::string password_file;  // or
    std::string password_env;
    std::string config;     // backup: the daemon's configuration
    std::string backup_to;  // backup: the copy's file
  };
  Options* options = nullptr;  // owned by the caller of AddJournalCommand
};

JournalCommand AddJournalCommand(CLI::App& app, JournalCommand::Options& options);
int RunJournal(const JournalCommand& journal, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
