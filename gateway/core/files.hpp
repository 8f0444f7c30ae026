#pragma once
// Reading and writing whole files with limits, and atomic replacement.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"

namespace eaeu {

// Reads a regular file of at most `max_bytes`; larger files are refused before any is read.
Result<std::string> ReadFileLimited(const std::filesystem::path& path, uint64_t max_bytes);

enum class FileMode {
  kShared,   // 0644
  kPrivate,  // 0600: private keys, passwords, tokens
};

// Writes `data` to a temporary file beside `path`, fsyncs it and renames it over `path`.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view data,
                           FileMode mode = FileMode::kShared);
// The same for data in pieces, written one after the other (a large document and what goes into
// it, without joining them in memory first).
Status WriteFileAtomically(const std::filesystem::path& path,
                           std::span<const std::string_view> pieces,
                           FileMode mode = FileMode::kShared);

}  // namespace eaeu
