#include "gateway/store/journal.hpp"

#include <array>
#include <future>

namespace eaeu::store {
namespace {

constexpr std::array<std::string_view, 10> kStateNames = {
    "received", "validated", "rejected",  "signed",       "queued",
    "sending",  "retrying",  "delivered", "acknowledged", "dead"};

}  // namespace

std::string_view StateName(MessageState state) {
  return kStateNames[static_cast<size_t>(state)];
}

std::optional<MessageState> StateFromName(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<MessageState>(i);
  }
  return std::nullopt;
}

bool IsAllowed(MessageState from, MessageState to) {
  using S = MessageState;
  switch (from) {
    case S::kReceived:
      return to == S::kValidated || to == S::kRejected;
    case S::kValidated:  // signed, or queued where the transaction is not signed
      return to == S::kSigned || to == S::kQueued || to == S::kRejected;
    case S::kSigned:
      return to == S::kQueued;
    case S::kQueued:  // a received message is delivered when the national system has it
      return to == S::kSending || to == S::kRetrying || to == S::kDead || to == S::kDelivered;
    // Delivery: a message with several destinations moves back and forth among these as each
    // of its deliveries is sent, fails, is received and is sent again; a late receipt may come
    // while a resend waits.
    case S::kSending:
    case S::kRetrying:
    case S::kDelivered:
      return to != from && (to == S::kSending || to == S::kRetrying || to == S::kDelivered ||
                            to == S::kAcknowledged || to == S::kRejected || to == S::kDead);
    // An operator requeues it; or the peer's answer comes after it was given up (the peer had
    // it after all).
    case S::kDead:
      return to == S::kQueued || to == S::kAcknowledged;
    case S::kRejected:
    case S::kAcknowledged:
      return false;
  }
  return false;
}

bool IsUnfinished(MessageState state) {
  return state != MessageState::kRejected && state != MessageState::kAcknowledged &&
         state != MessageState::kDead;
}

std::string SignedDocument::Joined() const {
  std::string out;
  out.reserve(size());
  for (std::string_view piece : Pieces()) out += piece;
  return out;
}

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kOutbound ? "outbound" : "inbound";
}

namespace {

// Waits for an asynchronous journal call: the callback fills the promise on the journal's thread.
template <class T, class Start>
Result<T> Await(Start start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace

Result<AcceptOutcome> MessageStore::Accept(NewMessage message) {
  return Await<AcceptOutcome>([&](JournalCallback<AcceptOutcome> done) {
    AcceptAsync(std::move(message), std::move(done));
  });
}

Status MessageStore::Transition(std::string_view id, MessageState to, std::string detail,
                                TimePoint at, TransitionData data) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    TransitionAsync(std::string(id), to, std::move(detail), at, std::move(data), std::move(done));
  });
}

Result<bool> MessageStore::SealAudit(AuditSealer seal, TimePoint at) {
  return Await<bool>(
      [&](JournalCallback<bool> done) { SealAuditAsync(std::move(seal), at, std::move(done)); });
}

Status MessageStore::RecordAction(OperatorAction action, TimePoint at) {
  return Await<Ok>(
      [&](JournalCallback<Ok> done) { RecordActionAsync(std::move(action), at, std::move(done)); });
}

Status MessageStore::RetireAuditMonth(ArchivedAuditMonth month, TimePoint at) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    RetireAuditMonthAsync(std::move(month), at, std::move(done));
  });
}

Status DeliveryStore::PlanDeliveries(std::string message_id, std::vector<Delivery> deliveries,
                                     TimePoint at) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    PlanDeliveriesAsync(std::move(message_id), std::move(deliveries), at, std::move(done));
  });
}

Status MessageStore::HandOff(Handoff handoff, TimePoint at) {
  return Await<Ok>(
      [&](JournalCallback<Ok> done) { HandOffAsync(std::move(handoff), at, std::move(done)); });
}

Status DeliveryStore::UpdateDelivery(DeliveryChange change, TimePoint at) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    UpdateDeliveryAsync(std::move(change), at, std::move(done));
  });
}

Status DeadlineStore::TrackDeadlines(std::vector<TrackedDeadline> deadlines, TimePoint at) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    TrackDeadlinesAsync(std::move(deadlines), at, std::move(done));
  });
}

Status DeadlineStore::UpdateDeadline(DeadlineChange change, TimePoint at) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    UpdateDeadlineAsync(std::move(change), at, std::move(done));
  });
}

Status RegisterStore::PlanSync(RegisterSync sync) {
  return Await<Ok>(
      [&](JournalCallback<Ok> done) { PlanSyncAsync(std::move(sync), std::move(done)); });
}

void ClusterStore::BeatAsync(uint32_t /*claim*/, JournalCallback<Beat> done) {
  Beat beat;
  beat.leader = true;  // the only gateway of its journal
  done(std::move(beat));
}

Result<Beat> ClusterStore::RunBeat(uint32_t claim) {
  return Await<Beat>([&](JournalCallback<Beat> done) { BeatAsync(claim, std::move(done)); });
}

void ClusterStore::ClaimAsync(std::string /*id*/, JournalCallback<Ok> done) {
  done(Ok{});  // it holds every message already
}

Status ClusterStore::Claim(std::string id) {
  return Await<Ok>([&](JournalCallback<Ok> done) { ClaimAsync(std::move(id), std::move(done)); });
}

std::string_view RegisterChangeName(RegisterChange change) {
  switch (change) {
    case RegisterChange::kAdded:
      return "added";
    case RegisterChange::kChanged:
      return "changed";
    case RegisterChange::kWithdrawn:
      return "withdrawn";
  }
  return "changed";
}

std::optional<RegisterChange> RegisterChangeFromName(std::string_view name) {
  for (auto c : {RegisterChange::kAdded, RegisterChange::kChanged, RegisterChange::kWithdrawn}) {
    if (RegisterChangeName(c) == name) return c;
  }
  return std::nullopt;
}

Status EventFeeds::SaveCursor(std::string name, uint64_t position) {
  return Await<Ok>([&](JournalCallback<Ok> done) {
    SaveCursorAsync(std::move(name), position, std::move(done));
  });
}

}  // namespace eaeu::store
