// Fuzz target: a document as it comes in as XML — parse, schema, model, every rule.
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  auto v = fuzz::TheValidator().Validate(fuzz::Bytes(data, size), validate::InputFormat::kXml,
                                         fuzz::FixedContext());
  if (v.verdict.valid() && !v.document) __builtin_trap();  // valid means read
  return 0;
}
