#pragma once
// The register sync: a job gives the whole national register; the gateway reads and validates
// every organization, compares each with the register it has sent, and sends one Table 3
// document (TRN.004) per organization added or changed, and a withdrawal (the record as sent,
// with an EndDateTime, T3-R1) per organization that is no longer there. Unchanged input sends
// nothing.
//
// Crash-safe and idempotent: the whole plan (every message, validated, and every record's new
// version) is one journal change before anything is sent; the pipeline then signs and queues
// the messages, and a restart takes on any the crash left validated. A sync run again compares
// with the register including what is still owed, so it sends only what is still different.
// Syncs run one at a time; a plan is also refused by the journal when a record moved since it
// was read (and is then worked out again).
//
//   Sync ─▶ worker: read ─▶ validate each ─▶ read the register as sent ─▶ compare
//        ─▶ withdrawal guard ─▶ (dry run: report) ─▶ journal: the plan, one change
//        ─▶ pipeline: sign + queue each ─▶ report

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/result.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/registry/record.hpp"
#include "gateway/registry/settings.hpp"
#include "gateway/registry/source.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::registry {

using store::TimePoint;

struct SyncRequest {
  std::string bytes;  // the whole register
  SourceFormat format = SourceFormat::kAuto;
  std::string source;  // where it came from, for the record ("POST /v1/registry/sync", a file)
  intake::Sender sender;
  bool dry_run = false;            // work out and report; journal and send nothing
  bool allow_withdrawals = false;  // past the withdrawal guard
  bool strict = false;             // one invalid organization refuses the whole sync
};

// An organization that could not be taken, and why (every violation, or the reading error).
struct InvalidRecord {
  std::string where;
  std::string key;  // empty when not even the key could be read
  std::string name;
  std::vector<validate::Violation> violations;
};

struct SyncItem {
  std::string key;
  std::string name;
  store::RegisterChange change = store::RegisterChange::kAdded;
  std::string where;                // in the input; "register as sent" for a withdrawal
  std::string message_id;           // empty in a dry run or a refused sync
  std::vector<FieldChange> fields;  // a change: what differs from the register as sent
};

enum class SyncOutcome {
  kPlanned,          // journalled; the messages go out
  kDryRun,           // worked out, nothing journalled
  kNothingToSend,    // the input equals the register as sent
  kWithdrawalGuard,  // refused: more withdrawals than the share allows, not confirmed
  kInvalid,          // refused: strict, and some organizations are invalid
};
std::string_view SyncOutcomeName(SyncOutcome outcome);

struct SyncReport {
  SyncOutcome outcome = SyncOutcome::kPlanned;
  std::string sync_id;  // when journalled
  uint32_t added = 0, changed = 0, withdrawn = 0, unchanged = 0;
  uint32_t registered = 0;  // organizations of this state in the register as sent, before
  std::vector<InvalidRecord> invalid;
  std::vector<SyncItem> items;  // in key order
  std::string refusal;          // why, when refused
  double seconds = 0;           // to read, validate, compare and journal
};

struct SyncDependencies {
  store::Journal* journal = nullptr;
  const validate::Validator* validator = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  intake::PostToWorkers post;  // a sync runs on the worker pool
  std::function<std::shared_ptr<const calendar::Calendars>()> calendars;  // may be empty
  // The messages a sync journalled, to be signed and queued (intake::Pipeline::Take).
  std::function<void(std::vector<std::string>)> take;
};

class RegistrySync {
 public:
  RegistrySync(SyncDependencies deps, RegistrySettings settings);
  ~RegistrySync();  // waits for the sync under way and drops those waiting
  RegistrySync(const RegistrySync&) = delete;
  RegistrySync& operator=(const RegistrySync&) = delete;

  // Runs the sync after the ones before it; `done` is called once, on a worker. The error is for
  // input that is no register at all, or a journal that refused the plan.
  void Sync(SyncRequest request, std::function<void(Result<SyncReport>)> done);
  // The same, waiting for it (the command line's local use, tests).
  Result<SyncReport> SyncAndWait(SyncRequest request);

  struct Stats {
    std::map<std::string, uint64_t> syncs;           // by outcome
    uint64_t added = 0, changed = 0, withdrawn = 0;  // changes planned
    uint64_t invalid = 0;                            // organizations refused
    std::optional<TimePoint> last_at;                // the latest sync's end
  };
  Stats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::registry
