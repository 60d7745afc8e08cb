// The event loop: posted work runs in order, and a burst of it leaves the I/O its turns.
#include "streaming/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace eventstreams::streaming
