#pragma once
// Several gateways on one PostgreSQL database (sql/cluster.hpp): each instance renews a lease in
// `instances`; each unfinished message names the instance that holds it and a fencing token drawn
// from the sequence `fences`, checked by every write about it; the cluster-wide jobs are held by
// the instance named in `leases` ('leader') under a lease and token of their own. Times are the
// database's clock, so the instances' clocks do not matter. A listener connection takes the
// others' NOTIFYs. Internal to store/.

#include <chrono>
#include <memory>
#include <string>

#include "gateway/store/sql/cluster.hpp"

namespace eaeu::store::postgres {

class Connection;

struct ClusterOptions {
  std::string instance;  // unique among the gateways of the database
  std::chrono::milliseconds lease{15'000};
  std::string url;  // for the listener's connection
  std::string password;
};

// The channels: every write transaction of a clustered writer notifies the first; an instance
// that leaves, the second.
inline constexpr const char* kCommittedChannel = "eaeu_journal";
inline constexpr const char* kReleasedChannel = "eaeu_released";

// The statement that opens a clustered writer's transactions: the writers of the cluster take
// turns (the feeds' positions must rise in the order of the commits, which readers follow), and
// each commit wakes the others.
std::string ClusteredBegin();

// What a clustered writer's session sets: the server ends the session of a writer that stops
// inside a transaction (paused, or its host gone) once a lease has passed, so the write turn it
// holds goes to the others rather than holding the cluster's writes until it comes back.
std::string ClusteredSession(std::chrono::milliseconds lease);

std::unique_ptr<sql::Cluster> MakeCluster(ClusterOptions options);

}  // namespace eaeu::store::postgres
