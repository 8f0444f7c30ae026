#pragma once
// Exponential back-off with jitter, for every retry the gateway makes (deliveries, webhooks,
// handovers).

#include <chrono>
#include <cstdint>

#include "gateway/core/ids.hpp"

namespace eaeu {

struct BackoffPolicy {
  std::chrono::milliseconds initial{2'000};
  std::chrono::milliseconds max{600'000};
};

// The wait before the n-th retry (n from 1): initial * 2^(n-1), at most `max`, then a random part
// of up to a quarter taken off so that retries spread.
std::chrono::milliseconds Backoff(const BackoffPolicy& policy, uint32_t n,
                                  const RandomSource& random);

}  // namespace eaeu
