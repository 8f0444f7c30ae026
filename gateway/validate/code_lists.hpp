#pragma once
// External classifiers that the annex names but does not list, loaded from config/codelists/ when
// the operator has them: one file per list, named after the list id, lines "code<TAB>name".
// When a list is loaded codes are checked against it; when not, by their form only, and the
// verdict says which lists were absent (rules.md, "Code lists fixed by the annex").

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::validate {

// The lists the rules know, by id (file name without .tsv).
inline constexpr std::string_view kCountryList = "P.CLS.019";     // ISO 3166-1 alpha-2
inline constexpr std::string_view kLegalFormList = "P.CLS.054";   // Decision 54 of 2 Apr 2019
inline constexpr std::string_view kDeviceKindList = "P.CLS.064";  // EAEU nomenclature
inline constexpr std::string_view kDeviceGroupList = "D106.A2";   // Annex 2 to Decision 106
inline constexpr std::string_view kCertificateStatusList = "RC.STATUS";  // register statuses

class CodeLists {
 public:
  // Loads every "<id>.tsv" in `dir`; a missing folder is an empty set, a bad line an error.
  static Result<CodeLists> LoadDirectory(const std::filesystem::path& dir);
  // Loads several folders; a list in a later folder adds to the same list of an earlier one.
  static Result<CodeLists> LoadDirectories(const std::vector<std::filesystem::path>& dirs);

  void Add(std::string list_id, std::string code, std::string name = {});
  bool Has(std::string_view list_id) const;
  bool Contains(std::string_view list_id, std::string_view code) const;
  // The code whose name equals `name` (whitespace-collapsed, case-insensitive for ASCII).
  std::optional<std::string> CodeForName(std::string_view list_id, std::string_view name) const;
  // A human name of a list id, for messages.
  static std::string Describe(std::string_view list_id);
  // What is not checked while a list is absent ("IR-01 and GN-01 check its codes by form only;
  // IO-03 is off").
  static std::string WhatIsOff(std::string_view list_id);
  // Which of the lists the rules know are loaded (with their sizes) and which are not, with what
  // that turns off: one line for the log at start.
  std::string StatusLine() const;

 private:
  struct List {
    std::set<std::string, std::less<>> codes;
    std::map<std::string, std::string, std::less<>> code_by_name;  // folded name -> code
  };
  std::map<std::string, List, std::less<>> lists_;
};

}  // namespace eaeu::validate
