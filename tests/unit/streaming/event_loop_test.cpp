// The event loop: posted work runs in order, and a burst of it leaves the I/O its turns;
// errors (a failed epoll_ctl, a task that throws) are returned and counted, and the loop goes
// on.
#include "streaming/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "services/metrics_registry.h"

namespace eventstreams::streaming {
namespace {

using namespace std::chrono_literals;

// Counts its wake-ups and records how many posted tasks had run by each.
class Readable final : public IoWatcher {
 public:
  explicit Readable(const int& tasks_run) : tasks_run_(tasks_run) {}
  void on_io(std::uint32_t) override { seen_at.push_back(tasks_run_); }
  std::vector<int> seen_at;

 private:
  const int& tasks_run_;
};

TEST(EventLoop, ABurstOfPostedWorkRunsInOrderAndLetsIoIn) {
  EventLoop loop;
  loop.start();
  int tasks_run = 0;
  std::vector<int> order;
  Readable watcher(tasks_run);
  const int fd = eventfd(1, EFD_NONBLOCK);  // readable from the start, level-triggered
  std::promise<void> watching;
  loop.post([&] {
    loop.watch(fd, EPOLLIN, &watcher);
    watching.set_value();
  });
  watching.get_future().wait();
  // 40 tasks of 1 ms each, posted at once: ~40 ms of work.
  constexpr int kTasks = 40;
  std::promise<void> done;
  for (int i = 0; i < kTasks; ++i) {
    loop.post([&, i] {
      std::this_thread::sleep_for(1ms);
      order.push_back(i);
      ++tasks_run;
      if (i == kTasks - 1) done.set_value();
    });
  }
  done.get_future().wait();
  std::promise<void> unwatched;
  loop.post([&] {
    loop.unwatch(fd);
    unwatched.set_value();
  });
  unwatched.get_future().wait();
  loop.stop({});
  close(fd);

  ASSERT_EQ(order.size(), static_cast<std::size_t>(kTasks));
  for (int i = 0; i < kTasks; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  // The ready fd was served between the tasks, not only before or after all of them.
  bool between = false;
  for (int at : watcher.seen_at) between = between || (at > 0 && at < kTasks);
  EXPECT_TRUE(between) << "I/O waited for the whole burst";
}

// Runs `f` on the loop thread and waits for it.
template <typename F>
void on_loop(EventLoop& loop, F f) {
  std::promise<void> done;
  loop.post([&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

std::int64_t loop_errors(const services::MetricsRegistry& metrics, const char* op) {
  return metrics.value("eventstreams_event_loop_errors_total", std::string("op=\"") + op + "\"");
}

class Counting final : public IoWatcher {
 public:
  void on_io(std::uint32_t) override { ++calls; }
  std::atomic<int> calls{0};
};

TEST(EventLoop, FailedEpollCallsAreReturnedCountedAndTheLoopGoesOn) {
  services::MetricsRegistry metrics;
  EventLoop loop(&metrics);
  loop.start();
  Counting watcher;
  char file_name[] = "/tmp/event_loop_test_XXXXXX";
  const int file = mkstemp(file_name);
  ASSERT_GE(file, 0);
  ::unlink(file_name);
  const int fd = eventfd(0, EFD_NONBLOCK);
  const int closed = eventfd(0, 0);  // last opened, so no other fd takes its number
  ::close(closed);
  std::error_code closed_watch, file_watch, twice, rewatch_unwatched, unwatch_unwatched, ok;
  on_loop(loop, [&] {
    closed_watch = loop.watch(closed, EPOLLIN, &watcher);
    file_watch = loop.watch(file, EPOLLIN, &watcher);  // regular files cannot be polled
    ok = loop.watch(fd, EPOLLIN, &watcher);
    twice = loop.watch(fd, EPOLLIN, &watcher);
    rewatch_unwatched = loop.rewatch(file, EPOLLIN, &watcher);
    unwatch_unwatched = loop.unwatch(file);  // what closing a client whose watch failed does
  });
  EXPECT_EQ(closed_watch, std::errc::bad_file_descriptor);
  EXPECT_EQ(file_watch, std::errc::operation_not_permitted);
  EXPECT_FALSE(ok) << ok.message();
  EXPECT_EQ(twice, std::errc::file_exists);
  EXPECT_EQ(rewatch_unwatched, std::errc::operation_not_permitted);
  EXPECT_EQ(unwatch_unwatched, std::errc::operation_not_permitted);
  EXPECT_EQ(loop_errors(metrics, "watch"), 3);
  EXPECT_EQ(loop_errors(metrics, "rewatch"), 1);
  EXPECT_EQ(loop_errors(metrics, "unwatch"), 1);
  EXPECT_EQ(loop.errors(), 5u);

  // The loop still serves the fd that was watched.
  const std::uint64_t one = 1;
  ASSERT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  std::error_code unwatched;
  while (watcher.calls == 0) std::this_thread::yield();
  on_loop(loop, [&] { unwatched = loop.unwatch(fd); });
  EXPECT_FALSE(unwatched) << unwatched.message();
  loop.stop({});
  ::close(fd);
  ::close(file);
}

TEST(EventLoop, UnwatchOfAnFdNeverWatchedIsNotCountedTwice) {
  services::MetricsRegistry metrics;
  EventLoop loop(&metrics);
  const int fd = eventfd(0, 0);
  // Not started: the constructing thread is the loop's only user.
  EXPECT_EQ(loop.unwatch(fd), std::errc::no_such_file_or_directory);
  EXPECT_EQ(loop_errors(metrics, "unwatch"), 0);
  EXPECT_EQ(loop.errors(), 0u);
  ::close(fd);
}

class Throwing final : public IoWatcher {
 public:
  void on_io(std::uint32_t) override {
    ++calls;
    throw std::runtime_error("on_io failed");
  }
  std::atomic<int> calls{0};
};

TEST(EventLoop, ExceptionsInTasksCallbacksAndTimersAreCountedAndTheLoopGoesOn) {
  services::MetricsRegistry metrics;
  EventLoop loop(&metrics);
  loop.start();
  loop.post([] { throw std::runtime_error("posted task failed"); });
  loop.post([] { throw 42; });  // not a std::exception
  Throwing throwing;
  const int fd = eventfd(1, EFD_NONBLOCK);  // readable: on_io runs (and throws) every iteration
  std::atomic<int> ticks{0};
  on_loop(loop, [&] {
    EXPECT_FALSE(loop.watch(fd, EPOLLIN, &throwing));
    loop.defer([] { throw std::runtime_error("deferred task failed"); });
    loop.every(1, [&](std::int64_t) {
      ++ticks;
      throw std::runtime_error("tick failed");
    });
  });
  while (throwing.calls < 3 || ticks < 3) std::this_thread::yield();
  bool ran = false;
  on_loop(loop, [&] {
    ran = true;
    loop.unwatch(fd);
  });
  loop.stop({});
  ::close(fd);
  EXPECT_TRUE(ran);
  const std::int64_t expected = 2 + 1 + throwing.calls + ticks;
  EXPECT_EQ(loop_errors(metrics, "task"), expected);
  EXPECT_EQ(loop.errors(), static_cast<std::uint64_t>(expected));
}

TEST(EventLoop, StopsWhenItsOnStopThrows) {
  services::MetricsRegistry metrics;
  EventLoop loop(&metrics);
  loop.start();
  loop.stop([] { throw std::runtime_error("on_stop failed"); });  // returns: the thread ended
  EXPECT_EQ(loop_errors(metrics, "task"), 1);
}

// In a child process: at a low RLIMIT_NOFILE (as `ulimit -n` would set it), with every
// descriptor but one taken, constructs a loop. Exits 0 when it threw a system_error naming
// EMFILE and gave back the descriptor it got.
//
// Without UBSan's vptr check (asan preset): it reads a vtable through a pipe it cannot open
// here, and reports every member call on a polymorphic object as "invalid vptr". The calls
// inlined from <system_error> into the loop's constructor are exempt likewise
// (cmake/sanitizers/ubsan_ignorelist.txt).
[[noreturn]] __attribute__((no_sanitize("vptr"))) void construct_without_descriptors() {
  const rlimit limit{64, 64};
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(2);
  std::vector<int> fds;
  for (int fd; (fd = eventfd(0, 0)) >= 0;) fds.push_back(fd);
  if (errno != EMFILE || fds.empty()) _exit(3);
  ::close(fds.back());  // room for the epoll fd, none for the wake-up fd
  try {
    EventLoop loop;
    _exit(4);
  } catch (const std::system_error& e) {
    if (e.code().value() != EMFILE) _exit(5);
  }
  if (eventfd(0, 0) < 0) _exit(6);  // the epoll fd was closed again
  _exit(0);
}

TEST(EventLoopDeathTest, OutOfDescriptorsTheConstructorThrowsAndKeepsNone) {
  EXPECT_EXIT(construct_without_descriptors(), ::testing::ExitedWithCode(0), "");
}

TEST(EventLoop, PrepareStreamSocketMakesItNonBlockingAndTcpNoDelay) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  EXPECT_FALSE(prepare_stream_socket(sv[0]));  // no TCP_NODELAY on a unix socket: not an error
  EXPECT_NE(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
  ::close(sv[0]);
  ::close(sv[1]);

  const int tcp = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(tcp, 0);
  EXPECT_FALSE(prepare_stream_socket(tcp));
  int nodelay = 0;
  socklen_t len = sizeof nodelay;
  ASSERT_EQ(getsockopt(tcp, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
  EXPECT_NE(nodelay, 0);
  EXPECT_NE(fcntl(tcp, F_GETFL) & O_NONBLOCK, 0);
  ::close(tcp);

  EXPECT_EQ(prepare_stream_socket(tcp), std::errc::bad_file_descriptor);
}

}  // namespace
}  // namespace eventstreams::streaming
