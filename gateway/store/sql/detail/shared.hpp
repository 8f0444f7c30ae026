#pragma once
// What the journal's stores share, whichever database holds them: the writer with its group
// commit (Impl), the columns and rows of the tables, and the moves that several stores make (a
// message's transition, a delivery's row and history line). Internal to store/sql/.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/store/sql/cluster.hpp"
#include "gateway/store/sql/driver.hpp"
#include "gateway/store/sql/journal.hpp"

namespace eaeu::store {

namespace sql {

// An exception that escapes a change or a callback must not end the writer thread (and every
// commit after it): a change's becomes its error, a callback's is logged and dropped.
Status ApplyGuarded(const std::function<Status(Connection&)>& apply, Connection& db);
void CallGuarded(std::string_view what, const std::function<void()>& call);

// A message's document as XML, of message_documents `d` (MessageRecord::CanonicalXml in SQL):
// the XML a JSON document became, or the payload, which is the XML otherwise. The signature's
// place counts in it.
inline constexpr const char* kDocumentXml =
    "(CASE WHEN length(d.canonical_xml) > 0 THEN d.canonical_xml ELSE d.payload END)";

inline constexpr const char* kSummaryColumns =
    "id, direction, sender_country, sender_participant, kind, e_doc_id, state, created_at, "
    "updated_at";
// The diagnostics columns, in the order of the struct.
inline constexpr const char* kDiagnosticsColumns[] = {
    "process_code",   "process_version", "procedure_code",  "transaction_code", "message_code",
    "action",         "to_address",      "reply_to",        "from_address",     "fault_to",
    "wsa_message_id", "relates_to",      "conversation_id", "message_type",     "track_id",
    "accept_time",    "status",          "error_code",      "error_text"};
inline constexpr const char* kDeliveryColumns =
    "message_id, destination, state, sends, failures, due, wire_id, conversation_id, error, "
    "updated_at";
inline constexpr const char* kDeadlineColumns =
    "id, message_id, rule, subject, country, event, due, opens, basis, source, state, met_on, "
    "days_late, updated_at, about, planned, origin";
// The same, of the table named d.
inline constexpr const char* kDeadlineColumnsOfD =
    "d.id, d.message_id, d.rule, d.subject, d.country, d.event, d.due, d.opens, d.basis, "
    "d.source, d.state, d.met_on, d.days_late, d.updated_at, d.about, d.planned, d.origin";

// The key of idempotence of an accepted message: direction, sender and EDocId.
std::string DedupKey(const NewMessage& m);
// " AND <column> IN ('queued', ...)" for a list of states; empty for none.
std::string StateIn(std::string_view column, const std::vector<MessageState>& states);
MessageSummary ReadSummary(const Statement& q);
std::vector<std::string*> DiagnosticsFields(Diagnostics& d);
// Takes a message in inside the current transaction (`key`: DedupKey, empty for none); a
// duplicate leaves `outcome` naming the message it repeats.
Status InsertMessage(Connection& db, const NewMessage& m, const std::string& key,
                     AcceptOutcome& outcome);
// A change about message `id` may be written by this instance (a journal several gateways share
// fences the others' writes, sql/cluster.hpp). Every change that writes a message's rows asks once,
// first.
Status Held(Connection& db, const std::string& id);
// Moves message `id` to `to` inside the current transaction.
Status ApplyTransition(Connection& db, const std::string& id, MessageState to,
                       const std::string& detail, TimePoint at, const TransitionData& data);
// What a received message brings besides its payload.
Status WriteReceivedFields(Connection& db, const NewMessage& m);
Delivery ReadDelivery(const Statement& q);
// Writes a delivery's row (insert or replace) inside the current transaction.
Status WriteDelivery(Connection& db, const Delivery& d, bool insert);
Status AddDeliveryEvent(Connection& db, const Delivery& d, TimePoint at, const std::string& detail);
TrackedDeadline DeadlineOf(Statement& q, int at);
// A line of a deadline's history; `actor`: who moved it (empty: the gateway).
Status AddDeadlineEvent(Connection& db, const std::string& id, const std::string& state,
                        TimePoint at, const std::string& detail, const std::string& actor = {});

// An audit entry's record (store/audit.hpp): a JSON object, its members in the order added.
class AuditRecord {
 public:
  AuditRecord& Add(std::string_view key, std::string_view value);
  AuditRecord& Add(std::string_view key, int64_t value);
  // Each non-empty diagnostics field, under its column's name.
  AuditRecord& Add(const Diagnostics& d);
  std::string json() const { return body_ + "}"; }

