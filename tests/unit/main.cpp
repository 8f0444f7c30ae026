#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

int main(int argc, char* argv[]) {
  // The default logger is made here, before any test starts a thread, as the daemon's main makes
  // it before its own: its first use is then never two threads' at once.
  spdlog::default_logger()->set_level(spdlog::level::info);
  return Catch::Session().run(argc, argv);
}
