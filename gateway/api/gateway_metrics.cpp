#include "gateway/api/gateway_metrics.hpp"

#include <spdlog/spdlog.h>

#include "gateway/deadlines/tracker.hpp"
#include "gateway/inbound/handover.hpp"
#include "gateway/inbound/receiver.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/notify/notifier.hpp"
#include "gateway/registry/scheduled.hpp"
#include "gateway/registry/sync.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::api {
namespace {

using Samples = std::vector<MetricSample>;

double D(uint64_t v) {
  return static_cast<double>(v);
}

MetricSample By(const char* label, const char* value, uint64_t v) {
  return {{{label, value}}, D(v)};
}

void NotifierFamilies(MetricsRegistry& r, const char* name, const char* help,
                      const notify::Notifier* n) {
  r.Counter(name, help, [n] {
    const auto s = n->stats();
    return Samples{By("outcome", "posted", s.posted), By("outcome", "failed", s.failures)};
  });
}

}  // namespace

void RegisterGatewayMetrics(MetricsRegistry& r, const GatewayParts& parts) {
  if (const intake::Pipeline* p = parts.pipeline) {
    r.Counter("eaeu_intake_total", "Documents taken in, by outcome.", [p] {
      const auto s = p->stats();
      return Samples{By("outcome", "accepted", s.accepted),
                     By("outcome", "duplicate", s.duplicates),
                     By("outcome", "rejected", s.rejected), By("outcome", "failed", s.failed)};
    });
    r.Counter("eaeu_queued_total", "Messages signed and queued for delivery.",
              [p] { return D(p->stats().queued); });
    r.Counter("eaeu_sign_failures_total", "Messages that could not be signed (they wait).",
              [p] { return D(p->stats().sign_failures); });
  }
  if (store::Journal* j = parts.journal) {
    r.Counter("eaeu_journal_commits_total", "Journal commits (each one fsync).",
              [j] { return D(j->stats().commits); });
    r.Counter("eaeu_journal_changes_total", "Journal changes committed.",
              [j] { return D(j->stats().changes); });
    // Both from the counts the journal keeps as it writes (one small table, not the messages).
    const auto counts = [j](bool deliveries) {
      Samples out;
      auto read = j->MessageCounts();
      if (!read) {
        spdlog::error("metrics: {}", read.error().ToString());
        return out;
      }
      for (const auto& c : *read) {
        if (c.destination.empty() == deliveries) continue;
        MetricLabels labels{{"kind", c.kind}};
        if (deliveries) {
          labels.emplace_back("destination", c.destination);
        } else {
          labels.emplace_back("direction", std::string(store::DirectionName(c.direction)));
        }
        labels.emplace_back("state", std::string(store::StateName(c.state)));
        out.push_back({std::move(labels), D(c.count)});
      }
      return out;
    };
    r.Gauge("eaeu_messages", "Messages in the journal, by kind, direction and state.",
            [counts] { return counts(false); });
    r.Gauge("eaeu_deliveries",
            "Outbound deliveries in the journal, by kind, destination and state.",
            [counts] { return counts(true); });
  }
  if (const route::DeliveryEngine* d = parts.delivery) {
    r.Counter("eaeu_delivery_total", "Delivery steps, by kind.", [d] {
      const auto s = d->stats();
      return Samples{By("step", "send", s.sends), By("step", "resend", s.retries),
                     By("step", "acknowledged", s.acknowledged), By("step", "rejected", s.rejected),
                     By("step", "dead", s.dead)};
    });
    r.Gauge("eaeu_deliveries_open", "Deliveries not yet acknowledged, rejected or dead.",
            [d] { return D(d->stats().open); });
  }
  if (const inbound::Receiver* in = parts.receiver) {
    r.Counter(
        "eaeu_inbound_total", "Messages received from the integrated system, by outcome.", [in] {
          const auto s = in->stats();
          return Samples{By("outcome", "accepted", s.accepted),
                         By("outcome", "duplicate", s.duplicates),
                         By("outcome", "rejected", s.rejected), By("outcome", "fault", s.faults),
                         By("outcome", "signal", s.signals)};
        });
  }
  if (const inbound::Handover* h = parts.handover) {
    r.Counter("eaeu_handover_total", "Received documents handed to the national system.",
              [h] { return D(h->stats().handed); });
    r.Counter("eaeu_handover_failures_total", "Failed webhook or folder attempts.",
              [h] { return D(h->stats().failures); });
  }
  if (parts.notifier != nullptr) {
    NotifierFamilies(r, "eaeu_notify_total", "Events of submitted messages posted to the webhook.",
                     parts.notifier);
  }
  if (store::Journal* j = parts.journal; j != nullptr && parts.tracker != nullptr) {
    r.Gauge("eaeu_deadlines", "Legal deadlines tracked, by rule state.", [j] {
      Samples out;
      auto counts = j->DeadlineCounts();
      if (!counts) {
        spdlog::error("metrics: {}", counts.error().ToString());
        return out;
      }
      for (const char* state : {"open", "at-risk", "met", "overdue", "waived"}) {
        uint64_t n = 0;
        for (const auto& [key, count] : *counts) n += key.first == state ? count : 0;
        out.push_back(By("state", state, n));
      }
      return out;
    });
    r.Gauge("eaeu_deadlines_by_rule", "Legal deadlines tracked, by rule (DL-01 ...) and state.",
            [j] {
              Samples out;
              auto counts = j->DeadlineCounts();
              if (!counts) return out;
              for (const auto& [key, count] : *counts) {
                out.push_back(
                    {{{"rule", key.second}, {"state", key.first}}, static_cast<double>(count)});
              }
              return out;
            });
  }
  if (const deadlines::Tracker* t = parts.tracker) {
    r.Counter("eaeu_deadline_sweeps_total", "Counts of every deadline not met.",
              [t] { return D(t->stats().sweeps); });
    r.Counter("eaeu_deadline_failures_total", "Tracker steps the journal refused (tried again).",
              [t] { return D(t->stats().failures); });
    r.Counter("eaeu_deadline_documents_total",
              "Documents the tracker took: the model the intake read, still in memory, or the "
              "journal's XML read again.",
              [t] {
                const auto s = t->stats();
                return Samples{By("from", "memory", s.documents_recalled),
                               By("from", "journal", s.documents_read)};
              });
  }
  if (parts.deadline_notifier != nullptr) {
    NotifierFamilies(r, "eaeu_deadline_notify_total", "Moves of deadlines posted to the webhook.",
                     parts.deadline_notifier);
  }
  if (const registry::RegistrySync* g = parts.registry) {
    r.Counter("eaeu_registry_syncs_total",
              "Register syncs journalled or refused, by outcome (planned, nothing-to-send, "
              "withdrawal-guard, invalid, dry-run).",
              [g] {
                Samples out;
                for (const auto& [outcome, n] : g->stats().syncs) {
                  out.push_back({{{"outcome", outcome}}, D(n)});
                }
                return out;
              });
    r.Counter("eaeu_registry_changes_total", "Register changes the syncs planned, by change.", [g] {
      const auto s = g->stats();
      return Samples{By("change", "added", s.added), By("change", "changed", s.changed),
                     By("change", "withdrawn", s.withdrawn)};
    });
    r.Counter("eaeu_registry_invalid_total", "Organizations the syncs refused.",
              [g] { return D(g->stats().invalid); });
    r.Gauge("eaeu_registry_last_sync_timestamp_seconds",
            "When the latest register sync ended (Unix time; 0: none since the start).", [g] {
              const auto at = g->stats().last_at;
              return at ? std::chrono::duration<double>(at->time_since_epoch()).count() : 0.0;
            });
  }
  if (const registry::ScheduledSync* s = parts.scheduled_sync) {
    r.Counter("eaeu_registry_scheduled_total", "Scheduled register syncs, by outcome.", [s] {
      const auto st = s->stats();
      return Samples{By("outcome", "run", st.runs),
                     By("outcome", "source-failed", st.source_failures)};
    });
  }
  if (parts.sync_notifier != nullptr) {
    NotifierFamilies(r, "eaeu_registry_notify_total", "Register syncs posted to the webhook.",
                     parts.sync_notifier);
  }
  if (parts.open_connections) {
    r.Gauge("eaeu_api_open_connections", "Open API connections.",
            [open = parts.open_connections] { return D(open()); });
  }
}

