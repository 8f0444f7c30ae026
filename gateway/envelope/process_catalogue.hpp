#pragma once
// The catalogue of process P.MM.00: its codes, the participants' addresses and the transactions
// with their patterns, timers and retries (exchange.md §1–3). Every code in it is provisional
// until the technological documents of EEC Decision No. 3 of 17 Jan 2023 are published, so it is
// data (config/process.toml), never code.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::envelope {

enum class Pattern { kRequestResponse, kNotification };

// Who a transaction's initiating message goes to.
enum class Respondent {
  kCommission,        // the Commission's participant
  kOtherAuthorities,  // the authority of every member state but the sender's (rule SN-05)
};

struct Transaction {
  std::string code;           // "P.MM.00.TRN.001"
  bool started_here = true;   // an authority starts it (false: the Commission does)
  std::string kind;           // the document kind that starts it ("inspection-report")
  std::string message;        // the initiating message's code ("P.MM.00.MSG.001")
  std::string reply_message;  // the answer's code, request/response only
  Pattern pattern = Pattern::kNotification;
  Respondent respondent = Respondent::kCommission;
  bool guaranteed_delivery = false;
  bool signed_document = true;  // the gateway signs the document (exchange.md §5)
  // A received document of this transaction is refused without a valid signature (§5).
  bool signature_required = false;
  std::optional<std::chrono::milliseconds> receive_timer;  // "–" in the table: none
  std::optional<std::chrono::milliseconds> processing_timer;
  std::optional<std::chrono::milliseconds> response_timer;
  uint32_t retries = 3;
};

// What the Action of a received application message names.
struct IncomingMessage {
  const Transaction* transaction = nullptr;
  std::string message;  // its message code
  bool reply = false;   // the reply to a request of this gateway's
};

class ProcessCatalogue {
 public:
  std::string process;                // "P.MM.00"
  std::string version;                // "1.0.0"
  std::string procedure;              // "P.MM.00.PRC.001"
  std::string commission_address;     // "EAEU://EEC/CP/P.MM.00/P.ACT.001"
  std::string authority_participant;  // the participant code of each state's authority
  std::vector<std::string> member_states;
  std::vector<Transaction> transactions;

  // The transaction a national system starts by submitting a document of this kind.
  const Transaction* ForKind(std::string_view kind) const;
  // int://CP/<process>/<version>/<procedure>/<transaction>/<message>
  std::string Action(const Transaction& transaction, std::string_view message) const;
  // EAEU://<state>/CP/<process>/<participant>
  std::string AddressOf(std::string_view state, std::string_view participant) const;
  // The message an authority receives that `action` names: a transaction the Commission starts,
  // a notification another authority sends to every authority, or the reply to one of this
  // gateway's requests. nullopt for anything else (another process, a message an authority never
  // receives).
  std::optional<IncomingMessage> Incoming(std::string_view action) const;
  // The logical addresses a message of `transaction` from `sender_state` goes to, in order.
  std::vector<std::string> Destinations(const Transaction& transaction,
                                        std::string_view sender_state) const;
};

// Reads and checks the file; every problem names its key and line.
Result<ProcessCatalogue> LoadProcessCatalogue(const std::filesystem::path& file);

// An ISO 8601 duration of days, hours, minutes and seconds: "PT20M", "PT1H30M", "P1D".
std::optional<std::chrono::milliseconds> ParseIsoDuration(std::string_view text);

}  // namespace eaeu::envelope
