#include "kafka_reader.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "kafka_errors.h"
#include "log_sink.h"

namespace eventstreams::kafka {
namespace {

constexpr std::uint64_t kWakeUp = 1;

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

// The reader whose poll() is running on this thread: librdkafka serves generic error ops
// (RD_KAFKA_OP_ERR, e.g. "desired partition is no longer available" after a topic deletion)
// through error_cb from inside rd_kafka_consume_batch_queue, not as error messages.
thread_local SourceStatus* polling_failure = nullptr;

void on_error(rd_kafka_t*, int err, const char* reason, void*) {
  const auto e = static_cast<rd_kafka_resp_err_t>(err);
  if (polling_failure == nullptr || is_transient_consume_error(e)) return;
  if (!polling_failure->ok()) return;
  polling_failure->code = request_error_code(e);
  if (polling_failure->code == SourceStatus::Code::kOk) {
    polling_failure->code = SourceStatus::Code::kError;
  }
  polling_failure->message = std::string("Kafka error: ") + reason;
}

// A numeric property of `conf`, or `fallback` when unset or unreadable.
std::uint64_t conf_number(const rd_kafka_conf_t* conf, const char* key, std::uint64_t fallback) {
  std::array<char, 32> value{};
  std::size_t size = value.size();
  if (rd_kafka_conf_get(conf, key, value.data(), &size) != RD_KAFKA_CONF_OK) return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(value.data(), &end, 10);
  return end == value.data() ? fallback : static_cast<std::uint64_t>(n);
}

std::string where(const rd_kafka_message_t& msg) {
  if (msg.rkt == nullptr) return "";
  return std::string(" on ") + rd_kafka_topic_name(msg.rkt) + "/" + std::to_string(msg.partition);
}

}  // namespace

SourceStatus KafkaReader::open(ConfPtr conf, const std::vector<StartPosition>& positions,
                               std::shared_ptr<ReaderShared> shared,
                               std::unique_ptr<SourceReader>& out) {
  if (positions.empty()) return {SourceStatus::Code::kError, "no partitions to read"};
  rd_kafka_conf_set_error_cb(conf.get(), &on_error);
  std::string error;
  rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, std::move(conf), error);
  if (rk == nullptr) return {SourceStatus::Code::kError, error};
  shared->pool->count_created();
  // All of the consumer's events (errors included) come out of the consumer queue.
  rd_kafka_poll_set_consumer(rk);
  ConsumerHandle consumer{rk, rd_kafka_queue_get_consumer(rk)};
  if (consumer.queue == nullptr) {
    shared->pool->release(consumer, false);
    return {SourceStatus::Code::kError, "Kafka consumer has no consumer queue"};
  }
  return start(consumer, nullptr, positions, std::move(shared), out);
}

SourceStatus KafkaReader::reuse(ConsumerHandle consumer, rd_kafka_t* metadata,
                                const std::vector<StartPosition>& positions,
                                std::shared_ptr<ReaderShared> shared,
                                std::unique_ptr<SourceReader>& out) {
  return start(consumer, metadata, positions, std::move(shared), out);
}

SourceStatus KafkaReader::start(ConsumerHandle consumer, rd_kafka_t* metadata,
                                const std::vector<StartPosition>& positions,
                                std::shared_ptr<ReaderShared> shared,
                                std::unique_ptr<SourceReader>& out) {
  if (positions.empty()) {
    shared->pool->release(consumer, true);
    return {SourceStatus::Code::kError, "no partitions to read"};
  }
  rd_kafka_t* rk = consumer.rk;
  std::vector<std::string> topics;
  std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> assignment(
      rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const auto& p : positions) {
    rd_kafka_topic_partition_list_add(assignment.get(), p.topic.c_str(), p.partition)->offset =
        p.offset;
    if (std::find(topics.begin(), topics.end(), p.topic) == topics.end()) topics.push_back(p.topic);
  }
  const rd_kafka_conf_t* conf = rd_kafka_conf(rk);
  FetchRefill refill(conf_number(conf, "queued.max.messages.kbytes", 65536) * 1024,
                     conf_number(conf, "queued.min.messages", 100000));
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    const int saved_errno = errno;
    shared->pool->release(consumer, true);
    return {SourceStatus::Code::kError, std::string("eventfd: ") + std::strerror(saved_errno)};
  }
  // Enabled before assign() so that the first fetched batch already signals.
  rd_kafka_queue_io_event_enable(consumer.queue, fd, &kWakeUp, sizeof kWakeUp);
  // From here the reader owns the consumer and fd; its destructor releases them.
  std::unique_ptr<KafkaReader> reader(
      new KafkaReader(rk, consumer.queue, fd, std::move(topics), std::move(shared), refill));
  for (const auto& p : positions) {
    PartitionPosition pos{p.topic, p.partition, p.offset};
    std::int64_t low = -1, high = -1;
    if (metadata != nullptr &&
        rd_kafka_get_watermark_offsets(rk, p.topic.c_str(), p.partition, &low, &high) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0) {
      // An earlier reader's: ask the broker where the end is now.
      pos.stale_high = high;
      if (rd_kafka_query_watermark_offsets(metadata, p.topic.c_str(), p.partition, &low, &high,
                                           kWatermarkQueryMs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        pos.floor_high = high;
      }
    }
    reader->positions_.push_back(std::move(pos));
  }
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    reader->reusable_ = false;
    return request_error(err, "assign");
  }
  // Let the host poll once right away, whatever librdkafka signals later.
  [[maybe_unused]] const ssize_t n = write(fd, &kWakeUp, sizeof kWakeUp);
  out = std::move(reader);
  return SourceStatus::Ok();
}

