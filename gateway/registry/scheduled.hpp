#pragma once
// The daemon's scheduled register sync ([registry] source and schedule): at each time of the
// schedule the register is read from its source (a file, a folder, a URL) and synced as the
// configured state, like POST /v1/registry/sync without a dry run or a confirmation of
// withdrawals. Its outcome is journalled (and so posted to the [notify] webhook) and counted in
// the metrics. A source that cannot be read is logged and counted, and tried at the next time.

#include <memory>
#include <string>

#include "gateway/core/clock.hpp"
#include "gateway/core/lane.hpp"
#include "gateway/core/schedule.hpp"
#include "gateway/registry/settings.hpp"
#include "gateway/registry/sync.hpp"

namespace eaeu::registry {

class ScheduledSync {
 public:
  ScheduledSync(RegistrySync& sync, const Clock* clock, std::shared_ptr<Lane> lane,
                Schedule schedule, ScheduleSettings settings);
  ~ScheduledSync();
  ScheduledSync(const ScheduledSync&) = delete;
  ScheduledSync& operator=(const ScheduledSync&) = delete;

  // Waits for the first time of the schedule.
  void Start();

  struct Stats {
    uint64_t runs = 0;             // syncs started
    uint64_t source_failures = 0;  // the source could not be read
  };
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::registry
