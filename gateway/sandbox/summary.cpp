#include "gateway/sandbox/summary.hpp"

#include <algorithm>
#include <cstdint>

#include "gateway/core/utf8.hpp"

namespace eaeu::sandbox {
namespace {

// One code point from UTF-8 at `i` (advanced past it); U+FFFD for a malformed sequence.
char32_t CodePointAt(std::string_view s, size_t& i) {
  const char32_t c = NextCodePoint(s, i);
  return c == kInvalidUtf8 ? 0xFFFD : c;
}

char32_t Lower(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 0x20;
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;                 // А..Я
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;                 // Ѐ..Џ, Ё among them
  if (c >= 0x0531 && c <= 0x0556) return c + 0x30;                 // Armenian Ա..Ֆ
  if (c >= 0x00C0 && c <= 0x00DE && c != 0x00D7) return c + 0x20;  // Latin-1 letters
  return c;
}

bool IsSpace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x00A0;
}

}  // namespace

std::string FoldForMatch(std::string_view text) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size();) {
    const char32_t c = CodePointAt(text, i);
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    AppendCodePoint(out, Lower(c));
  }
  return out;
}

std::optional<model::t4::ReportLine> SummaryLineOf(const model::InspectionReport& document) {
  if (!document.report) return std::nullopt;
  const model::t1::Report& report = *document.report;
  model::t4::ReportLine line;
  line.doc_id = report.doc_id;
  line.doc_creation_date = report.doc_creation_date;
  line.country_code = report.country_code;
  line.validity_date = report.validity_date.value_or(report.doc_creation_date.AddYears(3));
  line.manufacturer_name = report.manufacturer.name;
  for (const auto& object : report.manufacturer.objects) {
    for (const auto& inspection : object.inspections) {
      for (const auto& group : inspection.groups) {
        for (const auto& product : group.products) {
          const bool listed = std::any_of(
              line.products.begin(), line.products.end(), [&](const model::t4::MedicalProduct& p) {
                return p.name == product.name && p.kind_code == product.kind_code;
              });
          if (!listed) line.products.push_back({product.name, product.kind_code, std::nullopt});
        }
      }
    }
  }
  return line;
}

bool Matches(const model::SummaryRequest& request, const model::t4::ReportLine& line) {
  if (request.period && (line.doc_creation_date < request.period->start.date ||
                         request.period->end.date < line.doc_creation_date)) {
    return false;
  }
  if (request.country_code && *request.country_code != line.country_code) return false;
  if (request.manufacturer_name &&
      FoldForMatch(line.manufacturer_name).find(FoldForMatch(*request.manufacturer_name)) ==
          std::string::npos) {
    return false;
  }
  return true;
}

}  // namespace eaeu::sandbox
