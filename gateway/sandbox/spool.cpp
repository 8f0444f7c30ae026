#include "gateway/sandbox/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace eaeu::sandbox {
namespace {

constexpr std::string_view kPartial = ".partial";

Status Errno(const std::filesystem::path& where, const char* what) {
  return MakeError("sandbox.spool", where.string(),
                   std::string(what) + ": " + std::strerror(errno));
}

Status SyncPath(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno(path, "cannot be opened");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno(path, "cannot be synced");
  return Ok{};
}

}  // namespace

Result<Spool> Spool::Open(std::filesystem::path dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError("sandbox.spool", dir.string(), "cannot be created: " + ec.message());
  Spool s;
  s.dir_ = std::move(dir);
  return s;
}

std::string Spool::NameOf(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

Status Spool::Put(const std::string& name, const std::string& content) const {
  if (dir_.empty()) return Ok{};
  const auto bad = std::find_if(name.begin(), name.end(), [](char c) {
    return !(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.');
  });
  if (name.empty() || bad != name.end() || name.ends_with(kPartial)) {
    return MakeError("sandbox.spool", name, "not a spool file name");
  }
  const auto final_path = dir_ / name;
  const auto partial = dir_ / (name + std::string(kPartial));
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(partial, "cannot be written");
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const Status st = Errno(partial, "cannot be written");
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const Status st = Errno(partial, "cannot be synced");
    ::close(fd);
    return st;
  }
  ::close(fd);
  if (::rename(partial.c_str(), final_path.c_str()) != 0) return Errno(final_path, "rename");
  return SyncPath(dir_, O_RDONLY | O_DIRECTORY);
}

void Spool::Remove(const std::string& name) const {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(dir_ / name, ec);
}

Result<std::vector<std::pair<std::string, std::string>>> Spool::All() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (dir_.empty()) return out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(kPartial)) {
      std::filesystem::remove(entry.path(), ec);
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) return MakeError("sandbox.spool", entry.path().string(), "cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    out.emplace_back(name, text.str());
  }
  if (ec) return MakeError("sandbox.spool", dir_.string(), ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace eaeu::sandbox
