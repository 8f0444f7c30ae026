#include <iostream>

#include "gateway/app/cli.hpp"

int main(int argc, char** argv) {
  return eaeu::app::RunCli(argc, argv, std::cout, std::cerr);
}
