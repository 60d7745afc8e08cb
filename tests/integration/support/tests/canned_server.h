// A one-connection TCP server on 127.0.0.1 that answers with canned bytes, for testing the
// clients' parsers against exact wire input.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace eventstreams::testing {

class CannedServer {
 public:
  // Serves one connection: reads the request head, then writes each piece in its own send()
  // call, then closes (or, with hold_open, waits for the client to close first).
  explicit CannedServer(std::vector<std::string> pieces, bool hold_open = false) {
    lfd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(lfd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(lfd_, 4) != 0 ||
        ::getsockname(lfd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("canned server: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, pieces = std::move(pieces), hold_open]() mutable {
      int c = ::accept4(lfd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      request_.set_value(req);
      for (const auto& p : pieces) {
        if (::send(c, p.data(), p.size(), MSG_NOSIGNAL) < 0) break;
      }
      if (hold_open) {
        while (::read(c, buf, sizeof buf) > 0) {
        }
      }
      ::close(c);
    });
  }
  ~CannedServer() {
    ::shutdown(lfd_, SHUT_RDWR);  // unblocks accept if nobody connected
    thread_.join();
    ::close(lfd_);
  }
  uint16_t port() const { return port_; }
  // The request head the client sent.
  std::string request() { return request_future_.get(); }

 private:
  int lfd_ = -1;
  uint16_t port_ = 0;
  std::promise<std::string> request_;
  std::future<std::string> request_future_ = request_.get_future();
  std::thread thread_;
};

}  // namespace eventstreams::testing
