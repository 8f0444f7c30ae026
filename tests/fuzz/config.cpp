// Fuzz target: the daemon's configuration file, read and checked (every problem named, never a
// crash), written to a file of its own first as the daemon reads one.
#include <unistd.h>

#include <fstream>

#include "gateway/config/daemon_config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  static const std::filesystem::path file = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "eaeu-fuzz-config-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp");
    return std::filesystem::path(dir) / "gateway.toml";
  }();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  (void)config::LoadDaemonConfig(file);
  return 0;
}
