#include "gateway/summary/summary.hpp"

#include <algorithm>
#include <cstdint>

#include "gateway/core/utf8.hpp"

namespace eaeu::summary {
namespace {

// One code point from UTF-8 at `i` (advanced past it); U+FFFD for a malformed sequence.
char32_t CodePointAt(std::string_view s, size_t& i) {
  const char32_t c = NextCodePoint(s, i);
  return c == kInvalidUtf8 ? 0xFFFD : c;
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
    AppendCodePoint(out, LowerCase(c));
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

std::vector<model::t4::ReportLine> Summarise(const model::SummaryRequest& request,
                                             const std::vector<model::t4::ReportLine>& reports) {
  std::vector<model::t4::ReportLine> out;
  for (const auto& line : reports) {
    if (!Matches(request, line)) continue;
    auto same = std::find_if(out.begin(), out.end(), [&](const model::t4::ReportLine& r) {
      return r.doc_id == line.doc_id && r.country_code == line.country_code;
    });
    if (same != out.end()) {
      *same = line;
    } else {
      out.push_back(line);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.doc_creation_date != b.doc_creation_date)
      return a.doc_creation_date < b.doc_creation_date;
    if (a.country_code != b.country_code) return a.country_code < b.country_code;
    return a.doc_id < b.doc_id;
  });
  return out;
}

namespace {

void Cell(std::string& out, std::string_view text, bool last = false) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
  out += last ? "\r\n" : ",";
}

}  // namespace

std::string SummaryCsv(const std::vector<model::t4::ReportLine>& lines) {
  std::string out = "\xEF\xBB\xBF";
  const char* header[] = {"Номер отчета / Report number",
                          "Дата отчета / Report date",
                          "Государство / Country",
                          "Действует до / Valid until",
                          "Производитель / Manufacturer",
                          "Медицинское изделие / Medical device",
                          "Вид изделия / Device kind",
                          "Регистрационное удостоверение / Registration certificate",
                          "Дата удостоверения / Certificate date",
                          "Статус удостоверения / Certificate status"};
  for (size_t i = 0; i < std::size(header); ++i) Cell(out, header[i], i + 1 == std::size(header));
  for (const auto& line : lines) {
    const auto row = [&](const model::t4::MedicalProduct* p) {
      Cell(out, line.doc_id);
      Cell(out, line.doc_creation_date.ToString());
      Cell(out, line.country_code);
      Cell(out, line.validity_date.ToString());
      Cell(out, line.manufacturer_name);
      Cell(out, p ? p->name : "");
      Cell(out, p ? p->kind_code : "");
      const bool cert = p && p->certificate;
      Cell(out, cert ? p->certificate->doc_id : "");
      Cell(out, cert ? p->certificate->doc_creation_date.ToString() : "");
      Cell(out, cert ? p->certificate->status_code : "", true);
    };
    if (line.products.empty()) row(nullptr);
    for (const auto& p : line.products) row(&p);
  }
  return out;
}

}  // namespace eaeu::summary
