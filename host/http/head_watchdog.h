// A bound on how long a request head may take to arrive (issue 12, slowloris): a client that
// sends its head a byte at a time would otherwise hold a POCO pool thread for as long as it
// likes, since POCO's timeout is per read, not per head. Connections register while they wait
// for a head; one thread looks at them every 100 ms and shuts the receive side of those past
// their deadline, which ends POCO's blocked read (HttpConnection then answers 408).
//
// A connection's first head is awaited off the pool (head_gate.h); this bounds the heads read
// on a pool thread: the later requests of a keep-alive connection, and a head the gate passed
// on before it was whole (past its peek limit).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace eventstreams::http {

class HeadWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit HeadWatchdog(std::chrono::milliseconds bound);
  ~HeadWatchdog();
  HeadWatchdog(const HeadWatchdog&) = delete;
  HeadWatchdog& operator=(const HeadWatchdog&) = delete;

  // `fd` starts waiting for a head; returns a ticket for finish().
  std::uint64_t start(int fd);
  // The head came (or the wait ended otherwise). True when the watchdog had cut it off.
  bool finish(std::uint64_t ticket);

 private:
  struct Wait {
    int fd;
    Clock::time_point deadline;
    bool expired = false;
  };
  void run();

  const std::chrono::milliseconds bound_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, Wait> waits_;
  std::thread thread_;
};

}  // namespace eventstreams::http
