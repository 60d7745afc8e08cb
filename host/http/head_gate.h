// Keeps new connections off the HTTP pool until their first request head has arrived whole
// (issue 12, slowloris). POCO hands an accepted connection to a pool thread at once, and that
// thread then blocks reading the head for as long as the client takes; 200 connections
// trickling a header byte a second would hold every thread. Here they cost a descriptor and
// their bytes in the kernel's buffer: one epoll thread watches them (edge-triggered, peeking,
// never reading, so the pool's parser later reads the head from the socket as POCO does) and
// passes each on once its buffered bytes hold a blank line (the end of a head), once they reach
// `max_peek` (POCO's parser refuses what is too long), or once the client closed. A connection
// whose head is not in within `bound` of its accept is expired (answered 408 by the overload
// responder). A head already there at accept passes at once, with no thread hop.
//
// Only the first head is gated; later heads of a keep-alive connection are read on the pool,
// bounded by HeadWatchdog. Beyond `max_held` connections (or once stopped), connections pass
// straight on.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http/epoll_wake.h"

namespace eventstreams::http {

class HeadGate {
 public:
  struct Options {
    std::chrono::milliseconds bound{10000};
    std::size_t max_held = 32768;
    std::size_t max_peek = 64 * 1024;
  };
  // Called with a connection the gate lets go of: on the gate's thread, or on the acceptor's
  // when it passes at once.
  using Handoff = std::function<void(const Poco::Net::StreamSocket&)>;

  HeadGate(Options options, Handoff pass, Handoff expire);
  ~HeadGate();
  HeadGate(const HeadGate&) = delete;
  HeadGate& operator=(const HeadGate&) = delete;

  void start();
  // Closes what it still holds; admit() passes everything on from then on.
  void stop();

  // A connection just accepted (acceptor thread).
  void admit(const Poco::Net::StreamSocket& socket);
  // Connections waiting for their head now.
  std::size_t held() const { return held_.load(std::memory_order_relaxed); }

 private:
  // What the buffered bytes of `fd` say, peeked into `buffer`: the head is complete (or there
  // is nothing more to wait for), or not.
  bool head_is_in(int fd, std::vector<char>& buffer) const;
  void run();

  const Options options_;
  const Handoff pass_;
  const Handoff expire_;
  EpollWake poll_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> held_{0};
  std::mutex inbox_mutex_;
  std::vector<Poco::Net::StreamSocket> inbox_;
  std::vector<char> accept_peek_;  // the acceptor thread's (admit)
  std::thread thread_;
};

}  // namespace eventstreams::http
