#pragma once
// The embedded journal: one SQLite file in WAL mode with synchronous=FULL, versioned migrations,
// and group commit — one writer thread takes every change waiting, applies them in one
// transaction and answers them all after that one commit. Reads go to a few reader connections
// side by side; every connection keeps its prepared statements.

#include <filesystem>
#include <memory>

#include "gateway/store/journal.hpp"

namespace eaeu::store {

struct SqliteJournalOptions {
  std::filesystem::path file;
  size_t max_batch = 512;  // changes per commit at most
  size_t readers = 4;      // reader connections: reads run side by side, each on its snapshot
  int migrate_to = 0;      // the schema version to bring the file to; 0: the current (tests only)
};

class SqliteJournal final : public Journal {
 public:
  // Opens (or creates) the file and brings its schema to the current version. A file written by
  // a newer gateway (a higher schema version) is refused.
  static Result<std::unique_ptr<SqliteJournal>> Open(const SqliteJournalOptions& options);
  ~SqliteJournal() override;  // finishes the changes in flight, then closes

  void AcceptAsync(NewMessage message, JournalCallback<AcceptOutcome> done) override;
  void TransitionAsync(std::string id, MessageState to, std::string detail, TimePoint at,
                       TransitionData data, JournalCallback<Ok> done) override;
  Result<std::optional<MessageRecord>> Get(std::string_view id) override;
  Result<std::vector<MessageSummary>> List(const MessageFilter& filter) override;
  Result<std::vector<std::string>> Unfinished() override;
  void PlanDeliveriesAsync(std::string message_id, std::vector<Delivery> deliveries, TimePoint at,
                           JournalCallback<Ok> done) override;
  void UpdateDeliveryAsync(DeliveryChange change, TimePoint at, JournalCallback<Ok> done) override;
  void HandOffAsync(Handoff handoff, TimePoint at, JournalCallback<Ok> done) override;
  Result<std::optional<OutboundMessage>> Outbound(std::string_view id) override;
  Result<std::optional<CertificateStanding>> CertificateStatusOf(
      std::string_view country, std::string_view certificate) override;
  Result<std::vector<Delivery>> Deliveries(std::string_view message_id) override;
  Result<std::vector<DeliveryEvent>> DeliveryHistory(std::string_view message_id) override;
  Result<std::optional<Delivery>> DeliveryByWireId(std::string_view wire_id) override;
  Result<std::vector<Delivery>> OpenDeliveries() override;
  Result<std::vector<MessageEvent>> Events(const EventFilter& filter) override;
  Result<uint64_t> LastEventPosition() override;
  Result<std::optional<uint64_t>> Cursor(std::string_view name) override;
  void SaveCursorAsync(std::string name, uint64_t position, JournalCallback<Ok> done) override;
  void OnCommit(std::string_view name, std::function<void()> listener) override;
  void WaitIdle() override;
  void TrackDeadlinesAsync(std::vector<TrackedDeadline> deadlines, TimePoint at,
                           JournalCallback<Ok> done) override;
  void UpdateDeadlineAsync(DeadlineChange change, TimePoint at, JournalCallback<Ok> done) override;
  Result<std::vector<TrackedDeadline>> Deadlines(const DeadlineFilter& filter) override;
  Result<std::vector<DeadlineEvent>> DeadlineHistory(std::string_view id) override;
  Result<std::vector<DeadlineMove>> DeadlineMoves(const DeadlineMoveFilter& filter) override;
  Result<uint64_t> LastDeadlineMove() override;
  Result<std::map<std::string, uint64_t>> DeadlineCounts() override;
  void PlanSyncAsync(RegisterSync sync, JournalCallback<Ok> done) override;
  Result<std::vector<SyncRecord>> Syncs(uint64_t after, uint32_t limit) override;
  Result<uint64_t> LastSyncPosition() override;
  Result<std::vector<RegisterVersion>> RegisterRecords(const RegisterFilter& filter) override;
  Result<std::vector<RegisterVersion>> RegisterHistory(Direction direction,
                                                       std::string_view key) override;
  Result<std::optional<RegisterVersion>> RegisterVersionOf(std::string_view message_id) override;

  JournalStats stats() const override;
  static int SchemaVersion();

 private:
  struct Impl;
  explicit SqliteJournal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::store
