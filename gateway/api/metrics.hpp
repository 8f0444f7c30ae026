#pragma once
// A small Prometheus registry: counter and gauge families read from the components when scraped,
// and histograms fed as things happen, written in the text exposition format (version 0.0.4).
// The names, help lines and labels of the gateway's own families are in gateway_metrics.hpp.
//
// Threading: register before the daemon serves; Text and Observe may be called from any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eaeu::api {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

struct MetricSample {
  MetricLabels labels;
  double value = 0;
};

// Counts of observations in buckets (upper bounds, ascending; +Inf is added), their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds, MetricLabels labels = {});
  void Observe(double value);
  // The family's sample lines ("<name>_bucket{le=...}", "_sum", "_count").
  void AppendText(std::string& out, const std::string& name) const;

 private:
  std::vector<double> bounds_;
  MetricLabels labels_;                              // of every line of this histogram
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, then +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // the sum in millionths, kept exact across threads
};

class MetricsRegistry {
 public:
  using Read = std::function<std::vector<MetricSample>()>;

  // A family whose samples `read` gives when scraped (it may read the journal: scrapes run on a
  // worker). A counter only rises.
  void Counter(std::string name, std::string help, Read read);
  void Gauge(std::string name, std::string help, Read read);
  // One sample without labels.
  void Counter(std::string name, std::string help, std::function<double()> value);
  void Gauge(std::string name, std::string help, std::function<double()> value);
  // A histogram the caller observes into; it lives as long as the registry.
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> bounds);
  // A family of histograms, one for each value of the label `key`, in the order of `values`.
  std::vector<Histogram*> AddHistograms(std::string name, std::string help,
                                        const std::vector<double>& bounds, const std::string& key,
                                        const std::vector<std::string>& values);

  // Every family, in the order registered.
  std::string Text() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    std::string type;  // counter, gauge, histogram
    Read read;
    std::vector<std::unique_ptr<Histogram>> histograms;
  };
  std::vector<Family> families_;
};

// A label value escaped for the text format (backslash, double quote, newline).
std::string EscapeLabel(std::string_view value);

}  // namespace eaeu::api
