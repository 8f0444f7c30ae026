#pragma once
// The journal's stores written once in SQL, over any database the driver (sql/driver.hpp) speaks:
// one writer thread with group commit — it takes every change waiting, applies each in a savepoint
// of one transaction and answers them all after that one commit — and reads on a pool of reader
// connections side by side. The backends (sqlite/, postgres/) open the connections and bring the
// schema.

#include <memory>
#include <vector>

#include "gateway/store/journal.hpp"
#include "gateway/store/sql/cluster.hpp"

namespace eaeu::store {

namespace sql {
class Connection;
}

class SqlJournal final : public Journal {
 public:
  // The journal over a writer connection (its schema current) and the readers, with its writer
  // thread started; `max_batch` changes share one commit at most.
  // With `cluster`, the database is shared with other gateways and the writer fences this
  // instance's writes (sql/cluster.hpp).
  static std::unique_ptr<SqlJournal> Start(std::unique_ptr<sql::Connection> writer,
                                           std::vector<std::unique_ptr<sql::Connection>> readers,
                                           size_t max_batch,
                                           std::unique_ptr<sql::Cluster> cluster = nullptr);
  ~SqlJournal() override;  // finishes the changes in flight, then closes

  void AcceptAsync(NewMessage message, JournalCallback<AcceptOutcome> done) override;
  void TransitionAsync(std::string id, MessageState to, std::string detail, TimePoint at,
                       TransitionData data, JournalCallback<Ok> done) override;
  Result<std::optional<MessageRecord>> Get(std::string_view id) override;
  Result<std::vector<MessageSummary>> List(const MessageFilter& filter) override;
  Result<std::vector<std::string>> Unfinished() override;
  Result<std::vector<ActivityCount>> Activity(TimePoint since) override;
  void RecordActionAsync(OperatorAction action, TimePoint at, JournalCallback<Ok> done) override;
  void SealAuditAsync(AuditSealer seal, TimePoint at, JournalCallback<bool> done) override;
  void RetireAuditMonthAsync(ArchivedAuditMonth month, TimePoint at,
                             JournalCallback<Ok> done) override;
  Result<std::vector<ArchivedAuditMonth>> ArchivedAuditMonths() override;
  Result<std::vector<MessageCount>> MessageCounts() override;
  void PlanDeliveriesAsync(std::string message_id, std::vector<Delivery> deliveries, TimePoint at,
                           JournalCallback<Ok> done) override;
  void UpdateDeliveryAsync(DeliveryChange change, TimePoint at, JournalCallback<Ok> done) override;
  void HandOffAsync(Handoff handoff, TimePoint at, JournalCallback<Ok> done) override;
  Result<std::optional<OutboundMessage>> Outbound(std::string_view id) override;
  Result<std::shared_ptr<const std::string>> DocumentOf(std::string_view id) override;
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
  Result<std::map<std::pair<std::string, std::string>, uint64_t>> DeadlineCounts() override;
  void PlanSyncAsync(RegisterSync sync, JournalCallback<Ok> done) override;
  Result<std::vector<SyncRecord>> Syncs(uint64_t after, uint32_t limit) override;
  Result<uint64_t> LastSyncPosition() override;
  Result<std::vector<RegisterVersion>> RegisterRecords(const RegisterFilter& filter) override;
  Result<std::vector<RegisterVersion>> RegisterHistory(Direction direction,
                                                       std::string_view key) override;
  Result<std::optional<RegisterVersion>> RegisterVersionOf(std::string_view message_id) override;

  std::string instance() const override;
  void BeatAsync(uint32_t claim, JournalCallback<Beat> done) override;
  void ClaimAsync(std::string id, JournalCallback<Ok> done) override;
  Status Leave() override;
  Result<std::vector<ClusterMember>> Members() override;
  void OnReleased(std::function<void()> listener) override;

  JournalStats stats() const override;
  void ObserveCommits(std::function<void(size_t changes, double seconds)> observer) override;

 private:
  struct Impl;
  explicit SqlJournal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::store
