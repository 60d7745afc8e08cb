// A hub reads one source reader and feeds every client attached to it: it keeps the reader,
// the members and their back-pressure; the per-event work is the pipeline's (pipeline/:
// rewrite and ids once per batch, then per group transforms and one encoding).
//
// A *live* hub reads the head of a topic set and is shared by every client that asked for
// those topics without a start position: one Kafka consumer, one JSON rewrite and one
// encoding of each event however many clients receive it. A *private* (catch-up) hub serves a
// client that starts in the past (since / Last-Event-ID) and pauses its reader while that
// client's socket is full; clients asking for the same past a moment later join it through
// its replay ring (a crowd). A crowd member may fall behind the others by its buffer; past that
// the crowd waits for it, and drops it (it resumes with its id) if it stops reading. Clients of a
// hub are split into groups by encoder, transforms and streams; a group encodes each batch once
// into one buffer whose slices go to all its members.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "eventstreams/encoder.h"
#include "eventstreams/log_every.h"
#include "eventstreams/source.h"
#include "pipeline/batch_rewriter.h"
#include "pipeline/group_encoder.h"
#include "services/histogram_batch.h"
#include "services/json_logger.h"
#include "services/metrics_registry.h"
#include "streaming/client_connection.h"
#include "streaming/event_loop.h"
#include "streaming/replay_ring.h"
#include "streaming/stream_metrics.h"
#include "streaming/stream_plan.h"

