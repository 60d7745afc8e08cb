#include "http/head_watchdog.h"

#include <sys/socket.h>

namespace eventstreams::http {

HeadWatchdog::HeadWatchdog(std::chrono::milliseconds bound)
    : bound_(bound), thread_([this] { run(); }) {}

HeadWatchdog::~HeadWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t HeadWatchdog::start(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t ticket = next_ticket_++;
  waits_.emplace(ticket, Wait{fd, Clock::now() + bound_});
  return ticket;
}

bool HeadWatchdog::finish(std::uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = waits_.find(ticket);
  if (it == waits_.end()) return false;
  const bool expired = it->second.expired;
  waits_.erase(it);
  return expired;
}

void HeadWatchdog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(100));
    const auto now = Clock::now();
    for (auto& [ticket, wait] : waits_) {
      if (wait.expired || wait.deadline > now) continue;
      wait.expired = true;
      // Under the lock: the connection cannot finish() and close the descriptor meanwhile.
      ::shutdown(wait.fd, SHUT_RD);
    }
  }
}

}  // namespace eventstreams::http
