#pragma once
// The deadline tracker: follows the journal's changes of outbound messages from a cursor the
// journal keeps ("deadlines"), like the notifier, and keeps the deadlines they start in the
// journal:
//
//   - a message validated starts its document's deadlines (deadline.hpp), each tracked in the
//     state it is in that day (a report that comes late is overdue from its start);
//   - a message the Commission acknowledged meets them: DL-01 and DL-02 on the day it took the
//     message (its receipt), late by the business days past the due day; DL-05 of an earlier
//     report of the same manufacturer when it is a periodic report. A refused or dead message
//     meets nothing;
//   - every day that turns in a member state's capital, and on demand (SIGHUP), every deadline
//     not met is counted again in the calendars as they are now and moved to at risk or
//     overdue when its day comes; one whose document planned the day it is met on (DL-03) is
//     met once that day has come;
//   - an event an operator or a national system records (Record: a test protocol, a claim)
//     starts or meets the deadline no document carries (DL-04, DL-06);
//   - an operator's hand (Act) marks a deadline met on a day, waives it or reopens it, always
//     with a reason, and the history line says who.
//
// Records and acts take their turn with the tracker's own steps, so that none of them works on
// what another is about to change.
//
// Every move is a line of the deadline's history in the journal; the moves to at risk and to
// overdue are what DeadlineFeed gives a notifier. On its first start the tracker reads the journal
// from its beginning: the messages taken before it are tracked too.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "codecs/model.hpp"
#include "gateway/calendar/calendar.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/lane.hpp"
#include "gateway/core/recent.hpp"
#include "gateway/core/result.hpp"
#include "gateway/deadlines/deadline.hpp"
#include "gateway/notify/notifier.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::deadlines {

struct TrackerDependencies {
  store::Journal* journal = nullptr;
  const Clock* clock = nullptr;
  std::function<std::shared_ptr<const Calendars>()> calendars;  // the current set (or null)
  // A message's document read from its XML (the journal's, which the model may keep: a report
  // file stays in it); nullopt when it cannot be.
  std::function<std::optional<model::Document>(std::shared_ptr<const std::string> xml)> read;
  // The models of documents the intake has just read, by message id (may be null): taken from
  // there rather than read again.
  std::shared_ptr<Recent<model::Document>> recent;
  // Its serial order, the worker pool for journal work, its wake-ups (Tick) and the settle
  // timer (a busy journal is followed in batches).
  std::shared_ptr<Lane> lane;
};

struct TrackerSettings {
  int at_risk_days = 3;
  // After a step that took changes and caught up with the journal, the next waits this long, so
  // that a busy journal is followed in batches (fewer commits of the tracker's own between the
  // submissions'). A step that is behind (it read a full page) is followed at once.
  std::chrono::milliseconds settle{100};
};

class Tracker {
 public:
  Tracker(TrackerDependencies deps, TrackerSettings settings);
  ~Tracker();
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  // Reads the cursor, takes what is waiting and counts every deadline again.
  Status Start();
  // Takes records and acts without following the journal: a gateway of a cluster that does not
  // lead it (the leader follows and counts for all).
  void Serve();
  // Counts every deadline not met again now (the calendars were reloaded).
  void Recount();

  using Done = std::function<void(Result<store::TrackedDeadline>)>;
  // Records an event (deadline.hpp RecordedEvent): `done` has the deadline it started or met.
  // Errors: "deadline.unknown-report" (no report of that number and state was sent),
  // "deadline.unknown" (a meeting event of a deadline never started), "deadline.conflict" (recorded
  // already with another date, or met or waived already otherwise). Recording the same event again
  // changes nothing.
  void Record(RecordedEvent event, std::string actor, Done done);

  enum class ActionKind { kMet, kWaive, kReopen };
  struct Action {
    ActionKind kind = ActionKind::kMet;
    std::string id;          // the deadline
    std::string country;     // the operator's state: a deadline of another state is not found
    std::optional<Date> on;  // kMet: the day it was met
    std::string reason;      // required
    std::string actor;       // who
  };
  // An operator's hand on a deadline. Errors: "deadline.unknown", "deadline.argument" (no reason,
  // no day, a day still to come), "deadline.conflict" (reopening one that is not met or waived).
  void Act(Action action, Done done);

  struct Stats {
    uint64_t position = 0;  // the journal position of the latest change taken
    uint64_t sweeps = 0;    // counts of every open deadline
    uint64_t failures = 0;  // steps the journal refused (tried again)
    // The documents the tracker took: the intake's model still in memory, or read again from
    // the journal.
    uint64_t documents_recalled = 0;
    uint64_t documents_read = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// A deadline as the journal keeps it, back in the form Evaluate counts.
Deadline DeadlineOf(const store::TrackedDeadline& tracked);
// Where a tracked deadline stands at `now`, counted in its state's calendar.
Standing StandingOf(const store::TrackedDeadline& tracked,
                    std::chrono::system_clock::time_point now, int at_risk_days,
                    const Calendars* calendars);

// The moves of deadlines to at risk and to overdue, for a notifier (cursor "deadline-notify").
notify::Feed DeadlineFeed(store::Journal& journal);
// The event posted for one move (its body, JSON).
std::string MoveJson(const store::DeadlineMove& move);

}  // namespace eaeu::deadlines
