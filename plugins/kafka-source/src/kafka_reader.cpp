#include "kafka_reader.h"

#include <malloc.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "handle_reaper.h"
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

// A catch-up reader leaves up to queued.max.messages.kbytes of freed fetch buffers behind,
// in the heap arenas of librdkafka's threads; glibc keeps them (a server that served 100
// catch-up clients stayed at 1.7 GB). Giving them back after a teardown, at most once a
// second, runs on the reaper thread, never on an event loop.
void return_free_memory() noexcept {
#ifdef __GLIBC__
  static std::atomic<std::int64_t> last_ms{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_ms.load(std::memory_order_relaxed);
  if (now - last < 1000 || !last_ms.compare_exchange_strong(last, now)) return;
  malloc_trim(0);
#endif
}

// Destroys a consumer on the reaper: no consumer close (there is no group to leave and
// nothing to commit), so the time is bounded by librdkafka's thread shutdown. The job holds
// the log sink, which librdkafka's log callback uses until the client is gone.
void reap(const std::shared_ptr<ReaderShared>& shared, rd_kafka_t* rk) noexcept {
  shared->reaper->submit([rk, log = shared->log] {
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return_free_memory();
  });
}

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
  std::vector<std::string> topics;
  std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> assignment(
      rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const auto& p : positions) {
    rd_kafka_topic_partition_list_add(assignment.get(), p.topic.c_str(), p.partition)->offset =
        p.offset;
    if (std::find(topics.begin(), topics.end(), p.topic) == topics.end()) topics.push_back(p.topic);
  }

  rd_kafka_conf_set_error_cb(conf.get(), &on_error);
  FetchRefill refill(conf_number(conf.get(), "queued.max.messages.kbytes", 65536) * 1024,
                     conf_number(conf.get(), "queued.min.messages", 100000));
  std::string error;
  rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, std::move(conf), error);
  if (rk == nullptr) return {SourceStatus::Code::kError, error};
  // All of the consumer's events (errors included) come out of the consumer queue.
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk);
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (queue == nullptr || fd < 0) {
    const int saved_errno = errno;
    if (queue != nullptr) rd_kafka_queue_destroy(queue);
    if (fd >= 0) close(fd);
    reap(shared, rk);
    return {SourceStatus::Code::kError, fd < 0
                                            ? std::string("eventfd: ") + std::strerror(saved_errno)
                                            : std::string("Kafka consumer has no consumer queue")};
  }
  // Enabled before assign() so that the first fetched batch already signals.
  rd_kafka_queue_io_event_enable(queue, fd, &kWakeUp, sizeof kWakeUp);
  // From here the reader owns rk, queue and fd; its destructor releases them.
  std::unique_ptr<KafkaReader> reader(
      new KafkaReader(rk, queue, fd, std::move(topics), std::move(shared), refill));
  for (const auto& p : positions) {
    reader->positions_.push_back({p.topic, p.partition, p.offset});
  }
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
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
  rd_kafka_queue_destroy(queue_);
  close(event_fd_);
  reap(shared_, rk_);
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
  Event e;
  e.topic = topic_index(batch, msg);
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
  const std::string_view topic = batch.topics[e.topic];
  for (auto& p : positions_) {
    if (p.partition == msg.partition && p.topic == topic) {
      p.next_offset = msg.offset + 1;
      break;
    }
  }
  return true;
}

bool KafkaReader::at_head() const noexcept {
  for (const auto& p : positions_) {
    std::int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(rk_, p.topic.c_str(), p.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0 || p.next_offset < high) {
      return false;
    }
  }
  return true;
}

void KafkaReader::lag(std::vector<PartitionLag>& out) const noexcept {
  out.clear();
  try {
    for (const auto& p : positions_) {
      std::int64_t low = -1, high = -1;
      if (rd_kafka_get_watermark_offsets(rk_, p.topic.c_str(), p.partition, &low, &high) !=
              RD_KAFKA_RESP_ERR_NO_ERROR ||
          high < 0) {
        continue;  // no fetch response yet
      }
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
