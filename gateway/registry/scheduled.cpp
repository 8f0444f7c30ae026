#include "gateway/registry/scheduled.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>

namespace eaeu::registry {

struct ScheduledSync::Impl : std::enable_shared_from_this<Impl> {
  RegistrySync* sync = nullptr;
  const Clock* clock = nullptr;
  std::shared_ptr<Lane> lane;
  Schedule schedule;
  ScheduleSettings settings;
  std::atomic<uint64_t> runs{0}, source_failures{0};

  Schedule::TimePoint next{};

  void Arm() {
    next = schedule.Next(clock->Now());
    spdlog::info("registry: the next scheduled sync of {} is at {}", settings.source,
                 FormatUtc(next));
    Wait();
  }

  // Looks at the clock at least every second (and at the due time), so that a clock that jumps
  // (a step of NTP, an injected clock) runs the sync when its time has come, once.
  void Wait() {
    const auto left = next - clock->Now();
    if (left <= Schedule::TimePoint::duration::zero()) return Run();
    const auto wait = std::min<std::chrono::steady_clock::duration>(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(left),
        std::chrono::seconds(1));
    lane->After(wait, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Wait();
    });
  }

  void Run() {
    lane->Background([self = shared_from_this()] {
      auto source = LoadSource(self->settings.source, self->settings.ca_bundle);
      if (!source) {
        ++self->source_failures;
        spdlog::error("registry: the scheduled sync cannot read its source: {}",
                      source.error().ToString());
        self->lane->Serial([self] { self->Arm(); });
        return;
      }
      ++self->runs;
      SyncRequest r;
      r.bytes = std::move(source->bytes);
      r.format = source->format;
      r.source = "schedule \"" + self->schedule.text() + "\": " + self->settings.source;
      r.sender = {self->settings.country, self->settings.participant, "registry schedule"};
      self->sync->Sync(std::move(r), [self](Result<SyncReport> report) {
        if (!report) {
          spdlog::error("registry: the scheduled sync failed: {}", report.error().ToString());
        } else {
          spdlog::info(
              "registry: the scheduled sync: {} ({} added, {} changed, {} withdrawn, {} "
              "invalid){}{}",
              SyncOutcomeName(report->outcome), report->added, report->changed, report->withdrawn,
              report->invalid.size(), report->refusal.empty() ? "" : ": ", report->refusal);
        }
        self->lane->Serial([self] { self->Arm(); });
      });
    });
  }
};

ScheduledSync::ScheduledSync(RegistrySync& sync, const Clock* clock, std::shared_ptr<Lane> lane,
                             Schedule schedule, ScheduleSettings settings)
    : impl_(std::make_shared<Impl>()) {
  impl_->sync = &sync;
  impl_->clock = clock;
  impl_->lane = std::move(lane);
  impl_->schedule = std::move(schedule);
  impl_->settings = std::move(settings);
}

ScheduledSync::~ScheduledSync() = default;

void ScheduledSync::Start() {
  impl_->lane->Serial([impl = impl_] { impl->Arm(); });
}

ScheduledSync::Stats ScheduledSync::stats() const {
  return {impl_->runs.load(), impl_->source_failures.load()};
}

}  // namespace eaeu::registry
