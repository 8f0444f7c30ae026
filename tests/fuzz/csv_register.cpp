// Fuzz target: a whole register as a sync reads it — the CSV codec, and the sniffing reader of
// CSV, JSON and XML registers with its normal form.
#include "codecs/csv_register.hpp"
#include "gateway/registry/record.hpp"
#include "gateway/registry/source.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  const auto bytes = fuzz::Bytes(data, size);
  (void)codec::ParseCsv(bytes, ',');
  auto input = registry::ReadRegister(bytes, registry::SourceFormat::kAuto, fuzz::TheValidator());
  if (!input) return 0;
  for (const auto& record : input->records) {
    if (!record.entry) continue;
    const auto normal = registry::Normalise(*record.entry);
    if (!registry::Differences(normal.json, normal.json).empty()) __builtin_trap();
  }
  return 0;
}
