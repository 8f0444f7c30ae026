#include "gateway/core/backoff.hpp"

#include <algorithm>

namespace eaeu {

std::chrono::milliseconds Backoff(const BackoffPolicy& policy, uint32_t n,
                                  const RandomSource& random) {
  std::chrono::milliseconds wait = policy.initial;
  for (uint32_t i = 1; i < n && wait < policy.max; ++i) wait *= 2;
  wait = std::min(wait, policy.max);
  const auto spread = wait.count() / 4;
  if (spread > 0) {
    wait -=
        std::chrono::milliseconds(static_cast<int64_t>(random() % static_cast<uint64_t>(spread)));
  }
  return wait;
}

}  // namespace eaeu
