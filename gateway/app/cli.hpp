#pragma once
// The eaeu-gateway command line. Exit codes: 0 success (documents valid), 1 a document is
// invalid, 2 unusable input or arguments.

#include <filesystem>
#include <iosfwd>

namespace eaeu::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUnusable = 2;

// Where the shipped schemas and configuration are: $EAEU_GATEWAY_HOME, else the build's data dir.
std::filesystem::path DataDir();

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
