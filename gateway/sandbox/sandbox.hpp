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
//   - detects duplicates by (destination, EDocId) and answers them as the first time;
//   - misbehaves on request: HTTP 5xx, a stall past the sender's timer, a receipt dropped, its own
//     message sent twice, the reply sent before the receipt, a refusal (the processing result
//     "02" for a request, a ValidationError for a notification).
//
// Control: GET /sandbox/state (what it took and sent, as JSON), POST /sandbox/misbehave
// ({"what": "5xx" | "stall" | "drop-receipt" | "duplicate" | "out-of-order" | "refuse",
// "count": n}) applies
// to the next n envelopes.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
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
};

// Reads and checks the file; every problem names its key and line.
Result<SandboxSettings> LoadSandboxSettings(const std::filesystem::path& file);

class Sandbox {
 public:
  // Loads the schemas, the catalogue and the key, and binds the listener on `io`.
  static Result<std::unique_ptr<Sandbox>> Start(boost::asio::io_context& io,
                                                const SandboxSettings& settings, const Clock* clock,
                                                RandomSource random);
  ~Sandbox();
  uint16_t port() const;
  // A gateway takes part (or moves to another endpoint) from now on.
  void Join(SandboxGateway gateway);
  void Stop();

  struct Impl;

 private:
  explicit Sandbox(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::sandbox
