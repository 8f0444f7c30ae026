// Fuzz target: what a peer sends to the inbound endpoint or answers a send with — the SOAP 1.2
// envelope, its headers, signals and faults.
#include "gateway/envelope/reader.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  static xml::SecureParser parser(fuzz::TheValidator().grammar_pool(), xml::ParserLimits{});
  (void)envelope::Read(fuzz::Bytes(data, size), parser);
  return 0;
}
