#pragma once
// What the sandbox must not forget across a restart (its replies not yet taken, the answers it
// gave, the reports it took): a folder of small files, each written whole (a temporary file,
// fsync, rename, fsync of the folder), so that a file is either all there or not at all. A spool
// without a folder keeps nothing.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::sandbox {

class Spool {
 public:
  Spool() = default;
  // Creates the folder when it is missing.
  static Result<Spool> Open(std::filesystem::path dir);

  bool durable() const { return !dir_.empty(); }
  // Writes `content` under `name` (letters, digits, '-' and '.'), replacing what it had.
  Status Put(const std::string& name, const std::string& content) const;
  void Remove(const std::string& name) const;
  // Every file: its name and content, in name order; the temporary files of a write that a
  // crash cut short are removed.
  Result<std::vector<std::pair<std::string, std::string>>> All() const;

  // A file name for any key (FNV-1a, 64 bits, in hex): the key itself goes into the content.
  static std::string NameOf(std::string_view key);

 private:
  std::filesystem::path dir_;
};

}  // namespace eaeu::sandbox
