#pragma once
// The example inspection report with a report file (T1 2.9, IR-17) of a chosen size, for the
// tests and benchmarks of large documents. The file's bytes follow a fixed pattern (so a run is
// reproducible) and start as a PDF does; its base64 comes in lines of 76 characters, each line
// break followed by the example's indentation.

#include <cstdint>
#include <string>
#include <string_view>

namespace eaeu::test {

// Base64 of `raw_bytes` bytes (a whole number of groups: raw_bytes is rounded down to a multiple
// of 3), a line break and `indent` after every 76 characters.
inline std::string Base64Lines(size_t raw_bytes, std::string_view line_break = "\n",
                               std::string_view indent = "      ") {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr std::string_view kPdf = "%PDF-1.4\n";
  raw_bytes -= raw_bytes % 3;
  std::string out;
  out.reserve(raw_bytes / 3 * 4 + (raw_bytes / 57 + 1) * (line_break.size() + indent.size()));
  uint32_t state = 0x2545u;
  const auto byte = [&](size_t i) -> uint32_t {
    if (i < kPdf.size()) return static_cast<unsigned char>(kPdf[i]);
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0xFF;
  };
  for (size_t i = 0; i < raw_bytes; i += 3) {
    const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
    if ((i / 3 + 1) % 19 == 0 && i + 3 < raw_bytes) {
      out += line_break;
      out += indent;
    }
  }
  return out;
}

// `example` (the example inspection report's text) with its report file's content replaced by
// `content`; empty when the example has no report file.
inline std::string WithReportFile(const std::string& example, std::string_view content) {
  const std::string_view open = "<doc:InspectionReportBinaryText";
  const std::string_view close = "</doc:InspectionReportBinaryText>";
  const size_t start = example.find(open);
  const size_t from = start == std::string::npos ? start : example.find('>', start);
  const size_t to = example.find(close);
  if (from == std::string::npos || to == std::string::npos) return {};
  return example.substr(0, from + 1) + std::string(content) + example.substr(to);
}

}  // namespace eaeu::test