KafkaReader::KafkaReader(rd_kafka_t* rk, rd_kafka_queue_t* queue, int event_fd,
                         std::vector<std::string> topics, std::shared_ptr<ReaderShared> shared,
                         FetchRefill refill)
    : rk_(rk), queue_(queue), event_fd_(event_fd), shared_(std::move(shared)), refill_(refill) {
  topics_.reserve(topics.size());
  for (auto& t : topics) topics_.push_back(TopicSlot{std::move(t)});
  shared_->open_readers.fetch_add(1, std::memory_order_relaxed);
}

KafkaReader::~KafkaReader() {
  // After io_event_enable(-1) returns librdkafka no longer writes to the fd (it is switched
  // under the queue's lock), so closing it cannot hit a reused descriptor.
  rd_kafka_queue_io_event_enable(queue_, -1, nullptr, 0);
  close(event_fd_);
  // A reader that ended on an error leaves a consumer in a state not worth keeping.
  shared_->pool->release({rk_, queue_}, reusable_ && failure_.ok());
  shared_->open_readers.fetch_sub(1, std::memory_order_relaxed);
}

void KafkaReader::bind_topics(EventBatch& batch) {
  // The batch's topic table may be shared with earlier batches (and other sources): find
  // each of our topics there, add the missing ones, never remove any.
  for (auto& slot : topics_) {
    const auto it = std::find(batch.topics.begin(), batch.topics.end(), slot.name);
    if (it != batch.topics.end()) {
      slot.batch_index = static_cast<std::uint32_t>(it - batch.topics.begin());
    } else {
      slot.batch_index = static_cast<std::uint32_t>(batch.topics.size());
      batch.topics.push_back(slot.name);
    }
  }
}

std::uint32_t KafkaReader::topic_index(EventBatch& batch, const rd_kafka_message_t& msg) {
  for (const auto& slot : topics_) {
    if (slot.rkt == msg.rkt) return slot.batch_index;
  }
  const std::string_view name = rd_kafka_topic_name(msg.rkt);
  for (auto& slot : topics_) {
    if (slot.name == name) {
      slot.rkt = msg.rkt;
      return slot.batch_index;
    }
  }
  // Not assigned by us (cannot happen with assign()), but keep the table right anyway.
  topics_.push_back(
      TopicSlot{std::string(name), msg.rkt, static_cast<std::uint32_t>(batch.topics.size())});
  batch.topics.emplace_back(name);
  return topics_.back().batch_index;
}

bool KafkaReader::take(EventBatch& batch, const rd_kafka_message_t& msg, std::size_t& appended) {
  if (msg.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const std::string text = std::string(rd_kafka_message_errstr(&msg)) + " (" +
                             rd_kafka_err2name(msg.err) + ")" + where(msg);
    if (is_transient_consume_error(msg.err)) {
      shared_->log->log_limited(LogLevel::kWarn, "Kafka reader: transient error: " + text);
      return true;
    }
    failure_.code = request_error_code(msg.err);
    if (failure_.code == SourceStatus::Code::kOk) failure_.code = SourceStatus::Code::kError;
    failure_.message = "Kafka error: " + text;
    shared_->log->log_limited(LogLevel::kError, "Kafka reader: stream ends: " + text);
    return false;
  }
  const std::uint32_t topic = topic_index(batch, msg);
  PartitionPosition* position = position_of(batch.topics[topic], msg.partition);
  // Not assigned to this reader: cannot happen with assign() (an earlier reader's messages
  // are outdated once it unassigned), dropped all the same.
  if (position == nullptr) return true;
  Event e;
  e.topic = topic;
  e.partition = msg.partition;
  e.offset = msg.offset;
  e.timestamp = rd_kafka_message_timestamp(&msg, nullptr);
  if (msg.key != nullptr) {
    e.has_key = true;
    e.key = batch.store({static_cast<const char*>(msg.key), msg.key_len});
  }
  refill_.taken(msg.len + msg.key_len);
  if (msg.payload != nullptr) {
    e.value = batch.store({static_cast<const char*>(msg.payload), msg.len});
  } else {
    e.value = Span{static_cast<std::uint32_t>(batch.arena.size()), 0};
  }
  batch.events.push_back(e);
  ++appended;
  position->next_offset = msg.offset + 1;
  position->delivered = true;
  return true;
}

