#pragma once
// CSV import of the register of inspecting organizations (Table 3). One row per inspector, with the
// organization's columns repeated on each of its rows; rows of the same organization (same
// authorising country and name) become one register entry. The columns are listed in the README.
// No I/O: the identifier source and the clock are passed in.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"
#include "gateway/core/result.hpp"

namespace eaeu::codec {

struct CsvImportOptions {
  std::function<std::string()> new_document_id;  // a fresh lower-case RFC 4122 UUID per entry
  DateTime now;                                  // EDocDateTime of the entries
  char separator = ',';
};

Result<std::vector<model::RegisterEntry>> ReadRegisterCsv(std::string_view text,
                                                          const model::DocumentCatalog& catalog,
                                                          const CsvImportOptions& options);

// The recognised column names, in the order the README documents them.
const std::vector<std::string_view>& RegisterCsvColumns();

// Splits RFC 4180 CSV text into rows of fields; errors name the line.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text, char separator);

}  // namespace eaeu::codec
