#include "gateway/api/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace eaeu::api {
namespace {

// A number as Prometheus reads it: integers without a fraction, others with enough digits.
std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buffer[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.9g", v);
  }
  return buffer;
}

void AppendLabels(std::string& out, const MetricLabels& labels) {
  if (labels.empty()) return;
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first;
    out += "=\"";
    out += EscapeLabel(labels[i].second);
    out += '"';
  }
  out += '}';
}

}  // namespace

std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds, MetricLabels labels)
    : bounds_(std::move(bounds)),
      labels_(std::move(labels)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::llround(std::max(value, 0.0) * 1e6)),
                       std::memory_order_relaxed);
}

void Histogram::AppendText(std::string& out, const std::string& name) const {
  std::string labels;  // the histogram's own, then "le"
  for (const auto& [key, value] : labels_) labels += key + "=\"" + EscapeLabel(value) + "\",";
  const std::string own = labels.empty() ? "" : "{" + labels.substr(0, labels.size() - 1) + "}";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{" + labels + "le=\"" +
           (i < bounds_.size() ? Number(bounds_[i]) : std::string("+Inf")) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_sum" + own + " " + Number(static_cast<double>(sum_micro_.load()) / 1e6) + "\n";
  out += name + "_count" + own + " " + std::to_string(count_.load()) + "\n";
}

void MetricsRegistry::Counter(std::string name, std::string help, Read read) {
  families_.push_back({std::move(name), std::move(help), "counter", std::move(read), {}});
}

void MetricsRegistry::Gauge(std::string name, std::string help, Read read) {
  families_.push_back({std::move(name), std::move(help), "gauge", std::move(read), {}});
}

void MetricsRegistry::Counter(std::string name, std::string help, std::function<double()> value) {
  Counter(std::move(name), std::move(help), Read([value = std::move(value)] {
            return std::vector<MetricSample>{{{}, value()}};
          }));
}

void MetricsRegistry::Gauge(std::string name, std::string help, std::function<double()> value) {
  Gauge(std::move(name), std::move(help), Read([value = std::move(value)] {
          return std::vector<MetricSample>{{{}, value()}};
        }));
}

Histogram& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                         std::vector<double> bounds) {
  Family f{std::move(name), std::move(help), "histogram", nullptr, {}};
  f.histograms.push_back(std::make_unique<Histogram>(std::move(bounds)));
  families_.push_back(std::move(f));
  return *families_.back().histograms.front();
}

std::vector<Histogram*> MetricsRegistry::AddHistograms(std::string name, std::string help,
                                                       const std::vector<double>& bounds,
                                                       const std::string& key,
                                                       const std::vector<std::string>& values) {
  Family f{std::move(name), std::move(help), "histogram", nullptr, {}};
  std::vector<Histogram*> out;
  for (const auto& value : values) {
    f.histograms.push_back(std::make_unique<Histogram>(bounds, MetricLabels{{key, value}}));
    out.push_back(f.histograms.back().get());
  }
  families_.push_back(std::move(f));
  return out;
}

std::string MetricsRegistry::Text() const {
  std::string out;
  for (const auto& f : families_) {
    std::vector<MetricSample> samples;
    if (f.read) {
      samples = f.read();
      if (samples.empty()) continue;  // nothing to say (a part that is not configured)
    }
    out += "# HELP " + f.name + " " + f.help + "\n";
    out += "# TYPE " + f.name + " " + f.type + "\n";
    if (!f.histograms.empty()) {
      for (const auto& h : f.histograms) h->AppendText(out, f.name);
      continue;
    }
    for (const auto& s : samples) {
      out += f.name;
      AppendLabels(out, s.labels);
      out += " " + Number(s.value) + "\n";
    }
  }
  return out;
}

}  // namespace eaeu::api
