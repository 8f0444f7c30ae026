#include "gateway/sandbox/summary.hpp"

#include <algorithm>
#include <cstdint>

namespace eaeu::sandbox {
namespace {

// One code point from UTF-8 at `i` (advanced past it); U+FFFD for a malformed sequence.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  size_t length = b < 0x80           ? 1
                  : (b >> 5) == 0x6  ? 2
                  : (b >> 4) == 0xE  ? 3
                  : (b >> 3) == 0x1E ? 4
                                     : 0;
  if (length == 0 || i + length > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = length == 1 ? b : b & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  i += length;
  return c;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
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
    const char32_t c = NextCodePoint(text, i);
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    AppendUtf8(out, Lower(c));
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
