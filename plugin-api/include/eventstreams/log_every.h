// LogEvery: rate-limited logging for records that can repeat without bound (one per bad event,
// one per reader during a broker outage). At most `burst` records go through per window of
// `window_ms`; the rest are counted, and the next record that goes through says how many were
// held back, as the field "suppressed". Counting what happened (metrics) is never limited,
// only the lines.
//
// Thread-safe (one small mutex; the lines it guards are rare). Time comes from the caller, so
// tests drive it with a fake clock: log() reads HostServices::now_ms().
//
//   LogEvery limiter{20, 10'000};  // 20 lines per 10 s
//   const LogField fields[] = {{"topic", topic}};
//   limiter.log(*host, LogLevel::kWarn, "could not read a message", fields);
//
// Header-only and standard library only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "eventstreams/host_services.h"

namespace eventstreams {

class LogEvery {
 public:
  // `burst` records per `window_ms` milliseconds; a window starts with the first record
  // after the previous one ended.
  constexpr LogEvery(std::uint64_t burst, std::int64_t window_ms) noexcept
      : burst_(burst), window_ms_(window_ms) {}
  LogEvery(const LogEvery&) = delete;
  LogEvery& operator=(const LogEvery&) = delete;

  // Whether a record may be written at `now_ms`; if so, `suppressed` is how many were held
  // back since the previous one that went through.
  bool admit(std::int64_t now_ms, std::uint64_t& suppressed) noexcept {
    std::lock_guard lock(mu_);
    if (in_window_ == 0 || now_ms - window_start_ms_ >= window_ms_ || now_ms < window_start_ms_) {
      window_start_ms_ = now_ms;
      in_window_ = 0;
    }
    if (in_window_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++in_window_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }

  // Logs through `host` (at its now_ms()) when admitted, adding {"suppressed": n} after
  // `fields` when records were held back. Returns whether the record was logged.
  bool log(HostServices& host, LogLevel level, std::string_view message,
           std::span<const LogField> fields = {}) noexcept {
    std::uint64_t suppressed = 0;
    if (!admit(host.now_ms(), suppressed)) return false;
    if (suppressed == 0) {
      host.log_fields(level, message, fields);
      return true;
    }
    try {
      std::vector<LogField> with_count(fields.begin(), fields.end());
      with_count.emplace_back("suppressed", suppressed);
      host.log_fields(level, message, with_count);
    } catch (...) {
      host.log_fields(level, message, fields);  // no memory for the count: the line without it
    }
    return true;
  }

 private:
  const std::uint64_t burst_;
  const std::int64_t window_ms_;
  std::mutex mu_;
  std::int64_t window_start_ms_ = 0;
  std::uint64_t in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace eventstreams
