#include "gateway/core/ids.hpp"

#include <random>

namespace eaeu {

RandomSource SystemRandom() {
  return [] {
    thread_local std::random_device device;
    thread_local std::mt19937_64 engine{(static_cast<uint64_t>(device()) << 32) ^ device()};
    return engine();
  };
}

std::string NewUuid(const RandomSource& random) {
  uint64_t hi = random(), lo = random();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
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
