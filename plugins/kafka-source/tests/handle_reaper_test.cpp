#include "handle_reaper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace eventstreams::kafka {
namespace {

using namespace std::chrono_literals;

TEST(HandleReaper, RunsJobsOffTheCallersThread) {
  HandleReaper reaper(2);
  const auto caller = std::this_thread::get_id();
  std::promise<std::thread::id> ran_on;
  reaper.submit([&] { ran_on.set_value(std::this_thread::get_id()); });
  auto f = ran_on.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_NE(f.get(), caller);
  EXPECT_TRUE(reaper.shutdown(1s));
}

TEST(HandleReaper, SubmitDoesNotWaitForASlowJob) {
  HandleReaper reaper(1);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  const auto t0 = std::chrono::steady_clock::now();
  reaper.submit([&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return release; });
  });
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(reaper.pending(), 1u);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(reaper.shutdown(5s));
  EXPECT_EQ(reaper.pending(), 0u);
}

TEST(HandleReaper, ShutdownWaitsForQueuedJobs) {
  std::atomic<int> done{0};
  HandleReaper reaper(2);
  for (int i = 0; i < 50; ++i) reaper.submit([&] { done.fetch_add(1); });
  EXPECT_TRUE(reaper.shutdown(5s));
  EXPECT_EQ(done.load(), 50);
}

TEST(HandleReaper, ShutdownIsBoundedWhenAJobHangs) {
  // The job outlives the reaper: it only touches state it shares.
  auto gate = std::make_shared<std::promise<void>>();
  auto finished = std::make_shared<std::promise<void>>();
  std::shared_future<void> open = gate->get_future().share();
  auto finished_future = finished->get_future();
  {
    HandleReaper reaper(1);
    reaper.submit([open, finished] {
      open.wait();
      finished->set_value();
    });
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(reaper.shutdown(100ms));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  }
  gate->set_value();  // the detached worker finishes on its own
  EXPECT_EQ(finished_future.wait_for(5s), std::future_status::ready);
}

TEST(HandleReaper, JobsAfterShutdownRunInline) {
  HandleReaper reaper(1);
  ASSERT_TRUE(reaper.shutdown(1s));
  const auto caller = std::this_thread::get_id();
  std::thread::id ran_on;
  reaper.submit([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, caller);
}

TEST(HandleReaper, AThrowingJobDoesNotStopTheWorker) {
  HandleReaper reaper(1);
  std::atomic<bool> second{false};
  reaper.submit([] { throw std::runtime_error("boom"); });
  reaper.submit([&] { second = true; });
  EXPECT_TRUE(reaper.shutdown(5s));
  EXPECT_TRUE(second.load());
}

TEST(HandleReaper, TimedJobsRunWhenDueInTheirOrder) {
  HandleReaper reaper(2);
  std::mutex mu;
  std::vector<int> order;
  std::promise<void> done;
  const auto t0 = std::chrono::steady_clock::now();
  reaper.submit_at(t0 + 300ms, [&] {
    std::lock_guard lock(mu);
    order.push_back(2);
    done.set_value();
  });
  reaper.submit_at(t0 + 100ms, [&] {
    std::lock_guard lock(mu);
    order.push_back(1);
  });
  EXPECT_EQ(reaper.scheduled(), 2u);
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  // Not before it was due (no upper bound: the machine may be busy).
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
  std::lock_guard lock(mu);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(reaper.scheduled(), 0u);
}

TEST(HandleReaper, AJobDueInThePastRunsAtOnceAndPlainJobsDoNotWaitForTimers) {
  HandleReaper reaper(1);
  std::atomic<bool> late_ran{false};
  reaper.submit_at(std::chrono::steady_clock::now() + 1h, [&] { late_ran = true; });
  std::promise<void> past, plain;
  reaper.submit_at(std::chrono::steady_clock::now() - 1s, [&] { past.set_value(); });
  reaper.submit([&] { plain.set_value(); });
  EXPECT_EQ(past.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(plain.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(late_ran);
}

TEST(HandleReaper, ShutdownDropsTimersThatAreNotDue) {
  HandleReaper reaper(1);
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  std::atomic<bool> ran{false};
  reaper.submit_at(std::chrono::steady_clock::now() + 1h, [&ran, alive] { ran = true; });
  alive.reset();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(reaper.shutdown(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_FALSE(ran);
  EXPECT_TRUE(watch.expired());  // what it captured was released
  reaper.submit_at(std::chrono::steady_clock::now(), [&] { ran = true; });
  EXPECT_FALSE(ran);  // after shutdown: dropped, not run inline
}

}  // namespace
}  // namespace eventstreams::kafka
