// Deadlines for the blocking helpers: every wait is bounded, and waits use poll(2) or
// condition variables, never sleeps.
#pragma once

#include <chrono>

namespace eventstreams::testing {

using Clock = std::chrono::steady_clock;

inline Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  return Clock::now() + timeout;
}

// Milliseconds left until `deadline`, rounded up, for poll(2); 0 once it has passed.
inline int poll_timeout_ms(Clock::time_point deadline) {
  auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

}  // namespace eventstreams::testing
