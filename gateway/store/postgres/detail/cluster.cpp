#include "gateway/store/postgres/detail/cluster.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "gateway/store/postgres/detail/connection.hpp"
#include "gateway/store/sql/driver.hpp"

namespace eaeu::store::postgres {
namespace {

// The key of the lock under which the writers of a cluster take turns.
constexpr int64_t kWriteTurn = 7403127013;
constexpr const char* kLeader = "leader";
// An instance gone this long is forgotten.
constexpr int64_t kForgetAfterMicros = int64_t{24} * 3600 * 1'000'000;

// The states in which a message still has work, by direction: what a claim takes on.
constexpr const char* kUnfinished =
    "((direction = 'outbound' AND state IN ('received', 'validated', 'signed', 'queued', "
    "'sending', 'retrying', 'delivered')) OR (direction = 'inbound' AND state IN ('received', "
    "'validated', 'queued', 'retrying')))";

Error Fenced(const std::string& id, const std::string& why) {
  return MakeError("journal.fenced", id, why);
}

class PgCluster final : public sql::Cluster {
 public:
  explicit PgCluster(ClusterOptions options) : options_(std::move(options)) {
    lease_micros_ = std::chrono::duration_cast<std::chrono::microseconds>(options_.lease).count();
  }
  ~PgCluster() override { StopListening(); }

  const std::string& instance() const override { return options_.instance; }

  Status Check(sql::Connection& db, const std::string& id) override {
    sql::Statement q(db, "SELECT owner, fence FROM messages WHERE id = ?1");
    q.Bind(1, id);
    const sql::Stepped rc = q.Step();
    if (rc == sql::kDone) return Ok{};  // the write itself says there is no such message
    if (rc != sql::kRow) return db.LastError("the holder of " + id);
    const std::string owner = q.Text(0);
    const int64_t fence = q.Int(1);
    auto it = held_.find(id);
    if (it != held_.end() && owner == options_.instance && fence == it->second) return Ok{};
    const std::string mine = it == held_.end()
                                 ? std::string("holds no token of it")
                                 : "holds token " + std::to_string(it->second) + " of it";
    if (it != held_.end()) held_.erase(it);
    if (owner.empty()) {
      return Fenced(id, "the message was released and this gateway (" + options_.instance + ") " +
                            mine + ": a claim takes it on again");
    }
    return Fenced(id, "the message is held by gateway " + owner + " under fencing token " +
                          std::to_string(fence) + "; this gateway (" + options_.instance + ") " +
                          mine);
  }

  Status Own(sql::Connection& db, const std::string& id) override {
    sql::Statement q(db,
                     "UPDATE messages SET owner = ?1, fence = nextval('fences') WHERE id = ?2 "
                     "RETURNING fence");
    q.Bind(1, options_.instance).Bind(2, id);
    if (q.Step() != sql::kRow) return db.LastError("the holder of " + id);
    held_[id] = q.Int(0);
    return Ok{};
  }

  void Finished(const std::string& id) override { held_.erase(id); }

  Status CheckLeader(sql::Connection& db) override {
    sql::Statement q(db, "SELECT owner, fence FROM leases WHERE name = ?1");
    q.Bind(1, kLeader);
    const sql::Stepped rc = q.Step();
    if (rc != sql::kRow && rc != sql::kDone) return db.LastError("the leader");
    if (rc == sql::kRow && leader_fence_ != 0 && q.Text(0) == options_.instance &&
        q.Int(1) == leader_fence_) {
      return Ok{};
    }
    return Fenced(kLeader, "the cluster's jobs are led by " +
                               (rc == sql::kRow ? "gateway " + q.Text(0) : std::string("nobody")) +
                               ", not by this gateway (" + options_.instance + ")");
  }

