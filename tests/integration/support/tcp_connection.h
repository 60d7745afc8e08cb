// A blocking-with-deadline TCP connection to 127.0.0.1, used by the HTTP and stream clients.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support/deadline.h"

namespace eventstreams::testing {

enum class ReadResult { kData, kEof, kTimeout, kError };

class TcpConnection {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error on failure or timeout.
  static TcpConnection connect(uint16_t port, Clock::time_point deadline);

  TcpConnection() = default;
  TcpConnection(TcpConnection&& other) noexcept;
  TcpConnection& operator=(TcpConnection&& other) noexcept;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection();

  // Sends all of `data`; throws std::runtime_error on error or timeout.
  void write_all(std::string_view data, Clock::time_point deadline);

  // Appends whatever arrives (at least one byte) to `out`, waiting until `deadline`.
  ReadResult read_some(std::string& out, Clock::time_point deadline);

  // FIN, then close.
  void close_graceful();
  // RST (SO_LINGER 0), then close.
  void close_abortive();

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& last_error() const { return error_; }

 private:
  explicit TcpConnection(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string error_;
};

}  // namespace eventstreams::testing
