#include "support/tcp_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace eventstreams::testing {

namespace {

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

TcpConnection TcpConnection::connect(uint16_t port, Clock::time_point deadline) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(errno_text("socket"));
  TcpConnection conn(fd);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) {
      throw std::runtime_error(errno_text("connect to 127.0.0.1:" + std::to_string(port)));
    }
    pollfd pfd{fd, POLLOUT, 0};
    int n;
    do {
      n = ::poll(&pfd, 1, poll_timeout_ms(deadline));
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": timed out");
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (n < 0 || err != 0) {
      errno = n < 0 ? errno : err;
      throw std::runtime_error(errno_text("connect to 127.0.0.1:" + std::to_string(port)));
    }
  }
  return conn;
}

TcpConnection::TcpConnection(TcpConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), error_(std::move(other.error_)) {}

TcpConnection& TcpConnection::operator=(TcpConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    error_ = std::move(other.error_);
  }
  return *this;
}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpConnection::write_all(std::string_view data, Clock::time_point deadline) {
  if (fd_ < 0) throw std::runtime_error("write on a closed connection");
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd{fd_, POLLOUT, 0};
      int r = ::poll(&pfd, 1, poll_timeout_ms(deadline));
      if (r == 0) throw std::runtime_error("send: timed out");
      if (r < 0 && errno != EINTR) throw std::runtime_error(errno_text("poll"));
      continue;
    }
    throw std::runtime_error(errno_text("send"));
  }
}

ReadResult TcpConnection::read_some(std::string& out, Clock::time_point deadline) {
  if (fd_ < 0) {
    error_ = "read on a closed connection";
    return ReadResult::kError;
  }
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      return ReadResult::kData;
    }
    if (n == 0) return ReadResult::kEof;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      error_ = errno_text("recv");
      return ReadResult::kError;
    }
    pollfd pfd{fd_, POLLIN, 0};
    int r = ::poll(&pfd, 1, poll_timeout_ms(deadline));
    if (r == 0) return ReadResult::kTimeout;
    if (r < 0 && errno != EINTR) {
      error_ = errno_text("poll");
      return ReadResult::kError;
    }
  }
}

void TcpConnection::close_graceful() {
  if (fd_ < 0) return;
  ::shutdown(fd_, SHUT_WR);
  ::close(fd_);
  fd_ = -1;
}

void TcpConnection::close_abortive() {
  if (fd_ < 0) return;
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace eventstreams::testing
