#pragma once
// The sandbox peer: the integrated system on loopback, for integration teams and tests. It plays
// the Commission and every member state that has no gateway of its own in the sandbox:
//
//   - checks each envelope (header control, then the Body's schema and rules) and answers with a
//     Fault, a ValidationError or a DeliveryReceipt, like a receiver (exchange.md §4);
//   - answers a request (a report, a register change, a summary request) after `reply_after` with
//     the R.006 processing result, sent to the requesting state's gateway;
//   - distributes an accepted report to the other states' gateways (TRN.002), and passes a notice
//     addressed to a state with a gateway on to it;
//   - verifies the signature of each document against its trust store (`trust`), like the
//     Commission, and answers one it does not trust with a ValidationError;
//   - sends a ProcessingReceipt before each reply when asked to (`processing_receipt`, or on
//     demand);
//   - delivers its own replies and distributed documents reliably: each is written to its spool
//     (`state_dir`) before it is sent, and sent again with back-off until the gateway's inbound
//     endpoint takes it, across the sandbox's own restarts;
//   - detects duplicates by (destination, EDocId) and answers them as the first time: the same
//     signal, and a request's reply sent again;
//   - misbehaves on request: HTTP 5xx, a stall past the sender's timer, a receipt dropped, its own
//     message sent twice, the reply sent before the receipt, a refusal (the processing result
//     "02" for a request, a ValidationError for a notification).
//
// Control: GET /sandbox/state (what it took and sent, as JSON), POST /sandbox/misbehave
// ({"what": "5xx" | "stall" | "drop-receipt" | "duplicate" | "out-of-order" | "refuse" | "fault" |
// "processing-receipt", "count": n}) applies to the next n envelopes ("fault": a SOAP Fault of
// the Receiver; "processing-receipt": a ProcessingReceipt before the reply).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/result.hpp"
#include "gateway/transport/settings.hpp"

namespace boost::asio {
class io_context;
}

namespace eaeu::sandbox {

struct SandboxGateway {
  std::string country;   // a member state whose gateway takes part
  std::string endpoint;  // its inbound endpoint (http:// on loopback, or https://)
};

struct SandboxSettings {
  std::filesystem::path file;  // where it was read from
  transport::ListenAddress listen{"127.0.0.1", 8091};
  // [sandbox.tls]: it answers over HTTPS with this certificate (a peer's TLS, to try a gateway's
  // pinned CA, CRL and ciphers against); none: plain HTTP.
  std::optional<transport::TlsSettings> tls;
  std::filesystem::path openssl_config;
  std::filesystem::path process_catalogue;
  std::filesystem::path schema_catalog;
  std::vector<std::filesystem::path> code_lists;
  std::vector<SandboxGateway> gateways;
  std::chrono::milliseconds reply_after{1'000};  // the R.006 reply follows the receipt
  std::string result_code = "01";                // ProcessingResultV2Code of its replies
  std::chrono::milliseconds stall{30'000};       // how long a stalled answer is held
  std::filesystem::path signing_key;             // signs its own documents when set
  std::filesystem::path signing_certificate;
  // The certificates it trusts the gateways' signatures to (a folder of PEM files); empty: the
  // signatures are not checked.
  std::filesystem::path trust;
  bool processing_receipt = false;  // a ProcessingReceipt precedes every reply
  // Whether each document is validated and its signature checked, as the Commission does; false
  // for load runs, where the sandbox must not hide the gateway's own cost (the EDocId is read
  // from the text, the document taken as the transaction's kind).
  bool check_documents = true;
  // Where it keeps what it must not forget across a restart; empty: in memory only.
  std::filesystem::path state_dir;
  // Its own messages are sent again after this, doubled each time up to redeliver_max.
  std::chrono::milliseconds redeliver_initial{1'000};
  std::chrono::milliseconds redeliver_max{60'000};
};

// Reads and checks the file; every problem names its key and line.
Result<SandboxSettings> LoadSandboxSettings(const std::filesystem::path& file);

class Sandbox {
 public:
  // Loads the schemas, the catalogue and the key, and binds the listener on `io`.
  static Result<std::unique_ptr<Sandbox>> Start(boost::asio::io_context& io,
                                                const SandboxSettings& settings, const Clock* clock,
                                                RandomSource random);
  // After its io_context has stopped: the sends still under way go with it.
  ~Sandbox();
  uint16_t port() const;
  // Reads its TLS certificate and key again, for the connections from now on (SIGHUP).
  Status ReloadTls();
  // A gateway takes part (or moves to another endpoint) from now on.
  void Join(SandboxGateway gateway);
  void Stop();

  struct Impl;

 private:
  explicit Sandbox(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::sandbox
