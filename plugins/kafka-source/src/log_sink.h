// Logging from librdkafka's threads and the plugin's own code to the host.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "eventstreams/host_services.h"

namespace eventstreams::kafka {

// Lets at most `burst` records through per `window`, counting the rest.
class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  LogLimiter(std::size_t burst, std::chrono::milliseconds window) noexcept
      : burst_(burst), window_(window) {}
  // True when a record may be written at `now`; then `suppressed` is how many were dropped
  // since the previous one that went through.
  bool allow(Clock::time_point now, std::uint64_t& suppressed) noexcept;

 private:
  std::size_t burst_;
  std::chrono::milliseconds window_;
  Clock::time_point window_start_{};
  std::size_t in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

// Thread-safe forwarder to HostServices::log. It is shared with every librdkafka handle
// (their conf opaque points at it) and can be cut off with detach() when the host goes away
// while a handle is still being destroyed in the background: later records are dropped.
class LogSink {
 public:
  explicit LogSink(HostServices* host) noexcept : host_(host) {}

  void log(LogLevel level, std::string_view message, std::string_view fields_json = {}) noexcept;
  // Same, through a shared limiter (burst of 20 per 10 s): for records that a broker outage
  // repeats once per reader.
  void log_limited(LogLevel level, std::string_view message,
                   std::string_view fields_json = {}) noexcept;
  void detach() noexcept;

  // Routes a handle's librdkafka log lines here; sets the conf opaque to this sink.
  void install(rd_kafka_conf_t* conf) noexcept;

 private:
  std::mutex mu_;
  HostServices* host_;
  LogLimiter limiter_{20, std::chrono::seconds(10)};
};

}  // namespace eventstreams::kafka
