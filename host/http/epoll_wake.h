// An epoll set with an eventfd in it that other threads write to wake its thread: what the
// threads of HeadGate and OverloadResponder wait on.
#pragma once

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace eventstreams::http {

class EpollWake {
 public:
  EpollWake() = default;
  ~EpollWake() { close(); }
  EpollWake(const EpollWake&) = delete;
  EpollWake& operator=(const EpollWake&) = delete;

  // Throws std::runtime_error naming `who` when the kernel refuses.
  void open(const std::string& who) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    if (epoll_fd_ < 0 || wake_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
      close();
      throw std::runtime_error(who + ": epoll/eventfd");
    }
  }
  void close() noexcept {
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    wake_fd_ = epoll_fd_ = -1;
  }
  // Any thread.
  void wake() const noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
  // The waiting thread, when epoll named wake_fd().
  void drain() const noexcept {
    std::uint64_t v;
    [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &v, sizeof v);
  }
  int epoll_fd() const noexcept { return epoll_fd_; }
  int wake_fd() const noexcept { return wake_fd_; }

 private:
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
};

}  // namespace eventstreams::http
