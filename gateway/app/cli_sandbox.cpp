#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/app/cli_sandbox.hpp"

#include <CLI/CLI.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <ostream>

#include "gateway/app/cli.hpp"
#include "gateway/sandbox/sandbox.hpp"

namespace eaeu::app {

SandboxCommand AddSandboxCommand(CLI::App& app, SandboxCommand::Options& o) {
  SandboxCommand s;
  s.options = &o;
  s.command = app.add_subcommand(
      "sandbox",
      "Play the integrated system on loopback: the Commission and the member states without a "
      "gateway of their own. Checks and answers envelopes with receipts, errors and R.006 "
      "replies, distributes reports to the gateways taking part, and misbehaves on request "
      "(POST /sandbox/misbehave). Runs until SIGINT or SIGTERM");
  s.command->add_option("--config", o.config, "The sandbox's TOML file (config/sandbox.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  s.command->add_option("--listen", o.listen, "host:port instead of sandbox.listen");
  return s;
}

int RunSandbox(const SandboxCommand& command, std::ostream& out, std::ostream& err) {
  const auto& o = *command.options;
  auto settings = sandbox::LoadSandboxSettings(o.config);
  if (!settings) {
    err << settings.error().ToString() << "\n";
    return kExitUnusable;
  }
  if (!o.listen.empty()) {
    const auto colon = o.listen.rfind(':');
    settings->listen.host = o.listen.substr(0, colon);
    settings->listen.port = static_cast<uint16_t>(
        std::stoi(colon == std::string::npos ? "0" : o.listen.substr(colon + 1)));
  }
  boost::asio::io_context io;
  SystemClock clock;
  auto sandbox = sandbox::Sandbox::Start(io, *settings, &clock, SystemRandom());
  if (!sandbox) {
    err << "sandbox: " << sandbox.error().ToString() << "\n";
    return kExitUnusable;
  }
  out << "sandbox listening on http://" << settings->listen.host << ":" << (*sandbox)->port()
      << "/ (Ctrl-C stops it)" << std::endl;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  io.run();
  (*sandbox)->Stop();
  sandbox->reset();  // after the loop stopped: its HTTP client goes with it
  return 0;
}

}  // namespace eaeu::app
