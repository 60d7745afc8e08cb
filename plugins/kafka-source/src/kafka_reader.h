// A SourceReader on a librdkafka consumer of its own while it lives (a new one or one from the
// ConsumerPool), positioned by assign() (never subscribes or commits), polled without blocking
// and signalling through an eventfd.
#pragma once

#include <librdkafka/rdkafka.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client_config.h"
#include "consumer_pool.h"
#include "eventstreams/source.h"
#include "fetch_refill.h"

namespace eventstreams::kafka {

class HandleReaper;
class LogSink;

// What readers share with their factory, and keep alive if they outlive it.
struct ReaderShared {
  std::shared_ptr<LogSink> log;
  std::shared_ptr<HandleReaper> reaper;
  std::shared_ptr<ConsumerPool> pool;
  std::atomic<std::size_t> open_readers{0};
};

class KafkaReader final : public SourceReader {
 public:
  // Creates the consumer from `conf` (a ClientRole::kReader configuration) and assigns
  // `positions`.
  static SourceStatus open(ConfPtr conf, const std::vector<StartPosition>& positions,
                           std::shared_ptr<ReaderShared> shared,
                           std::unique_ptr<SourceReader>& out);
  // The same on an idle consumer from the pool (nothing assigned, queue drained). For each
  // partition its earlier readers had, asks `metadata` (another client: the consumer's own
  // broker connection may still hold an earlier reader's fetch, which the broker answers
  // first) for the end, at most kWatermarkQueryMs each: see PartitionPosition.
  static SourceStatus reuse(ConsumerHandle consumer, rd_kafka_t* metadata,
                            const std::vector<StartPosition>& positions,
                            std::shared_ptr<ReaderShared> shared,
                            std::unique_ptr<SourceReader>& out);

  static constexpr int kWatermarkQueryMs = 1000;

  // Cheap: stops notifications, closes the eventfd and returns the consumer to the pool (which
  // resets or destroys it on the reaper thread).
  ~KafkaReader() override;

  // An eventfd (non-blocking, close-on-exec): read it with a buffer of at least 8 bytes.
  // librdkafka signals it only when the consumer queue goes from empty to non-empty, so after
  // a wake-up the host must call poll() until it returns fewer than `max_events` events
  // before waiting on the fd again.
  int notify_fd() const noexcept override { return event_fd_; }

  // Appends up to `max_events` events. Fewer than `max_events` means the queue was seen
  // empty. End of partition and transient broker trouble are skipped (logged, rate-limited);
  // any other error ends the stream: it is returned now and on every later call (events
  // appended before it in the same call are valid and precede it).
  SourceStatus poll(EventBatch& batch, std::size_t max_events) noexcept override;

  // Every assigned partition read up to the high watermark of the broker's last fetch
  // response (cached by librdkafka, no request); false while any is unknown.
  bool at_head() const noexcept override;
  // High watermark of the last fetch response minus the next offset, per partition.
  void lag(std::vector<PartitionLag>& out) const noexcept override;

 private:
  struct PartitionPosition {
    std::string topic;
    std::int32_t partition;
    std::int64_t next_offset;  // the next offset this reader will deliver
    // A reused consumer's cached high watermark of this partition may be what an earlier
    // reader's last fetch saw (librdkafka keeps it per partition object and resets it only
    // when a fetch answers): `stale_high` is that value, not to be trusted until a message of
    // this reader came or the value changed; `floor_high` is the high watermark asked of the
    // broker when this reader started (-1: none), a bound the end cannot be below.
    std::int64_t stale_high = -1;
    std::int64_t floor_high = -1;
    bool delivered = false;  // a message of this partition came to this reader
  };
  struct TopicSlot {
    std::string name;
    // Last handle seen for this name. Assigned partitions keep their topic object alive for
    // the consumer's life, so the address cannot be reused by another topic.
    const rd_kafka_topic_t* rkt = nullptr;
    std::uint32_t batch_index = 0;  // index in the current batch's topic table
  };

  KafkaReader(rd_kafka_t* rk, rd_kafka_queue_t* queue, int event_fd,
              std::vector<std::string> topics, std::shared_ptr<ReaderShared> shared,
              FetchRefill refill);
  // Assigns `positions` to the consumer and makes the reader; `metadata` not null: the
  // consumer served earlier readers, ask it about their partitions' ends. The consumer goes
  // back to the pool on failure.
  static SourceStatus start(ConsumerHandle consumer, rd_kafka_t* metadata,
                            const std::vector<StartPosition>& positions,
                            std::shared_ptr<ReaderShared> shared,
                            std::unique_ptr<SourceReader>& out);
  // The end of `p` as far as this reader can tell, -1 when unknown.
  std::int64_t known_high(const PartitionPosition& p) const noexcept;
  PartitionPosition* position_of(std::string_view topic, std::int32_t partition) noexcept;
  void bind_topics(EventBatch& batch);
  std::uint32_t topic_index(EventBatch& batch, const rd_kafka_message_t& msg);
  // False when `msg` is an error that ends the stream (then failure_ is set).
  bool take(EventBatch& batch, const rd_kafka_message_t& msg, std::size_t& appended);
  // Seeks every partition to the offset it delivers next: wakes a fetcher that stopped on a
  // full queue (see fetch_refill.h).
  void rearm_fetch() noexcept;

  static constexpr std::size_t kChunk = 256;

  rd_kafka_t* rk_;
  rd_kafka_queue_t* queue_;
  int event_fd_;
  std::vector<TopicSlot> topics_;
  std::vector<PartitionPosition> positions_;
  std::shared_ptr<ReaderShared> shared_;
  SourceStatus failure_;
  bool reusable_ = true;  // the consumer may serve another reader
  FetchRefill refill_;
  std::array<rd_kafka_message_t*, kChunk> messages_{};
};

}  // namespace eventstreams::kafka
