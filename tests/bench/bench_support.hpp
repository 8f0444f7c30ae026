#pragma once
// What the benchmark programs share: the timing loop, the inputs and the memory figure.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "codecs/xml_writer.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::bench {

namespace fs = std::filesystem;

using Clock = std::chrono::steady_clock;

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Figure {
  double docs_per_second;
  double mb_per_second;
  double micros_per_doc;
};

// Runs `work` repeatedly for at least `seconds` (after a warm-up) and returns the rate.
inline Figure Measure(size_t bytes, double seconds, const std::function<bool()>& work) {
  for (int i = 0; i < 3; ++i) {
    if (!work()) {
      std::fprintf(stderr, "benchmark input was not accepted\n");
      std::exit(2);
    }
  }
  size_t runs = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 4; ++i) (void)work();
    runs += 4;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  const double rate = static_cast<double>(runs) / elapsed;
  return {rate, rate * static_cast<double>(bytes) / 1e6, 1e6 / rate};
}

// The example report grown to at least `target` bytes: more inspected sites, each with its
// groups, devices and nonconformities (a large manufacturer's report).
inline std::string GrowReport(const eaeu::validate::Validator& validator,
                              const std::string& example,
                              const eaeu::validate::RuleContext& context, size_t target) {
  auto v = validator.Validate(example, eaeu::validate::InputFormat::kXml, context);
  auto report = std::get<eaeu::model::InspectionReport>(*v.document);
  auto& objects = report.report->manufacturer.objects;
  const auto pattern = objects;
  std::string xml;
  for (size_t round = 0; (xml = eaeu::codec::WriteXml(report, validator.catalog())).size() < target;
       ++round) {
    for (auto object : pattern) {
      object.address.building_number_id = std::to_string(100 + round);
      objects.push_back(std::move(object));
    }
  }
  return xml;
}

inline long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace eaeu::bench