KafkaReader::PartitionPosition* KafkaReader::position_of(std::string_view topic,
                                                         std::int32_t partition) noexcept {
  for (auto& p : positions_) {
    if (p.partition == partition && p.topic == topic) return &p;
  }
  return nullptr;
}

std::int64_t KafkaReader::known_high(const PartitionPosition& p) const noexcept {
  std::int64_t low = -1, high = -1;
  if (rd_kafka_get_watermark_offsets(rk_, p.topic.c_str(), p.partition, &low, &high) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    high = -1;
  }
  // Possibly an earlier reader's last answer, not one to this reader's fetches.
  if (p.stale_high >= 0 && !p.delivered && high == p.stale_high) high = -1;
  return std::max(high, p.floor_high);
}

bool KafkaReader::at_head() const noexcept {
  for (const auto& p : positions_) {
    const std::int64_t high = known_high(p);
    if (high < 0 || p.next_offset < high) return false;
  }
  return true;
}

void KafkaReader::lag(std::vector<PartitionLag>& out) const noexcept {
  out.clear();
  try {
    for (const auto& p : positions_) {
      const std::int64_t high = known_high(p);
      if (high < 0) continue;  // no fetch response yet
      out.push_back({p.topic, p.partition, std::max<std::int64_t>(0, high - p.next_offset)});
    }
  } catch (...) {  // out of memory: report nothing rather than part
    out.clear();
  }
}

SourceStatus KafkaReader::poll(EventBatch& batch, std::size_t max_events) noexcept {
  if (!failure_.ok()) return failure_;
  try {
    bind_topics(batch);
  } catch (...) {
    failure_ = {SourceStatus::Code::kError, "Kafka reader: out of memory"};
    return failure_;
  }
  std::size_t appended = 0;
  while (appended < max_events) {
    const std::size_t want = std::min(max_events - appended, kChunk);
    refill_.observe_queue(rd_kafka_queue_length(queue_));
    polling_failure = &failure_;
    const ssize_t n = rd_kafka_consume_batch_queue(queue_, 0, messages_.data(), want);
    polling_failure = nullptr;
    if (n < 0) {
      failure_ = {SourceStatus::Code::kError,
                  "Kafka consume failed: " + error_text(rd_kafka_last_error())};
      return failure_;
    }
    bool ok = true;
    for (ssize_t i = 0; i < n; ++i) {
      if (ok) {
        try {
          ok = take(batch, *messages_[i], appended);
        } catch (...) {
          failure_ = {SourceStatus::Code::kError, "Kafka reader: out of memory"};
          ok = false;
        }
      }
      rd_kafka_message_destroy(messages_[i]);
    }
    if (!ok || !failure_.ok()) return failure_;
    if (static_cast<std::size_t>(n) < want) {  // the queue ran empty
      if (refill_.drained()) rearm_fetch();
      break;
    }
  }
  return SourceStatus::Ok();
}

void KafkaReader::rearm_fetch() noexcept {
  std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(
      rd_kafka_topic_partition_list_new(static_cast<int>(positions_.size())));
  if (!list) return;
  for (const auto& p : positions_) {
    // A logical offset (nothing delivered yet from a partition started at its end) cannot be
    // re-stated without skipping or repeating: that partition waits for librdkafka's timer.
    if (p.next_offset < 0) continue;
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset =
        p.next_offset;
  }
  if (list->cnt == 0) return;
  // Asynchronous (timeout 0): the seek's version barrier is set here, so nothing fetched
  // for the old position can reach poll() afterwards.
  if (rd_kafka_error_t* err = rd_kafka_seek_partitions(rk_, list.get(), 0)) {
    shared_->log->log_limited(LogLevel::kWarn, std::string("Kafka reader: re-arming fetch: ") +
                                                   rd_kafka_error_string(err));
    rd_kafka_error_destroy(err);
  }
}

}  // namespace eventstreams::kafka