 private:
  std::string body_ = "{";
};
// Appends an entry to the audit chain inside the current transaction: `event` is what happened,
// `subject` the message (or deadline) it happened to.
Status AppendAudit(Connection& db, TimePoint at, std::string_view event, std::string_view subject,
                   const AuditRecord& record);
// Appends a seal of the chain's last entry (unless there is none, or it is a seal); `sealed`
// says whether it did.
Status SealAuditChain(Connection& db, TimePoint at, const AuditSealer& seal, bool& sealed);

}  // namespace sql

// The stores' files (the only ones that include this header) use the shared pieces unqualified.
using namespace sql;  // NOLINT(google-build-using-namespace)

struct SqlJournal::Impl {
  size_t max_batch = 512;
  std::unique_ptr<sql::Connection> writer;  // used by the writer thread only (and Open)
  std::unique_ptr<sql::Cluster> cluster;    // a journal several gateways share; null otherwise
  std::unique_ptr<sql::ReaderPool> readers;

  // A change waiting for the next commit. `apply` runs on the writer thread inside the
  // transaction; its status is replaced by the commit's error if the commit fails.
  struct Change {
    std::function<Status(sql::Connection&)> apply;
    std::function<void(Status)> done;  // called after the commit, on the writer thread
  };
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<Change*> queue;
  bool stopping = false;
  bool committing = false;  // a batch is being applied or its callbacks run
  std::condition_variable idle_cv;
  std::thread thread;

  std::atomic<uint64_t> commits{0};
  std::function<void(size_t, double)> commit_observer;  // set before use; the writer calls it
  std::atomic<uint64_t> changes{0};
  std::mutex listener_mutex;
  // Copied on change, so that a commit calls them without the lock.
  std::shared_ptr<const std::map<std::string, std::function<void()>, std::less<>>> listeners;

  ~Impl() {
    {
      std::lock_guard lock(queue_mutex);
      stopping = true;
    }
    queue_cv.notify_all();
    if (thread.joinable()) thread.join();
  }

  void Submit(std::function<Status(sql::Connection&)> apply, std::function<void(Status)> done) {
    auto change = std::make_unique<Change>(Change{std::move(apply), std::move(done)});
    {
      std::lock_guard lock(queue_mutex);
      if (!stopping) {
        queue.push_back(change.release());
        queue_cv.notify_one();
        return;
      }
    }
    change->done(MakeError("journal.closed", "", "the journal is closing"));
  }

  void Run() {
    std::vector<Change*> batch;
    for (;;) {
      {
        std::unique_lock lock(queue_mutex);
        queue_cv.wait(lock, [this] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and nothing left
        while (!queue.empty() && batch.size() < max_batch) {
          batch.push_back(queue.front());
          queue.pop_front();
        }
        committing = true;
      }
      Commit(batch);  // its callbacks may submit more: they are in the queue before it ends
      batch.clear();
      {
        std::lock_guard lock(queue_mutex);
        committing = false;
      }
      idle_cv.notify_all();
    }
  }

  void WaitIdle() {
    std::unique_lock lock(queue_mutex);
    idle_cv.wait(lock, [this] { return queue.empty() && !committing; });
  }

  void Commit(const std::vector<Change*>& batch) {
    std::vector<Status> results;
    results.reserve(batch.size());
    const auto started = std::chrono::steady_clock::now();
    Status begin = writer->BeginWrite();
    writer->audit_head = {};  // another gateway of a cluster may have appended since
    if (begin) {
      for (Change* c : batch) {
        // Each change in its own savepoint: one that fails leaves the others in the commit.
        Status sp = writer->Exec("SAVEPOINT change");
        const sql::Connection::AuditHead head = writer->audit_head;
        Status applied = sp ? ApplyGuarded(c->apply, *writer) : sp;
        if (applied) {
          (void)writer->Exec("RELEASE change");
        } else if (sp) {
          (void)writer->Exec("ROLLBACK TO change");
          (void)writer->Exec("RELEASE change");
          writer->audit_head = head;
        }
        results.push_back(std::move(applied));
      }
      Status commit = writer->Exec("COMMIT");
      if (!commit) {
        (void)writer->Exec("ROLLBACK");
        for (auto& r : results) {
          if (r) r = commit;
        }
      } else {
        ++commits;
        changes += batch.size();
        if (commit_observer) {
          const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
          CallGuarded("the commit observer", [&] { commit_observer(batch.size(), took.count()); });
        }
      }
    } else {
      results.assign(batch.size(), begin);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      std::unique_ptr<Change> change(batch[i]);
      CallGuarded("a journal callback", [&] { change->done(std::move(results[i])); });
    }
    TellListeners();
  }

  // The readers of the changes look for new ones (after a commit here, or another instance's).
  void TellListeners() {
    decltype(listeners) told;
    {
      std::lock_guard lock(listener_mutex);
      told = listeners;
    }
    if (told) {
      for (const auto& [name, listener] : *told) CallGuarded(name, listener);
    }
  }
  std::function<void()> released;  // guarded by listener_mutex
};

}  // namespace eaeu::store
