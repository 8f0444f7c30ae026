#include "gateway/core/ids.hpp"

#include <algorithm>
#include <random>

namespace eaeu {

RandomSource SystemRandom() {
  return [] {
    thread_local std::random_device device;
    thread_local std::mt19937_64 engine{(static_cast<uint64_t>(device()) << 32) ^ device()};
    return engine();
  };
}

namespace {

// The 128 bits in the 8-4-4-4-12 form; `hi` carries the version, `lo` gets the variant.
std::string UuidText(uint64_t hi, uint64_t lo) {
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // the RFC 9562 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  auto put = [&](uint64_t word, int from_nibble, int count) {
    for (int i = 0; i < count; ++i) out += kHex[(word >> ((from_nibble - i) * 4)) & 0xF];
  };
  put(hi, 15, 8);
  out += '-';
  put(hi, 7, 4);
  out += '-';
  put(hi, 3, 4);
  out += '-';
  put(lo, 15, 4);
  out += '-';
  put(lo, 11, 12);
  return out;
}

}  // namespace

std::string NewUuid(const RandomSource& random) {
  const uint64_t hi = random();
  return UuidText((hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull, random());
}

std::string NewTimeOrderedUuid(std::chrono::system_clock::time_point at,
                               const RandomSource& random) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  const uint64_t unix_ms = static_cast<uint64_t>(std::max<int64_t>(ms.count(), 0));
  const uint64_t hi =
      ((unix_ms & 0xFFFFFFFFFFFFull) << 16) | 0x7000ull | (random() & 0x0FFFull);  // version 7
  return UuidText(hi, random());
}

bool IsRfc4122Uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  const char version = t[14];
  const char variant = t[19];
  return version >= '1' && version <= '8' &&
         (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

}  // namespace eaeu
