#pragma once
// The stages a message passes through, for the latency each takes (the daemon observes them into
// histograms; a component is told of an observer, or of none).

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace eaeu {

enum class Stage : uint8_t {
  kValidate,     // parse, schema and rules of a submission
  kSign,         // the XML signature and the serialised document
  kJournal,      // from asking the journal to keep a change to its commit
  kSend,         // one envelope on the wire, to the peer's answer
  kAcknowledge,  // from a delivery taken on to its acknowledgement
};

inline constexpr std::array<std::string_view, 5> kStageNames = {"validate", "sign", "journal",
                                                                "send", "acknowledgement"};

inline std::string_view StageName(Stage stage) {
  return kStageNames[static_cast<size_t>(stage)];
}

// Told how long a stage took; empty: nobody asks.
using StageObserver = std::function<void(Stage, double seconds)>;

// The seconds since `start` on the steady clock.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace eaeu