  Result<store::Beat> Beat(sql::Connection& db, uint32_t claim) override {
    const int64_t now = Now(db);
    if (now == 0) return db.LastError("the database's clock");
    const int64_t until = now + lease_micros_;
    {
      sql::Statement q(db,
                       "INSERT INTO instances VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE "
                       "SET lease_until = excluded.lease_until");
      q.Bind(1, options_.instance).Bind(2, now).Bind(3, until);
      if (q.Step() != sql::kDone) return db.LastError("the lease of " + options_.instance);
    }
    store::Beat beat;
    {
      // The jobs go on with their leader while it renews; another takes them (a new token) once
      // the leader's lease has run out.
      sql::Statement q(
          db,
          "INSERT INTO leases VALUES (?1, ?2, nextval('fences'), ?3) ON CONFLICT (name) DO UPDATE "
          "SET fence = CASE WHEN leases.owner = excluded.owner THEN leases.fence "
          "ELSE excluded.fence END, owner = excluded.owner, lease_until = excluded.lease_until "
          "WHERE leases.owner = excluded.owner OR leases.lease_until < ?4 RETURNING fence");
      q.Bind(1, kLeader).Bind(2, options_.instance).Bind(3, until).Bind(4, now);
      const sql::Stepped rc = q.Step();
      if (rc != sql::kRow && rc != sql::kDone) return db.LastError("the leader's lease");
      const int64_t fence = rc == sql::kRow ? q.Int(0) : 0;
      beat.leader = fence != 0;
      beat.leadership_lost = leader_fence_ != 0 && fence != leader_fence_;
      leader_fence_ = fence;
    }
    if (claim > 0) {
      // The unfinished messages of instances whose lease has run out (or of none: released, or
      // copied from a journal of one gateway), oldest first.
      sql::Statement q(
          db, std::string("UPDATE messages SET owner = ?1, fence = nextval('fences') WHERE id IN "
                          "(SELECT id FROM messages m WHERE ") +
                  kUnfinished +
                  " AND m.owner <> ?1 AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.name = "
                  "m.owner AND i.lease_until > ?2) ORDER BY m.created_at, m.rowid LIMIT ?3 "
                  "FOR UPDATE SKIP LOCKED) RETURNING id, fence, direction, state, created_at");
      q.Bind(1, options_.instance).Bind(2, now).Bind(3, static_cast<int64_t>(claim));
      sql::Stepped rc;
      std::vector<std::pair<int64_t, store::ClaimedMessage>> claimed;
      while ((rc = q.Step()) == sql::kRow) {
        store::ClaimedMessage m;
        m.id = q.Text(0);
        held_[m.id] = q.Int(1);
        m.direction = q.Text(2) == "inbound" ? Direction::kInbound : Direction::kOutbound;
        m.state = StateFromName(q.Text(3)).value_or(MessageState::kValidated);
        claimed.emplace_back(q.Int(4), std::move(m));
      }
      if (rc != sql::kDone) return db.LastError("the claim of unfinished messages");
      std::sort(claimed.begin(), claimed.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [at, m] : claimed) beat.claimed.push_back(std::move(m));
    }
    {
      sql::Statement q(db, "DELETE FROM instances WHERE lease_until < ?1");
      q.Bind(1, now - kForgetAfterMicros);
      if (q.Step() != sql::kDone) return db.LastError("the instances gone");
    }
    return beat;
  }

  Status Claim(sql::Connection& db, const std::string& id) override {
    sql::Statement q(db,
                     "UPDATE messages SET owner = ?1, fence = nextval('fences') WHERE id = ?2 "
                     "RETURNING fence");
    q.Bind(1, options_.instance).Bind(2, id);
    const sql::Stepped rc = q.Step();
    if (rc == sql::kDone) return MakeError("journal.unknown", id, "no such message");
    if (rc != sql::kRow) return db.LastError("the claim of " + id);
    held_[id] = q.Int(0);
    return Ok{};
  }

  Status Leave(sql::Connection& db) override {
    for (const char* sql :
         {"UPDATE messages SET owner = '' WHERE owner = ?1", "DELETE FROM leases WHERE owner = ?1",
          "DELETE FROM instances WHERE name = ?1"}) {
      sql::Statement q(db, sql);
      q.Bind(1, options_.instance);
      if (q.Step() != sql::kDone) return db.LastError("leaving the cluster");
    }
    if (auto st = db.Exec((std::string("NOTIFY ") + kReleasedChannel).c_str()); !st) return st;
    held_.clear();
    leader_fence_ = 0;
    return Ok{};
  }