Histogram& AddRequestHistogram(MetricsRegistry& r) {
  return r.AddHistogram("eaeu_api_request_duration_seconds",
                        "Time from a REST request's arrival to its answer.",
                        {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
}

StageObserver AddStageHistograms(MetricsRegistry& r) {
  const std::vector<std::string> names(kStageNames.begin(), kStageNames.end());
  auto stages = r.AddHistograms(
      "eaeu_stage_duration_seconds",
      "How long each stage of a message takes: validate, sign (with the serialised document), "
      "journal (a submission's change to its commit), send (one envelope to the peer's answer), "
      "acknowledgement (a delivery taken on to its acknowledgement).",
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,  0.25,  0.5,  1,
       2.5,    5,     10,     30,    60,   300,   1800, 3600, 21600, 86400},
      "stage", names);
  return [stages](Stage stage, double seconds) {
    stages[static_cast<size_t>(stage)]->Observe(seconds);
  };
}

void ObserveJournalCommits(MetricsRegistry& r, store::Journal& journal) {
  Histogram& took =
      r.AddHistogram("eaeu_journal_commit_seconds", "How long each of the journal's commits takes.",
                     {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  Histogram& size = r.AddHistogram("eaeu_journal_batch_size",
                                   "How many changes each of the journal's commits "
                                   "carries (group commit).",
                                   {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
  journal.ObserveCommits([&took, &size](size_t changes, double seconds) {
    took.Observe(seconds);
    size.Observe(static_cast<double>(changes));
  });
}

}  // namespace eaeu::api
