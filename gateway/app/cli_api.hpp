#pragma once
// The commands that talk to a running eaeu-gatewayd over its REST API, and the one that makes
// API tokens:
//   eaeu-gateway tokens new --country RU --participant P.MM.00.ACT.001 --name JOB [--append FILE]
//   eaeu-gateway submit FILE...            (XML or JSON; by extension, else by content)
//   eaeu-gateway messages list [--state S] [--kind K] [--since T] [--limit N] [--all]
//   eaeu-gateway messages show ID
//   eaeu-gateway deadlines [--open] [--at-risk] [--overdue] [--met] [--waived] [--kind DL-01]
//                          [--id ID]
//   eaeu-gateway deadlines event KIND --report R --reference N --date D [--report-received D]
//   eaeu-gateway deadlines met ID --on D --reason TEXT
//   eaeu-gateway deadlines waive|reopen ID --reason TEXT
// The daemon's address is --url (default http://127.0.0.1:8080); the token is read from
// --token-file or the EAEU_GATEWAY_TOKEN variable, never from the command line.

#include <iosfwd>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"

namespace CLI {
class App;
}

namespace eaeu::app {

struct ApiCommands {
  CLI::App* tokens = nullptr;
  CLI::App* tokens_new = nullptr;
  CLI::App* submit = nullptr;
  CLI::App* messages = nullptr;
  CLI::App* messages_list = nullptr;
  CLI::App* messages_show = nullptr;
  CLI::App* messages_retry = nullptr;
  CLI::App* deadlines = nullptr;
  CLI::App* deadlines_event = nullptr;
  CLI::App* deadlines_met = nullptr;
  CLI::App* deadlines_waive = nullptr;
  CLI::App* deadlines_reopen = nullptr;
  struct Options {
    std::string url = "http://127.0.0.1:8080";
    std::string token_file;
    std::string cacert;       // CA bundle for an https:// daemon
    std::string certificate;  // client certificate (PEM) and its key
    std::string key;
    std::string format = "text";
    std::vector<std::string> files;
    std::string state, kind, since;
    unsigned limit = 100;
    bool all = false;
    bool open = false, at_risk = false, overdue = false, met = false, waived = false;
    std::string event_kind, report, reference, date, report_received, reason;
    std::string id;
    std::string country, participant, name, append, role;
  };
  Options* options = nullptr;  // owned by the caller of AddApiCommands
};

ApiCommands AddApiCommands(CLI::App& app, ApiCommands::Options& options);
// --url, --token-file, --cacert, --cert, --key and (unless the command has its own) --format, as
// every API command has them.
void AddConnectionOptions(CLI::App& cmd, ApiCommands::Options& o, bool with_format = true);

// The daemon client the API commands share.
struct ApiReply {
  long status = 0;
  std::string content_type;
  std::string body;
};
// One request to the daemon with libcurl (`body` null: none).
Result<ApiReply> CallApi(const ApiCommands::Options& o, const std::string& token,
                         const char* method, const std::string& path, const std::string* body,
                         const std::string& content_type);
// The token from --token-file, else the EAEU_GATEWAY_TOKEN variable.
Result<std::string> ReadApiToken(const ApiCommands::Options& o);
// The problem document of a failed call, as one line.
std::string ProblemLine(const ApiReply& r);
// Runs whichever of the commands was parsed; -1 when none was.
int RunApiCommand(const ApiCommands& commands, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
