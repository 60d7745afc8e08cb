#include "http/overload_responder.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/problem.h"
#include "http/response_headers.h"

namespace eventstreams::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxHead = 4096;  // read no more of the request line than this
constexpr auto kScanInterval = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(10);

enum class Phase { kReading, kWriting, kLingering };

struct Conn {
  Phase phase = Phase::kReading;
  OverloadResponder::Refusal refusal = OverloadResponder::Refusal::kOverloaded;
  std::string in;   // the request line so far
  std::string out;  // response bytes not sent yet
  Clock::time_point deadline;
};

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '+' ||
         c == '#' || c == '$' || c == '%' || c == '&' || c == '^' || c == '`' || c == '|';
}

// Method and request target from "METHOD TARGET HTTP/x.y"; empty when the line is incomplete
// or not a request line.
void parse_request_line(const std::string& head, std::string& method, std::string& uri) {
  const std::size_t eol = head.find('\n');
  if (eol == std::string::npos) return;
  std::string_view line(head.data(), eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return;
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return;
  const std::string_view m = line.substr(0, sp1);
  for (char c : m) {
    if (!is_token_char(c)) return;
  }
  method.assign(m);
  uri.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));
}

Problem problem_of(const config::AppConfig& config, OverloadResponder::Refusal refusal) {
  if (refusal == OverloadResponder::Refusal::kHeadTimeout) {
    return {408, "request_timeout", "Request Timeout",
            "The request head did not arrive within " +
                std::to_string(config.request_head_timeout_ms) + " ms",
            0};
  }
  return {503, "service_unavailable", "Service Unavailable",
          "The server has too many connections waiting for a request thread", 5};
}

std::string response_for(const config::AppConfig& config, const std::string& head,
                         const Problem& p) {
  std::string method, uri;
  parse_request_line(head, method, uri);
  const std::string body = problem_json(p, method, uri);
  std::string out = "HTTP/1.1 " + std::to_string(p.status) + " " + p.title + "\r\n";
  out += common_header_lines(config);
  out += "Content-Type: application/json; charset=utf-8\r\n";
  if (p.retry_after_s > 0) out += "Retry-After: " + std::to_string(p.retry_after_s) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  if (method != "HEAD") out += body;
  return out;
}

}  // namespace

OverloadResponder::OverloadResponder(const config::AppConfig& config, services::JsonLogger& logger,
                                     services::MetricsRegistry& metrics, OverloadOptions options)
    : config_(config),
      logger_(logger),
      options_(options),
      metrics_(metrics),
      answered_(
          metrics.counter("eventstreams_http_overload_responses_total",
                          "Connections answered 503 at once because the HTTP queue was full")),
      dropped_(metrics.counter("eventstreams_http_overload_dropped_total",
                               "Connections closed unanswered: the HTTP queue and the overload "
                               "responder were both full")) {}

OverloadResponder::~OverloadResponder() {
  stop();
}

void OverloadResponder::start() {
  poll_.open("overload responder");
  thread_ = std::thread([this] { run(); });
}

void OverloadResponder::stop() {
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    if (stopping_.exchange(true)) return;
  }
  if (thread_.joinable()) {
    poll_.wake();
    thread_.join();
  }
  for (const auto& entry : inbox_) ::close(entry.first);
  inbox_.clear();
  poll_.close();
}

bool OverloadResponder::adopt(int fd, Refusal refusal) {
  if (pending_.fetch_add(1) >= options_.max_pending) {
    pending_.fetch_sub(1);
    dropped_->add();
    return false;
  }
  const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) {
    pending_.fetch_sub(1);
    dropped_->add();
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    if (stopping_.load()) {
      ::close(own);
      pending_.fetch_sub(1);
      return false;
    }
    inbox_.emplace_back(own, refusal);
  }
  poll_.wake();
  return true;
}

