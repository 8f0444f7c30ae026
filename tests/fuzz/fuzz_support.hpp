#pragma once
// What the fuzz targets share: the shipped schemas and code lists, loaded once per process, and
// the rule context of a fixed day. A target is a function of the bytes only (no clock, no files
// it does not make itself), so that a crash it finds replays the same.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "gateway/core/temporal.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::fuzz {

inline const std::filesystem::path& SourceDir() {
  static const std::filesystem::path dir = EAEU_SOURCE_DIR;
  return dir;
}

inline std::unique_ptr<validate::Validator> MakeValidator(size_t bulk_text_min_bytes) {
  validate::ValidatorSettings s;
  s.schema_catalog = SourceDir() / "schemas/catalog.toml";
  s.code_lists = {SourceDir() / "config/codelists"};
  s.limits.bulk_text_min_bytes = bulk_text_min_bytes;
  auto created = validate::Validator::Create(s);
  if (!created) throw std::runtime_error(created.error().ToString());
  return std::move(created.value());
}

inline const validate::Validator& TheValidator() {
  static const auto validator = MakeValidator(xml::ParserLimits{}.bulk_text_min_bytes);
  return *validator;
}

// One that keeps every base64 text of 8 bytes or more out of the schema validator (the parser
// checks it where it stands), so that small inputs take that path too.
inline const validate::Validator& SmallBulkValidator() {
  static const auto validator = MakeValidator(8);
  return *validator;
}

inline validate::RuleContext FixedContext() {
  validate::RuleContext c;
  c.today = *Date::Parse("2026-11-24");
  c.sender_country = "RU";
  return c;
}

inline std::string_view Bytes(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace eaeu::fuzz
