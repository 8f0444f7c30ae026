#pragma once
// CSV import of the register of inspecting organizations (Table 3). One row per inspector, with the
// organization's columns repeated on each of its rows; rows of the same organization (same
// authorising country and name) become one register entry. The columns are listed in the README.
// No I/O: the identifier source and the clock are passed in.

#include <functional>
#include <optional>
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

// The key of a register record (T3-R1): the authorising country (↳ 1.8) and the full name (1.1),
// whitespace-collapsed and case-folded: "KZ|тоо «медсерт»".
std::string RegisterKey(std::string_view country, std::string_view name);

// One organization of a register as read, where it was, and its key; `entry` is empty when the
// organization was refused (its problem says why).
struct RegisterRecord {
  std::string key;
  std::string where;  // "line 4", "lines 4…9", "record 3", a file's name
  size_t first_line = 0;
  std::optional<model::RegisterEntry> entry;
};
// Something in the input that could not be taken, with the key of the organization it belongs
// to when that could be read (so that a refused organization is never taken for a withdrawn one).
struct RegisterProblem {
  std::string key;
  Error error;  // its location names the line (or record) and column
};
struct RegisterInput {
  std::vector<RegisterRecord> records;
  std::vector<RegisterProblem> problems;
};

// Reads every organization of a register CSV. An error in a row refuses its organization and
// names the line and column; the others are read on. Two rows of one organization with other
// organization columns, or one inspector twice, are a duplicate that names both lines. Only a
// file that is not a register CSV at all (no header, an unknown column) is an error.
Result<RegisterInput> ReadRegisterCsvRecords(std::string_view text,
                                             const model::DocumentCatalog& catalog,
                                             const CsvImportOptions& options);

// The same, all or nothing: the first problem is the error.
Result<std::vector<model::RegisterEntry>> ReadRegisterCsv(std::string_view text,
                                                          const model::DocumentCatalog& catalog,
                                                          const CsvImportOptions& options);

// The recognised column names, in the order the README documents them.
const std::vector<std::string_view>& RegisterCsvColumns();

// Splits RFC 4180 CSV text into rows of fields; errors name the line.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text, char separator);

}  // namespace eaeu::codec
