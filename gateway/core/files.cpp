#include "gateway/core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eaeu {
namespace {

Error SystemError(const std::string& code, const std::filesystem::path& path, int err) {
  return MakeError(code, path.string(), std::strerror(err));
}

}  // namespace

Result<std::string> ReadFileLimited(const std::filesystem::path& path, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SystemError("file.open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return SystemError("file.stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeError("file.type", path.string(), "not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return MakeError("file.limit", path.string(),
                     "the file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                         std::to_string(max_bytes));
  }
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return SystemError("file.read", path, err);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view data,
                           FileMode mode) {
  return WriteFileAtomically(path, std::span<const std::string_view>(&data, 1), mode);
}

Status WriteFileAtomically(const std::filesystem::path& path,
                           std::span<const std::string_view> pieces, FileMode mode) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const mode_t bits = mode == FileMode::kPrivate ? 0600 : 0644;
  ::unlink(tmp.c_str());  // a stale temporary may have other permissions
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, bits);
  if (fd < 0) return SystemError("file.open", tmp, errno);
  for (const std::string_view data : pieces) {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return SystemError("file.write", tmp, err);
      }
      done += static_cast<size_t>(n);
    }
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return SystemError("file.fsync", tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return SystemError("file.rename", path, errno);
  return Ok{};
}

}  // namespace eaeu
