#pragma once
// The gateway's metric families (names, help, labels) registered with a MetricsRegistry, each
// read from its component's counters when scraped. A part that is not configured is null and
// has no families.

#include <cstddef>
#include <functional>

#include "gateway/api/metrics.hpp"
#include "gateway/core/stage.hpp"

namespace eaeu::intake {
class Pipeline;
}
namespace eaeu::store {
class Journal;
}
namespace eaeu::route {
class DeliveryEngine;
}
namespace eaeu::inbound {
class Receiver;
class Handover;
}  // namespace eaeu::inbound
namespace eaeu::notify {
class Notifier;
}
namespace eaeu::deadlines {
class Tracker;
}
namespace eaeu::registry {
class RegistrySync;
class ScheduledSync;
}  // namespace eaeu::registry

namespace eaeu::api {

struct GatewayParts {
  const intake::Pipeline* pipeline = nullptr;
  store::Journal* journal = nullptr;
  const route::DeliveryEngine* delivery = nullptr;
  const inbound::Receiver* receiver = nullptr;
  const inbound::Handover* handover = nullptr;
  const notify::Notifier* notifier = nullptr;
  const deadlines::Tracker* tracker = nullptr;
  const notify::Notifier* deadline_notifier = nullptr;
  const notify::Notifier* sync_notifier = nullptr;
  const registry::RegistrySync* registry = nullptr;
  const registry::ScheduledSync* scheduled_sync = nullptr;
  std::function<size_t()> open_connections;  // of the REST API
};

void RegisterGatewayMetrics(MetricsRegistry& registry, const GatewayParts& parts);

// The latency of the REST API's answers, observed by RestApi.
Histogram& AddRequestHistogram(MetricsRegistry& registry);

// eaeu_stage_duration_seconds{stage=...}: what the returned observer is told.
StageObserver AddStageHistograms(MetricsRegistry& registry);

// eaeu_journal_commit_seconds and eaeu_journal_batch_size, observed from `journal`'s commits.
void ObserveJournalCommits(MetricsRegistry& registry, store::Journal& journal);

}  // namespace eaeu::api
