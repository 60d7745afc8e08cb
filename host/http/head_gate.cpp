#include "http/head_gate.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace eventstreams::http {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kScanInterval = std::chrono::milliseconds(100);

struct Held {
  Poco::Net::StreamSocket socket;
  Clock::time_point deadline;
};

}  // namespace

HeadGate::HeadGate(Options options, Handoff pass, Handoff expire)
    : options_(options), pass_(std::move(pass)), expire_(std::move(expire)) {}

HeadGate::~HeadGate() {
  stop();
}

void HeadGate::start() {
  poll_.open("head gate");
  thread_ = std::thread([this] { run(); });
}

void HeadGate::stop() {
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    if (stopping_.exchange(true)) return;
  }
  if (thread_.joinable()) {
    poll_.wake();
    thread_.join();
  }
  inbox_.clear();  // the sockets close with their last reference
  poll_.close();
}

bool HeadGate::head_is_in(int fd, std::vector<char>& buffer) const {
  buffer.resize(options_.max_peek);
  ssize_t n;
  do {
    n = ::recv(fd, buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;  // an error: nothing to wait for
  if (n == 0) return true;  // the client closed: the pool sees it at once
  if (static_cast<std::size_t>(n) >= options_.max_peek) return true;  // too long: POCO refuses
  const std::string_view bytes(buffer.data(), static_cast<std::size_t>(n));
  // A head ends at a blank line; POCO's parser also takes bare line feeds.
  return bytes.find("\r\n\r\n") != std::string_view::npos ||
         bytes.find("\n\n") != std::string_view::npos;
}

void HeadGate::admit(const Poco::Net::StreamSocket& socket) {
  const int fd = socket.impl()->sockfd();
  if (stopping_.load() || held_.load() >= options_.max_held || head_is_in(fd, accept_peek_)) {
    return pass_(socket);
  }
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    if (stopping_.load()) return pass_(socket);
    inbox_.push_back(socket);  // a second reference: the socket stays open with the gate
    held_.fetch_add(1);
  }
  poll_.wake();
}

void HeadGate::run() {
  std::unordered_map<int, Held> held;
  std::vector<char> peek;
  // Out of the gate: no longer watched, no longer counted.
  const auto release = [&](std::unordered_map<int, Held>::iterator it, const Handoff& to) {
    const Poco::Net::StreamSocket socket = it->second.socket;
    epoll_ctl(poll_.epoll_fd(), EPOLL_CTL_DEL, it->first, nullptr);
    held.erase(it);
    held_.fetch_sub(1);
    try {
      to(socket);
    } catch (...) {  // the connection is lost (closed with its socket); the gate goes on
    }
  };
  epoll_event events[256];
  auto next_scan = Clock::now() + kScanInterval;
  while (!stopping_.load()) {
    const int n = epoll_wait(poll_.epoll_fd(), events, 256, static_cast<int>(kScanInterval.count()));
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == poll_.wake_fd()) {
        poll_.drain();
        std::vector<Poco::Net::StreamSocket> fresh;
        {
          std::lock_guard<std::mutex> lock(inbox_mutex_);
          fresh.swap(inbox_);
        }
        const auto deadline = Clock::now() + options_.bound;
        for (auto& socket : fresh) {
          const int sfd = socket.impl()->sockfd();
          auto it = held.emplace(sfd, Held{socket, deadline}).first;
          epoll_event ev{};
          // Edge-triggered: the bytes stay unread, so level-triggered would wake at once again.
          ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
          ev.data.fd = sfd;
          if (epoll_ctl(poll_.epoll_fd(), EPOLL_CTL_ADD, sfd, &ev) != 0) {
            release(it, pass_);  // cannot watch it: let the pool read it as before
          } else if (head_is_in(sfd, peek)) {
            release(it, pass_);  // it came between admit() and now
          }
        }
        continue;
      }
      auto it = held.find(fd);
      if (it == held.end()) continue;
      // The client sent all it will (its bytes stay buffered, so a peek would not say so), or
      // the head is in: either way the pool reads it from here.
      const bool ended = (events[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
      if (ended || head_is_in(fd, peek)) release(it, pass_);
    }
    const auto now = Clock::now();
    if (now < next_scan) continue;
    next_scan = now + kScanInterval;
    for (auto it = held.begin(); it != held.end();) {
      auto current = it++;
      if (current->second.deadline <= now) release(current, expire_);
    }
  }
  held_.fetch_sub(held.size());
  held.clear();
}

}  // namespace eventstreams::http
