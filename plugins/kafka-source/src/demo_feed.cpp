#include "demo_feed.h"

#include <chrono>

#include "client_config.h"
#include "demo_events.h"
#include "kafka_errors.h"
#include "log_sink.h"

namespace eventstreams::kafka {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<DemoFeed> DemoFeed::start(const DemoFeedOptions& options, LogSink* sink,
                                          std::string& error) {
  if (options.topics.empty() || !(options.events_per_second > 0)) {
    error = "kafka: demo feed needs topics and a positive rate";
    return nullptr;
  }
  ConfPtr conf = make_conf({{"bootstrap.servers", options.bootstrap_servers},
                            {"client.id", "eventstreams-demo-feed"},
                            {"linger.ms", "5"},
                            {"log.connection.close", "false"}},
                           sink, error);
  if (!conf) return nullptr;
  rd_kafka_t* rk = new_client(RD_KAFKA_PRODUCER, std::move(conf), error);
  if (rk == nullptr) return nullptr;
  auto feed = std::unique_ptr<DemoFeed>(new DemoFeed(rk, options, sink));
  feed->thread_ = std::thread([f = feed.get()] { f->run(); });
  return feed;
}

DemoFeed::DemoFeed(rd_kafka_t* rk, DemoFeedOptions options, LogSink* sink)
    : rk_(rk), options_(std::move(options)), sink_(sink) {}

DemoFeed::~DemoFeed() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk_, 500);
  rd_kafka_destroy(rk_);
}

void DemoFeed::run() {
  const std::uint64_t seed =
      options_.seed != 0 ? options_.seed
                         : static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  DemoEventGenerator generator(seed);
  std::vector<DemoKind> kinds;
  for (const auto& t : options_.topics) kinds.push_back(demo_kind_for_topic(t));

  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / options_.events_per_second));
  auto next = Clock::now();
  std::size_t topic_index = 0;
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const std::string& topic = options_.topics[topic_index];
    std::string event = generator.next(kinds[topic_index], topic, wall_ms());
    topic_index = (topic_index + 1) % options_.topics.size();
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(event.data(), event.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      produced_.fetch_add(1, std::memory_order_relaxed);
    } else if (sink_ != nullptr) {
      sink_->log_limited(LogLevel::kWarn, "kafka demo feed: produce failed: " + error_text(err));
    }
    rd_kafka_poll(rk_, 0);  // serves delivery errors, if any
    next += period;
    const auto now = Clock::now();
    if (now - next > std::chrono::seconds(1)) next = now;  // fell behind: do not burst
    lock.lock();
    cv_.wait_until(lock, next, [this] { return stop_; });
  }
}

}  // namespace eventstreams::kafka
