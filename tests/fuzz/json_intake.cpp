// Fuzz target: a document as it comes in as JSON — the JSON codec, then the XML it becomes
// through the schema and the rules.
#include "codecs/json_codec.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  const auto bytes = fuzz::Bytes(data, size);
  (void)codec::ReadJson(bytes, fuzz::TheValidator().catalog());
  auto v = fuzz::TheValidator().Validate(bytes, validate::InputFormat::kJson, fuzz::FixedContext());
  if (v.verdict.valid()) {
    // What was taken in writes out and reads back.
    const std::string json = codec::WriteJson(*v.document);
    if (!codec::ReadJson(json, fuzz::TheValidator().catalog())) __builtin_trap();
  }
  return 0;
}
