// The client end of a socket pair whose other end the engine or a hub writes to: reads what
// arrives until a needle shows up or the peer closes.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace eventstreams::streaming::testing_support {

using namespace std::chrono_literals;

// The client side of a socket pair.
class Client {
 public:
  explicit Client(int fd) : fd_(fd) {}
  ~Client() { close_now(); }
  void close_now() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Reads until `received` contains `needle` or the deadline passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received.find(needle) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    return true;
  }
  // Reads until the peer closes.
  bool wait_eof(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof) {
      if (!read_some(deadline)) return eof;
    }
    return true;
  }
  std::string received;
  bool eof = false;

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
      eof = true;
      return false;
    }
    received.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
};

}  // namespace eventstreams::streaming::testing_support
