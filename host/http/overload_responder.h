// Connections POCO would drop because its queue is full get a 503 problem response instead of
// a silent close. POCO 1.11's TCPServerDispatcher closes a connection it cannot queue without
// a word; TCPServer calls a TCPServerConnectionFilter on the acceptor thread just before it
// queues, which is where OverloadFilter hands the connection to the OverloadResponder.
//
// The responder is one epoll thread: it reads the request line (to name the method and URI in
// the problem body, SPEC 4), answers 503 with Retry-After and Connection: close, shuts its
// side down and reads what the client still sends until it closes (closing with unread
// request bytes would send a RST, and a RST can discard the response before the client has
// read it). Every phase is bounded in time, and the number of connections it holds is
// bounded too (at most 4 KiB buffered each): beyond that bound, and only then, a connection
// is closed unanswered (eventstreams_http_overload_dropped_total).
#pragma once

#include <Poco/Net/TCPServer.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "config/app_config.h"
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

  // Takes over a duplicate of `fd` (the caller still closes its own). False when it cannot:
  // stopped, or max_pending connections held already; the connection then goes unanswered.
  bool adopt(int fd);

 private:
  void run();

  const config::AppConfig& config_;
  services::JsonLogger& logger_;
  OverloadOptions options_;
  Counter* answered_;
  Counter* dropped_;

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> pending_{0};
  std::mutex inbox_mutex_;
  std::vector<int> inbox_;
  std::thread thread_;
};

// Lets a connection through while the server's queue has room for it, else hands it to the
// responder. Runs on POCO's acceptor thread, the only one that adds to the queue, so the
// queue cannot fill between the check and POCO's own.
class OverloadFilter final : public Poco::Net::TCPServerConnectionFilter {
 public:
  OverloadFilter(const Poco::Net::TCPServer& server, int max_queued, OverloadResponder& responder)
      : server_(server), max_queued_(max_queued), responder_(responder) {}
  bool accept(const Poco::Net::StreamSocket& socket) override;

 private:
  const Poco::Net::TCPServer& server_;
  const int max_queued_;
  OverloadResponder& responder_;
};

}  // namespace eventstreams::http
