#include "handle_reaper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

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

}  // namespace
}  // namespace eventstreams::kafka
