// The metrics registry writes the Prometheus text format: HELP and TYPE once per family, labels
// escaped, histograms cumulative with +Inf, families of parts not configured left out.
#include <catch2/catch.hpp>

#include "gateway/api/metrics.hpp"

namespace eaeu::api {

TEST_CASE("Metrics: counters, gauges and histograms in the text format", "[metrics]") {
  MetricsRegistry r;
  uint64_t sent = 3;
  r.Counter("eaeu_sent_total", "Sent.", [&sent] { return static_cast<double>(sent); });
  r.Gauge("eaeu_open", "Open, by state.", [] {
    return std::vector<MetricSample>{{{{"state", "at \"risk\"\\\n"}}, 2.5}, {{{"state", "ok"}}, 0}};
  });
  r.Gauge("eaeu_absent", "A part that is not configured.",
          [] { return std::vector<MetricSample>{}; });
  Histogram& h = r.AddHistogram("eaeu_latency_seconds", "Latency.", {0.01, 0.1});
  h.Observe(0.005);
  h.Observe(0.05);
  h.Observe(0.05);
  h.Observe(3);
  sent = 4;
  CHECK(r.Text() ==
        "# HELP eaeu_sent_total Sent.\n"
        "# TYPE eaeu_sent_total counter\n"
        "eaeu_sent_total 4\n"
        "# HELP eaeu_open Open, by state.\n"
        "# TYPE eaeu_open gauge\n"
        "eaeu_open{state=\"at \\\"risk\\\"\\\\\\n\"} 2.5\n"
        "eaeu_open{state=\"ok\"} 0\n"
        "# HELP eaeu_latency_seconds Latency.\n"
        "# TYPE eaeu_latency_seconds histogram\n"
        "eaeu_latency_seconds_bucket{le=\"0.01\"} 1\n"
        "eaeu_latency_seconds_bucket{le=\"0.1\"} 3\n"
        "eaeu_latency_seconds_bucket{le=\"+Inf\"} 4\n"
        "eaeu_latency_seconds_sum 3.105\n"
        "eaeu_latency_seconds_count 4\n");
}

}  // namespace eaeu::api
