#pragma once
// Identifiers: RFC 4122 version-4 UUIDs in lower case, from an injectable random source.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace eaeu {

// A source of random 64-bit words; the default reads the OS's generator.
using RandomSource = std::function<uint64_t()>;
RandomSource SystemRandom();

std::string NewUuid(const RandomSource& random);

// True for "xxxxxxxx-xxxx-Mxxx-Nxxx-xxxxxxxxxxxx" in lower-case hex with the RFC 4122 variant
// (N one of 8, 9, a, b) and a version M from 1 to 8.
bool IsRfc4122Uuid(std::string_view text);

}  // namespace eaeu
