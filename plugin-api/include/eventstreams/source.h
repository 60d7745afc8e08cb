// A source of events: resolves where each partition starts and reads from there.
//
// One SourceFactory per server. It answers metadata and position questions from any thread,
// and opens SourceReaders. A reader is used by one thread at a time (the host's event loop),
// never blocks in poll(), and tells the loop through a file descriptor when it has data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/event_batch.h"

namespace eventstreams {

struct SourceStatus {
  enum class Code {
    kOk,
    kTopicNotFound,  // a requested topic does not exist (message names it)
    kTimeout,        // the cluster did not answer within the bound
    kUnavailable,    // the cluster cannot be reached or refused
    kError,          // anything else
  };
  Code code = Code::kOk;
  std::string message;

  bool ok() const noexcept { return code == Code::kOk; }
  static SourceStatus Ok() { return {}; }
};

struct TopicPartitions {
  std::string topic;
  std::int32_t partitions = 0;
};

// Where a client asks one partition to start.
struct StartSpec {
  enum class Kind { kLatest, kEarliest, kOffset, kTimestamp };
  std::string topic;
  std::int32_t partition = 0;
  Kind kind = Kind::kLatest;
  std::int64_t value = 0;  // the offset or the timestamp (ms)
};

// Where a partition will start, as a concrete offset.
struct StartPosition {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  // The requested start lay before the oldest retained event (SPEC 2, X-Replay-Truncated).
  bool truncated = false;
};

// How far one partition of a reader is behind the end of its log.
struct PartitionLag {
  std::string_view topic;  // valid until the next call on the reader
  std::int32_t partition = 0;
  // Events the broker holds past the next one the reader delivers: its high watermark minus
  // that offset, as of the reader's last fetch response.
  std::int64_t lag = 0;
};

class SourceReader {
 public:
  virtual ~SourceReader() = default;

  // Readable when poll() may have events; the host drains it (reads and discards its bytes,
  // with a buffer of at least 8 bytes: it may be an eventfd) before polling. It is signalled
  // when the reader's queue goes from empty to non-empty, so after a wake-up the host polls
  // until poll() returns fewer than `max_events`. -1 when the reader cannot notify: then the
  // host polls on a short timer.
  virtual int notify_fd() const noexcept = 0;

  // Appends at most `max_events` events to `batch` without blocking; fewer than `max_events`
  // means the queue was seen empty. Returns not-ok on an error that ends the stream (the
  // message goes to the client as an error event); events appended in the same call are
  // valid. End of partition and transient broker trouble are not errors. An event whose
  // timestamp is unknown has timestamp -1.
  virtual SourceStatus poll(EventBatch& batch, std::size_t max_events) noexcept = 0;

  // True when every assigned partition has been delivered up to the end the broker last
  // reported (not merely an empty local queue: fetches are asynchronous). The host then lets
  // the client join the shared reader of the live head. False when unknown.
  virtual bool at_head() const noexcept = 0;

  // Replaces `out` with the lag of each assigned partition whose end the reader knows, from
  // what it last heard of the broker (no request: the host asks about once a second, for
  // /metrics). A reader that cannot tell leaves `out` empty.
  virtual void lag(std::vector<PartitionLag>& out) const noexcept { out.clear(); }
};

class SourceFactory {
 public:
  virtual ~SourceFactory() = default;

  // Called once at start-up with every configured topic (the embedded mode creates them and
  // starts its demo feed). Errors fail start-up.
  virtual SourceStatus start(const std::vector<std::string>& topics) noexcept = 0;

  // Partition counts of the given topics; kTopicNotFound names the first missing topic.
  virtual SourceStatus describe(const std::vector<std::string>& topics,
                                std::vector<TopicPartitions>& out, int timeout_ms) noexcept = 0;

  // Turns start specs into concrete offsets (latest, earliest, offsets clamped into the
  // retained range, timestamps through the time index).
  virtual SourceStatus resolve(const std::vector<StartSpec>& specs, std::vector<StartPosition>& out,
                               int timeout_ms) noexcept = 0;

  // Opens a reader positioned at `positions`. Cheap to destroy from the loop thread: any slow
  // teardown happens elsewhere, bounded in time.
  virtual SourceStatus open(const std::vector<StartPosition>& positions,
                            std::unique_ptr<SourceReader>& out) noexcept = 0;

  // An identifier of the cluster this source reads (used to mark exact-resume offsets); ""
  // until the cluster's metadata has arrived (describe() makes sure it has).
  virtual std::string cluster_id() const noexcept = 0;

  // True when the cluster's metadata is reachable within the bound.
  virtual bool healthy(int timeout_ms) noexcept = 0;

  // Number of readers currently open (for metrics and tests of resource release).
  virtual std::size_t open_readers() const noexcept = 0;
};

}  // namespace eventstreams
