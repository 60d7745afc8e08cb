// Connections POCO would drop because its queue is full get a 503 problem response instead of
// a silent close; connections whose first head did not arrive in time (head_gate.h) get a 408
// the same way. POCO 1.11's TCPServerDispatcher closes a connection it cannot queue without
// a word, so HttpServer checks its queue before it queues and hands the connection here when
// it is full.
//
// The responder is one epoll thread: it reads the request line (to name the method and URI in
// the problem body, SPEC 4), answers 503 with Retry-After and Connection: close, shuts its
// side down and reads what the client still sends until it closes (closing with unread
// request bytes would send a RST, and a RST can discard the response before the client has
// read it). Every phase is bounded in time, and the number of connections it holds is
// bounded too (at most 4 KiB buffered each): beyond that bound, and only then, a connection
// is closed unanswered (eventstreams_http_overload_dropped_total).
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "config/app_config.h"
#include "http/epoll_wake.h"
#include "services/json_logger.h"
#include "services/metrics_registry.h"

namespace eventstreams::http {

struct OverloadOptions {
  std::size_t max_pending = 32768;  // connections held at once (reading, answering, closing)
  int read_timeout_ms = 2000;       // for the request line
  int linger_timeout_ms = 2000;     // after the response, for the client's close
};

class OverloadResponder {
 public:
  OverloadResponder(const config::AppConfig& config, services::JsonLogger& logger,
                    services::MetricsRegistry& metrics, OverloadOptions options = {});
  ~OverloadResponder();
  OverloadResponder(const OverloadResponder&) = delete;
  OverloadResponder& operator=(const OverloadResponder&) = delete;

  void start();
  // Closes whatever it still holds; adopt() refuses from then on.
  void stop();

  // What a connection is answered.
  enum class Refusal { kOverloaded, kHeadTimeout };

  // Takes over a duplicate of `fd` (the caller still closes its own). False when it cannot:
  // stopped, or max_pending connections held already; the connection then goes unanswered.
  bool adopt(int fd, Refusal refusal = Refusal::kOverloaded);

 private:
  void run();

  const config::AppConfig& config_;
  services::JsonLogger& logger_;
  OverloadOptions options_;
  services::MetricsRegistry& metrics_;
  Counter* answered_;
  Counter* dropped_;

  EpollWake poll_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> pending_{0};
  std::mutex inbox_mutex_;
  std::vector<std::pair<int, Refusal>> inbox_;
  std::thread thread_;
};

}  // namespace eventstreams::http
