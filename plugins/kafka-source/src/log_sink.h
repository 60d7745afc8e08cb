// Logging from librdkafka's threads and the plugin's own code to the host.
#pragma once

#include <librdkafka/rdkafka.h>

#include <mutex>
#include <span>
#include <string_view>

#include "eventstreams/host_services.h"
#include "eventstreams/log_every.h"

namespace eventstreams::kafka {

// Thread-safe forwarder to HostServices::log. It is shared with every librdkafka handle
// (their conf opaque points at it) and can be cut off with detach() when the host goes away
// while a handle is still being destroyed in the background: later records are dropped.
class LogSink {
 public:
  explicit LogSink(HostServices* host) noexcept : host_(host) {}

  void log(LogLevel level, std::string_view message,
           std::span<const LogField> fields = {}) noexcept;
  // Same, through a shared limiter (burst of 20 per 10 s, eventstreams/log_every.h): for
  // records that a broker outage repeats once per reader.
  void log_limited(LogLevel level, std::string_view message,
                   std::span<const LogField> fields = {}) noexcept;
  void detach() noexcept;

  // Routes a handle's librdkafka log lines here; sets the conf opaque to this sink.
  void install(rd_kafka_conf_t* conf) noexcept;

 private:
  std::mutex mu_;
  HostServices* host_;
  LogEvery limiter_{20, 10'000};
};

}  // namespace eventstreams::kafka