void OverloadResponder::run() {
  std::unordered_map<int, Conn> conns;
  std::uint64_t answered_since_log = 0, answered_before = answered_->value();
  Clock::time_point last_log{}, next_scan = Clock::now() + kScanInterval;

  auto close_conn = [&](int fd) {
    ::close(fd);  // also leaves the epoll set
    conns.erase(fd);
    pending_.fetch_sub(1);
  };
  auto watch = [&](int fd, std::uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(poll_.epoll_fd(), EPOLL_CTL_MOD, fd, &ev);
  };
  // Sends what is left; then half-closes and waits for the client's close. False: closed.
  auto flush = [&](int fd, Conn& c) {
    while (!c.out.empty()) {
      const ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        c.out.erase(0, static_cast<std::size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (c.phase != Phase::kWriting) watch(fd, EPOLLOUT);
        c.phase = Phase::kWriting;
        return true;
      } else {
        close_conn(fd);
        return false;
      }
    }
    if (c.refusal == Refusal::kOverloaded) answered_->add();
    ::shutdown(fd, SHUT_WR);
    if (c.phase == Phase::kWriting) watch(fd, EPOLLIN | EPOLLRDHUP);
    c.phase = Phase::kLingering;
    c.deadline = Clock::now() + std::chrono::milliseconds(options_.linger_timeout_ms);
    return true;
  };
  auto respond = [&](int fd, Conn& c) {
    const Problem p = problem_of(config_, c.refusal);
    services::count_error(metrics_, p.type);
    c.out = response_for(config_, c.in, p);
    c.in = std::string();
    return flush(fd, c);
  };
  // Reads what is there; answers once the request line is in (or the client stopped sending).
  auto on_readable = [&](int fd, Conn& c) {
    char buf[4096];
    while (true) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (c.phase == Phase::kLingering) {
        if (n <= 0) {
          close_conn(fd);  // the client's close (or an error): done
          return;
        }
        continue;  // discard the rest of the request
      }
      if (n <= 0) {
        // End of the client's data: answer a request it sent, else nobody is listening.
        if (n == 0 && !c.in.empty()) {
          respond(fd, c);
        } else {
          close_conn(fd);
        }
        return;
      }
      c.in.append(buf, static_cast<std::size_t>(n));
      if (c.in.find('\n') != std::string::npos || c.in.size() >= kMaxHead) {
        if (!respond(fd, c)) return;
        if (c.phase != Phase::kLingering) return;
      }
    }
  };

  epoll_event events[256];
  while (!stopping_.load()) {
    const int n = epoll_wait(poll_.epoll_fd(), events, 256, static_cast<int>(kScanInterval.count()));
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == poll_.wake_fd()) {
        poll_.drain();
        std::vector<std::pair<int, Refusal>> fresh;
        {
          std::lock_guard<std::mutex> lock(inbox_mutex_);
          fresh.swap(inbox_);
        }
        const auto deadline = Clock::now() + std::chrono::milliseconds(options_.read_timeout_ms);
        for (const auto& [nfd, refusal] : fresh) {
          Conn& c = conns[nfd];
          c.refusal = refusal;
          c.deadline = deadline;
          epoll_event ev{};
          ev.events = EPOLLIN | EPOLLRDHUP;
          ev.data.fd = nfd;
          if (epoll_ctl(poll_.epoll_fd(), EPOLL_CTL_ADD, nfd, &ev) != 0) close_conn(nfd);
        }
        continue;
      }
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Conn& c = it->second;
      if (c.phase == Phase::kWriting) {
        if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) flush(fd, c);
      } else {
        on_readable(fd, c);
      }
    }

    const auto now = Clock::now();
    if (now < next_scan) continue;
    next_scan = now + kScanInterval;
    std::vector<int> expired;
    for (auto& [fd, c] : conns) {
      if (c.deadline <= now) expired.push_back(fd);
    }
    for (int fd : expired) {
      Conn& c = conns[fd];
      if (c.phase == Phase::kReading) {
        // No complete request line in time: answer with what came.
        respond(fd, c);
      } else {
        close_conn(fd);
      }
    }
    const std::uint64_t answered = answered_->value();
    answered_since_log += answered - answered_before;
    answered_before = answered;
    if (answered_since_log > 0 && now - last_log >= kLogInterval) {
      logger_.log(LogLevel::kWarn, "HTTP queue full: connections answered 503",
                  "{\"answered\":" + std::to_string(answered_since_log) +
                      ",\"http_max_queued\":" + std::to_string(config_.http_max_queued) +
                      ",\"http_threads\":" + std::to_string(config_.http_threads) + "}");
      answered_since_log = 0;
      last_log = now;
    }
  }
  for (auto& [fd, c] : conns) ::close(fd);
  pending_.fetch_sub(conns.size());
  conns.clear();
}

}  // namespace eventstreams::http
