#include "gateway/checked_toml/reader.hpp"

#include <charconv>
#include <sstream>

namespace eaeu::checked_toml {

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  uint64_t factor = 0;
  if (unit == "ms") factor = 1;
  if (unit == "s") factor = 1000;
  if (unit == "m") factor = 60'000;
  if (unit == "h") factor = 3'600'000;
  if (factor == 0 || value > (uint64_t{1} << 40) / factor) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(value * factor));
}

void Problems::Add(const toml::source_region& where, const std::string& key,
                   const std::string& what) {
  std::string line = file_.filename().string();
  if (where.begin.line != 0) line += ":" + std::to_string(where.begin.line);
  line += ": " + (key.empty() ? std::string() : key + ": ") + what;
  lines_.push_back(std::move(line));
}

Error Problems::ToError(std::string code) const {
  std::string message;
  for (const auto& line : lines_) {
    if (!message.empty()) message += "\n";
    message += line;
  }
  return MakeError(std::move(code), file_.string(), std::move(message));
}

Result<toml::table> ParseTomlFile(const std::filesystem::path& file, std::string_view code) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return MakeError(std::string(code), file.string(), "no such file");
  }
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return MakeError(std::string(code), file.string() + ":" + std::to_string(e.source().begin.line),
                     std::string(e.description()));
  }
}

Section::Section(const toml::table* table, std::string key, Problems* problems)
    : table_(table), key_(std::move(key)), problems_(problems) {}

std::string Section::KeyOf(std::string_view key) const {
  return key_.empty() ? std::string(key) : key_ + "." + std::string(key);
}

bool Section::Has(std::string_view key) const {
  return table_ != nullptr && table_->contains(key);
}

const toml::node* Section::Get(std::string_view key) {
  if (table_ == nullptr) return nullptr;
  read_.emplace(key);
  return table_->get(key);
}

void Section::Problem(std::string_view key, const std::string& what) {
  const toml::node* node = table_ != nullptr ? table_->get(key) : nullptr;
  problems_->Add(node != nullptr     ? node->source()
                 : table_ != nullptr ? table_->source()
                                     : toml::source_region{},
                 KeyOf(key), what);
}

std::optional<std::string> Section::String(std::string_view key, bool required) {
  const toml::node* node = Get(key);
  if (node == nullptr) {
    if (required) Problem(key, "is required");
    return std::nullopt;
  }
  auto value = node->value<std::string>();
  if (!value) {
    Problem(key, "must be a string");
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> Section::Integer(std::string_view key, int64_t min, int64_t max) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_integer()) {
    Problem(key, "must be a whole number");
    return std::nullopt;
  }
  const int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    Problem(key, "must be from " + std::to_string(min) + " to " + std::to_string(max) + ", not " +
                     std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Section::Bool(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_boolean()) {
    Problem(key, "must be true or false");
    return std::nullopt;
  }
  return node->as_boolean()->get();
}

std::optional<std::chrono::milliseconds> Section::Duration(std::string_view key,
                                                           std::chrono::milliseconds min,
                                                           std::chrono::milliseconds max) {
  auto text = String(key);
  if (!text) return std::nullopt;
  auto value = ParseDuration(*text);
  if (!value) {
    Problem(key, "must be a duration such as \"250ms\", \"30s\", \"5m\" or \"1h\", not \"" + *text +
                     "\"");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    Problem(key, "must be from " + std::to_string(min.count()) + "ms to " +
                     std::to_string(max.count()) + "ms");
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> Section::Strings(std::string_view key) {
  std::vector<std::string> out;
  const toml::node* node = Get(key);
  if (node == nullptr) return out;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    Problem(key, "must be a list of strings");
    return out;
  }
  for (const auto& item : *array) {
    auto value = item.value<std::string>();
    if (!value) {
      Problem(key, "must be a list of strings");
      return {};
    }
    out.push_back(*value);
  }
  return out;
}

std::optional<std::filesystem::path> Section::Path(std::string_view key,
                                                   const std::filesystem::path& base,
                                                   PathKind must_be, bool required) {
  auto text = String(key, required);
  if (!text) return std::nullopt;
  if (text->empty()) {
    Problem(key, "must not be empty");
    return std::nullopt;
  }
  std::filesystem::path path(*text);
  if (path.is_relative()) path = base / path;
  path = path.lexically_normal();
  std::error_code ec;
  if (must_be == PathKind::kFile && !std::filesystem::is_regular_file(path, ec)) {
    Problem(key, "no such file: " + path.string());
  } else if (must_be == PathKind::kFolder && !std::filesystem::is_directory(path, ec)) {
    Problem(key, "no such folder: " + path.string());
  }
  return path;
}

Section Section::Table(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return Section(nullptr, KeyOf(key), problems_);
  if (!node->is_table()) {
    Problem(key, "must be a table ([" + KeyOf(key) + "])");
    return Section(nullptr, KeyOf(key), problems_);
  }
  return Section(node->as_table(), KeyOf(key), problems_);
}

std::vector<Section> Section::Tables(std::string_view key) {
  std::vector<Section> out;
  const toml::node* node = Get(key);
  if (node == nullptr) return out;
  const toml::array* array = node->as_array();
  if (array == nullptr || (!array->empty() && !array->is_array_of_tables())) {
    Problem(key, "must be an array of tables ([[" + KeyOf(key) + "]])");
    return out;
  }
  for (size_t i = 0; i < array->size(); ++i) {
    out.emplace_back((*array)[i].as_table(), KeyOf(key) + "[" + std::to_string(i + 1) + "]",
                     problems_);
  }
  return out;
}

void Section::RejectUnknown() {
  if (table_ == nullptr) return;
  for (const auto& [key, node] : *table_) {
    if (!read_.contains(key.str())) problems_->Add(node.source(), KeyOf(key.str()), "unknown key");
  }
}

}  // namespace eaeu::checked_toml
