#pragma once
// eaeu-gatewayd's component graph, built from a checked configuration: the journal, the
// validator, the signer, the pipeline, the REST API and the drop folders, with their threads.
// Wiring only: each piece is a library of its own.

#include <ctime>
#include <memory>

#include "gateway/config/daemon_config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/result.hpp"
#include "gateway/transport/http_server.hpp"

namespace eaeu::app {

struct DaemonHooks {
  const Clock* clock = nullptr;  // nullptr: the system clock
  RandomSource random;           // empty: the system's generator
  bool handle_signals = false;   // SIGTERM/SIGINT shut down, SIGHUP reloads
};

// Loads everything the daemon reads at start-up (schemas, code lists, process catalogue, signing
// key, callers) without opening the journal or a socket: eaeu-gatewayd --check-config.
Status CheckDeployment(const config::DaemonConfig& config, std::time_t now);

class Daemon {
 public:
  // Opens the journal, loads the keys, binds the API; any failure is an error that says which
  // part and why, and nothing is left running.
  static Result<std::unique_ptr<Daemon>> Create(const config::DaemonConfig& config,
                                                DaemonHooks hooks = {});
  ~Daemon();

  // Starts the threads and resumes the journal's unfinished messages; returns at once.
  Status Start();
  // Blocks until a shutdown was asked for and has finished: accepting stops, work in flight is
  // finished (for up to daemon.shutdown_grace), the journal is flushed, the threads are joined.
  void Wait();
  // Asks for a shutdown (SIGTERM). Thread-safe.
  void Shutdown();
  // Reloads the signing key, the callers and the TLS certificate (SIGHUP); work goes on. A part
  // that fails to load keeps its previous version and the error is returned.
  Status Reload();

  // What the process exits with once Wait returned: 0, or 75 when a gateway of a cluster stopped
  // because another had taken its jobs over (its supervisor starts it afresh).
  int exit_code() const;
  uint16_t api_port() const;
  // The REST API in this process, past its socket: what the listener hands each parsed request
  // to (the router's fuzz target calls it). `respond` is called once, from any thread.
  void HandleApi(transport::HttpRequest request, transport::Respond respond) const;
  uint16_t inbound_port() const;  // 0 without an [inbound] endpoint

  struct Impl;

 private:
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::app
