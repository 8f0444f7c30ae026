#pragma once
// The cluster's side of a journal's writer (journal.hpp ClusterStore), for a database several
// gateways share: which messages this instance holds and under which fencing tokens, its lease and
// the leader's, and the wake-ups from the others. Called on the writer thread, inside the batch's
// transaction, except Listen and StopListening. A backend that can be shared (store/postgres/)
// implements it; the stores' SQL calls it through Connection::cluster. Internal to store/.

#include <functional>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::store::sql {

class Connection;

class Cluster {
 public:
  virtual ~Cluster() = default;

  virtual const std::string& instance() const = 0;

  // A write about message `id` may go on: this instance holds it under the token it was given.
  // Refused with "journal.fenced" when another instance took it over (or it never held it).
  virtual Status Check(Connection& db, const std::string& id) = 0;
  // A message this instance just took in: it holds it, under a new token.
  virtual Status Own(Connection& db, const std::string& id) = 0;
  // A message has no work left: its token is forgotten (a claim starts it again).
  virtual void Finished(const std::string& id) = 0;
  // A write of the cluster-wide jobs (a reader's cursor) may go on: this instance leads.
  virtual Status CheckLeader(Connection& db) = 0;

  virtual Result<store::Beat> Beat(Connection& db, uint32_t claim) = 0;
  virtual Status Claim(Connection& db, const std::string& id) = 0;
  virtual Status Leave(Connection& db) = 0;
  virtual Result<std::vector<ClusterMember>> Members(Connection& db) = 0;

  // Starts waiting for the others: `committed` when another instance committed changes (the
  // readers of the feeds look again), `released` when one left and its work is free.
  virtual void Listen(std::function<void()> committed, std::function<void()> released) = 0;
  virtual void StopListening() = 0;
};

}  // namespace eaeu::store::sql
