#pragma once
// Identifiers: UUIDs in lower case (RFC 9562, which obsoletes RFC 4122), from an injectable random
// source and clock.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace eaeu {

// A source of random 64-bit words; the default reads the OS's generator.
using RandomSource = std::function<uint64_t()>;
RandomSource SystemRandom();

// Version 4: random.
std::string NewUuid(const RandomSource& random);
// Version 7: the Unix time in milliseconds in the first 48 bits, random after it. Ids made later
// sort after, to the millisecond: the journal's ids of messages, whose rows and index entries a
// busy journal then writes near one another instead of all over its B-trees.
std::string NewTimeOrderedUuid(std::chrono::system_clock::time_point at,
                               const RandomSource& random);

// True for "xxxxxxxx-xxxx-Mxxx-Nxxx-xxxxxxxxxxxx" in lower-case hex with the RFC 4122 variant
// (N one of 8, 9, a, b) and a version M from 1 to 8.
bool IsRfc4122Uuid(std::string_view text);

}  // namespace eaeu
