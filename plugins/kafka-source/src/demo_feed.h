// Produces demo events into the embedded cluster at a steady rate, on its own thread.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace eventstreams::kafka {

class LogSink;

struct DemoFeedOptions {
  std::string bootstrap_servers;
  std::vector<std::string> topics;  // served round-robin; partitions chosen by librdkafka
  double events_per_second = 5;     // over all topics, > 0
  std::uint64_t seed = 0;           // 0: from the clock
};

class DemoFeed {
 public:
  // Starts producing. Null with a reason on failure.
  static std::unique_ptr<DemoFeed> start(const DemoFeedOptions& options, LogSink* sink,
                                         std::string& error);
  // Stops the thread and drops what was not delivered yet (bounded: the cluster is local).
  ~DemoFeed();
  DemoFeed(const DemoFeed&) = delete;
  DemoFeed& operator=(const DemoFeed&) = delete;

  // Events handed to librdkafka so far.
  std::uint64_t produced() const noexcept { return produced_.load(std::memory_order_relaxed); }

 private:
  DemoFeed(rd_kafka_t* rk, DemoFeedOptions options, LogSink* sink);
  void run();

  rd_kafka_t* rk_;
  DemoFeedOptions options_;
  LogSink* sink_;
  std::atomic<std::uint64_t> produced_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace eventstreams::kafka
