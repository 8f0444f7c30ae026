#pragma once
// The eaeu-gateway command line. Exit codes: 0 success (documents valid), 1 a document is
// invalid, 2 unusable input or arguments.

#include <iosfwd>

namespace eaeu::app {

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace eaeu::app