namespace eventstreams::streaming {

struct EncoderEntry {
  EncoderFactory* factory;
  std::string name;
};

// What every hub of an engine shares.
struct HubEnvironment {
  std::vector<EncoderEntry> encoders;
  services::JsonLogger* logger = nullptr;
  services::MetricsRegistry* metrics = nullptr;
  // Clients per stream, connections per set, event delay, consumer lag; null in tests that
  // do not look at them.
  StreamMetrics* stream_metrics = nullptr;
  std::int64_t heartbeat_interval_ms = 15000;
  std::size_t client_buffer_bytes = 4 << 20;
  std::size_t batch_events = 512;
  // Bytes of recent batches each live hub keeps for clients resuming near the head (0: none).
  std::size_t live_replay_bytes = 0;
  std::size_t catch_up_replay_bytes = 0;
};

class Hub final : public IoWatcher,
                  public ConnectionOwner,
                  public std::enable_shared_from_this<Hub> {
 public:
  // Called on the loop thread when the hub's last client left, and when its reader failed
  // (then no new client may join it).
  using EmptyCallback = std::function<void(Hub&)>;

  Hub(EventLoop& loop, const HubEnvironment& env, HubKey key, bool live,
      std::unique_ptr<SourceReader> reader, const std::vector<PartitionStart>& starts,
      const std::string& cluster_id, EmptyCallback on_empty);
  ~Hub() override;

  // Called (soon after, on the loop thread) when a private hub has read everything there is:
  // the moment its client may move to the live hub, or the hub may become the live hub.
  void set_caught_up_callback(EmptyCallback callback) { on_caught_up_ = std::move(callback); }

  // Starts reading (watches the reader's notify fd).
  void start();
  // Adds a client; its headers and preamble are already sent.
  void join(std::shared_ptr<ClientConnection> connection, StreamPlan& plan);
  // Adds a client that resumes from plan.partitions: first the events of the replay ring it
  // lacks (pinned by `pin`, with ids of its own), then the live stream with everyone else.
  void join_replay(std::shared_ptr<ClientConnection> connection, StreamPlan& plan,
                   std::uint64_t pin);
  // The hub's recent batches (live_replay_bytes for a live hub, catch_up_replay_bytes for a
  // private one; null when configured off). Set before the hub is registered, and replaced
  // (when nothing pins it) as it becomes live, both under the engine's lock.
  ReplayRing* replay_ring() const { return ring_.get(); }
  // Sends a heartbeat to clients idle for the configured interval; a live hub also posts its
  // consumer lag (about once a second).
  void heartbeat(std::int64_t now_ms);
  // Ends every stream cleanly (server shutdown).
  void shutdown();

  // A caught-up private hub becomes the live hub of its topic set.
  void promote_to_live(std::int64_t now_wall_ms);
  // True when this hub and `other` stand at the same offset on every partition, so clients
  // can move between them without loss or duplicate.
  bool same_position(const Hub& other) const {
    return rewriter_.ids().same_offsets(other.rewriter_.ids());
  }
  // Moves every client (and its group) to `target`; this hub is left empty.
  void move_members_to(Hub& target);

  bool empty() const { return members() == 0; }
  // Loop thread: when the live hub was left empty and kept for a while (-1: it is not).
  std::int64_t idle_since_ms() const { return idle_since_ms_; }
  void set_idle_since(std::int64_t now_ms) { idle_since_ms_ = now_ms; }
  // Clients attached now; readable from any thread (a placement hint, may be stale).
  std::size_t members() const { return members_.load(std::memory_order_relaxed); }
  bool live() const { return live_; }
  // Any thread: the engine reads it under its lock while placing clients (HTTP threads).
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  const HubKey& key() const { return key_; }

  // How long a crowd waits for a member that takes nothing (drop_stalled_members).
  static constexpr std::int64_t kStalledMemberMs = 5000;

  void on_io(std::uint32_t events) override;
  void on_drained(ClientConnection& c) override;
  void on_closed(ClientConnection& c) override;

 private:
  struct Group;
  Group& group_for(StreamPlan& plan);
  // Ends a member of a group whose encoder plugin made no encoder.
  void refuse_unencodable(ClientConnection& c, const Group& g);
  void add_member(std::shared_ptr<ClientConnection> connection, Group& g);
  void start_replay_ring();
  void pump();
  // pump() soon, from the loop (once, however often asked before it runs).
  void schedule_pump();
  // A private hub at the head asks (soon) to join or become the live hub.
  void check_caught_up();
  void process(EventBatch& raw);
  void deliver(Group& group, const EventBatch& batch);
  void fail(const SourceStatus& status);
  void log_client(const char* message, const ClientConnection& c, std::span<const LogField> extra);
  // The back-pressure marks of this hub's clients: live or catch-up.
  Watermarks watermarks() const;
  // Observes the produce-to-send delay of the events of `batch` just handed to clients.
  void observe_delay(const EventBatch& batch);
  void post_lag(std::int64_t now_ms);
  // A catch-up hub shared by several clients and paused for one with client_buffer_bytes
  // unsent that has not taken a byte for kStalledMemberMs: that one is dropped (it resumes
  // with its id), and the others read on.
  void drop_stalled_members(std::int64_t now_ms);
  // Whether a paused hub keeps waiting for a member other than `except` (see on_drained).
  bool waits_for_laggard(const ClientConnection* except) const;
  // A crowd member with more than client_buffer_bytes unsent.
  bool behind_by_buffer(const ClientConnection& m) const;

  EventLoop& loop_;
  const HubEnvironment& env_;
  const HubKey key_;
  bool live_;
  std::unique_ptr<SourceReader> reader_;
  pipeline::BatchRewriter rewriter_;
  EmptyCallback on_empty_;
  EmptyCallback on_caught_up_;
  bool caught_up_scheduled_ = false;
  std::vector<std::unique_ptr<Group>> groups_;
  std::atomic<std::size_t> members_{0};
  std::int64_t idle_since_ms_ = -1;
  bool wants_ids_ = false;
  bool paused_ = false;
  bool pump_scheduled_ = false;
  std::atomic<bool> failed_{false};  // written on the loop thread, read by placements
  bool watching_ = false;

  EventBatch raw_;         // what the reader fills; its topic table lives as long as the reader
  EventBatch normalized_;  // rewritten payloads and ids
  std::unique_ptr<ReplayRing> ring_;
  std::vector<ClientConnection*> delivery_targets_;  // reused per delivery
  Counter* invalid_events_ = nullptr;
  LogEvery invalid_log_{1, 10'000};  // one warning per 10 s of invalid messages
  std::uint64_t invalid_since_log_ = 0;
  services::HistogramBatch delays_{StreamMetrics::delay_buckets()};  // reused per batch
  std::vector<PartitionLag> lag_;                                    // reused per post
  std::int64_t lag_posted_ms_ = -1;
};

}  // namespace eventstreams::streaming
