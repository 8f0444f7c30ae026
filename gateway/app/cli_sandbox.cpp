#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/app/cli_sandbox.hpp"

#include <CLI/CLI.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <functional>
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
    uint16_t port = 0;
    const char* end = o.listen.data() + o.listen.size();
    if (colon == std::string::npos || colon == 0 ||
        std::from_chars(o.listen.data() + colon + 1, end, port).ptr != end) {
      err << "sandbox: --listen must be host:port, such as 127.0.0.1:8091, not \"" << o.listen
          << "\"\n";
      return kExitUnusable;
    }
    settings->listen.host = o.listen.substr(0, colon);
    settings->listen.port = port;
  }
  boost::asio::io_context io;
  SystemClock clock;
  auto sandbox = sandbox::Sandbox::Start(io, *settings, &clock, SystemRandom());
  if (!sandbox) {
    err << "sandbox: " << sandbox.error().ToString() << "\n";
    return kExitUnusable;
  }
  out << "sandbox listening on " << (settings->tls ? "https://" : "http://")
      << settings->listen.host << ":" << (*sandbox)->port()
      << "/ (Ctrl-C stops it; SIGHUP reads its TLS certificate again)" << std::endl;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int number) {
        if (ec) return;
        if (number != SIGHUP) {
          io.stop();
          return;
        }
        if (auto st = (*sandbox)->ReloadTls(); !st) {
          err << "sandbox: SIGHUP: " << st.error().ToString() << std::endl;
        }
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  io.run();
  (*sandbox)->Stop();
  sandbox->reset();  // after the loop stopped: its HTTP client goes with it
  return 0;
}

}  // namespace eaeu::app