  Result<std::vector<ClusterMember>> Members(sql::Connection& db) override {
    sql::Statement q(
        db,
        "SELECT i.name, i.started_at, i.lease_until, COALESCE(l.owner = i.name, FALSE) "
        "FROM instances i LEFT JOIN leases l ON l.name = ?1 ORDER BY i.name");
    q.Bind(1, kLeader);
    return q.All(
        [this](const sql::Statement& r) {
          ClusterMember m;
          m.instance = r.Text(0);
          m.started_at = sql::FromMicros(r.Int(1));
          m.lease_until = sql::FromMicros(r.Int(2));
          m.leader = r.Text(3) == "t";
          m.self = m.instance == options_.instance;
          return m;
        },
        "the cluster's instances");
  }

  void Listen(std::function<void()> committed, std::function<void()> released) override {
    if (::pipe(wake_) != 0) {
      spdlog::error("cluster: no pipe for the listener; the others' commits wake nobody");
      return;
    }
    listener_ = std::thread([this, committed = std::move(committed),
                             released = std::move(released)] { RunListener(committed, released); });
  }

  void StopListening() override {
    if (!listener_.joinable()) return;
    stopping_ = true;
    const char byte = 1;
    (void)!::write(wake_[1], &byte, 1);
    listener_.join();
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

 private:
  static int64_t Now(sql::Connection& db) {
    sql::Statement q(db, "SELECT (extract(epoch from clock_timestamp()) * 1000000)::bigint");
    return q.Step() == sql::kRow ? q.Int(0) : 0;
  }

  // A connection that listens on both channels; null when the database cannot be reached.
  PGconn* ConnectListener() {
    PGconn* c = Connect(options_.url, options_.password, "eaeu-gatewayd listener");
    const std::string listen =
        std::string("LISTEN ") + kCommittedChannel + "; LISTEN " + kReleasedChannel;
    if (c != nullptr && PQstatus(c) == CONNECTION_OK) {
      PGresult* r = PQexec(c, listen.c_str());
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (ok) return c;
    }
    PQfinish(c);
    return nullptr;
  }

  void RunListener(const std::function<void()>& committed, const std::function<void()>& released) {
    PGconn* conn = nullptr;
    bool lost = false;  // logged once until it comes back
    while (!stopping_) {
      if (conn == nullptr) {
        conn = ConnectListener();
        if (conn != nullptr) {
          if (lost) spdlog::info("cluster: listening to the other gateways again");
          lost = false;
          // What was committed or released while nobody listened is looked for now.
          committed();
          released();
        } else if (!lost) {
          spdlog::warn("cluster: the listener cannot reach the database; trying again");
          lost = true;
        }
      }
      pollfd fds[2] = {{wake_[0], POLLIN, 0}, {conn != nullptr ? PQsocket(conn) : -1, POLLIN, 0}};
      (void)::poll(fds, conn != nullptr ? 2 : 1, 1'000);
      if (stopping_) break;
      if (conn == nullptr) continue;
      if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) {
        PQfinish(conn);
        conn = nullptr;
        continue;
      }
      bool any_commit = false;
      bool any_release = false;
      while (PGnotify* n = PQnotifies(conn)) {
        const std::string channel = n->relname;
        PQfreemem(n);
        (channel == kReleasedChannel ? any_release : any_commit) = true;
      }
      if (any_commit) committed();
      if (any_release) released();
    }
    PQfinish(conn);
  }

  ClusterOptions options_;
  int64_t lease_micros_ = 0;
  // The writer thread's: the tokens of the messages this instance holds, and the leader's.
  std::unordered_map<std::string, int64_t> held_;
  int64_t leader_fence_ = 0;

  std::thread listener_;
  std::atomic<bool> stopping_{false};
  int wake_[2] = {-1, -1};
};

}  // namespace

std::string ClusteredBegin() {
  return "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteTurn) + "); NOTIFY " +
         kCommittedChannel;
}

std::string ClusteredSession(std::chrono::milliseconds lease) {
  return "SET idle_in_transaction_session_timeout = " +
         std::to_string(std::max<int64_t>(lease.count(), 1));
}

std::unique_ptr<sql::Cluster> MakeCluster(ClusterOptions options) {
  return std::make_unique<PgCluster>(std::move(options));
}

}  // namespace eaeu::store::postgres
