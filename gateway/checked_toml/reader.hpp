#pragma once
// Reading a checked TOML file (the daemon's configuration, the process and schema catalogues,
// the calendars, the sandbox's settings): every value is taken through a Section that knows its
// dotted key, records what was read, and reports a missing key, a wrong type, a value out of
// range or a key nobody read (an unknown key) with the file, the line and the key. Include only
// from .cpp files: it brings toml++.

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::checked_toml {

// The problems found in one file, in the order found.
class Problems {
 public:
  explicit Problems(std::filesystem::path file) : file_(std::move(file)) {}
  void Add(const toml::source_region& where, const std::string& key, const std::string& what);
  bool empty() const { return lines_.empty(); }
  // All problems as one error: code `code`, where = the file, message = one line each.
  Error ToError(std::string code) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::vector<std::string> lines_;
};

// A table of the file, with the dotted key it lives at ("api.tls", "drop_folder[1]").
class Section {
 public:
  Section(const toml::table* table, std::string key, Problems* problems);
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;
  Section(Section&&) = default;
  ~Section() = default;

  bool present() const { return table_ != nullptr; }
  bool Has(std::string_view key) const;

  std::optional<std::string> String(std::string_view key, bool required = false);
  std::optional<int64_t> Integer(std::string_view key, int64_t min, int64_t max);
  std::optional<bool> Bool(std::string_view key);
  std::optional<std::chrono::milliseconds> Duration(std::string_view key,
                                                    std::chrono::milliseconds min,
                                                    std::chrono::milliseconds max);
  std::vector<std::string> Strings(std::string_view key);
  // A path read against `base`; `must_exist` checks it is there.
  enum class PathKind { kAny, kFile, kFolder };
  std::optional<std::filesystem::path> Path(std::string_view key, const std::filesystem::path& base,
                                            PathKind must_be = PathKind::kAny,
                                            bool required = false);

  Section Table(std::string_view key);
  std::vector<Section> Tables(std::string_view key);  // an array of tables

  // Reports every key of this table that no call above read.
  void RejectUnknown();
  // Reports a problem about a key of this table.
  void Problem(std::string_view key, const std::string& what);
  std::string KeyOf(std::string_view key) const;

 private:
  const toml::node* Get(std::string_view key);

  const toml::table* table_;
  std::string key_;
  Problems* problems_;
  std::set<std::string, std::less<>> read_;
};

// "250ms", "30s", "5m", "1h" (a whole number and a unit).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// Parses the file; a syntax error is returned as an error naming the line.
Result<toml::table> ParseTomlFile(const std::filesystem::path& file, std::string_view code);

}  // namespace eaeu::checked_toml
