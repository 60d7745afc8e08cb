// The streaming engine: event loops that own client sockets once their headers are sent,
// and the hubs that feed them (SPEC 2, 6; issue 4's scale design).
//
// HTTP handler threads validate a request, resolve where it starts, send the headers and
// hand the socket over with attach(); from then on no pool thread serves the client.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "streaming/event_loop.h"
#include "streaming/hub.h"
#include "streaming/stream_plan.h"

namespace eventstreams::streaming {

struct EngineOptions {
  int loops = 1;
  std::int64_t heartbeat_interval_ms = 15000;
  std::size_t client_buffer_bytes = 4 << 20;
  std::size_t batch_events = 512;
  // A topic set's live hub takes new clients until it has this many; then the next one
  // starts a live hub of the same topics on another event loop (at most one per loop), so
  // the fan-out of a big audience is spread over the loops.
  std::size_t live_hub_clients = 256;
  // How long a live hub whose last client left keeps its reader, so that clients coming
  // back (EventSource reconnects, a flapping proxy) do not start and stop a Kafka consumer
  // each time. 0 tears it down at once.
  std::int64_t live_hub_linger_ms = 5000;
  // Bytes of its latest batches each live hub keeps, so that a client resuming within them
  // (an EventSource reconnect) joins it after a replay from memory, without a Kafka consumer
  // of its own. 0 turns it off. A client is served so only when what it lacks is at most
  // half of client_buffer_bytes.
  std::size_t live_replay_bytes = 4 << 20;
};

class StreamEngine {
 public:
  StreamEngine(const EngineOptions& options, std::vector<EncoderEntry> encoders,
               services::JsonLogger& logger, services::MetricsRegistry& metrics);
  ~StreamEngine();

  void start();
  // Ends every stream cleanly, destroys every hub (and so every reader), stops the loops.
  void stop();

  // A promise to join an existing live hub: while held, the hub is not torn down.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& o) noexcept
        : engine_(o.engine_),
          key_(std::move(o.key_)),
          replay_hub_(std::move(o.replay_hub_)),
          replay_pin_(o.replay_pin_) {
      o.engine_ = nullptr;
    }
    Reservation& operator=(Reservation&& o) noexcept;
    ~Reservation() { release(); }
    explicit operator bool() const { return engine_ != nullptr; }
    // Set by place_resume(): the hub whose replay ring holds what the client lacks.
    bool replays() const { return engine_ != nullptr && !replay_hub_.expired(); }
    void release();

   private:
    friend class StreamEngine;
    StreamEngine* engine_ = nullptr;
    std::string key_;
    std::weak_ptr<Hub> replay_hub_;  // with the pin of its ring
    std::uint64_t replay_pin_ = 0;
  };

  // From a handler thread: the hub key (topic set and event loop) of a new client of the
  // topic set `topics_key`. A live client is given the least loaded live hub of the topic
  // set and a reservation on it, so the plan needs no reader of its own; it gets no
  // reservation when there is no live hub yet, or when all have live_hub_clients members
  // and a loop has none (the key then names that loop and the client's reader starts a live
  // hub there). A catch-up client goes where it will join a live hub once at the head.
  std::string place(const std::string& topics_key, bool live, Reservation& reservation);

  // From a handler thread, for a client resuming from `starts` (every partition of its
  // topics; ReplayRing::kAtHead for "the end"): the key of a live hub of `topics_key` whose
  // replay ring holds every event the client lacks, with a reservation that pins them, and
  // the kAtHead entries set to that hub's position; "" (and no reservation) when none does
  // and the client needs a reader of its own.
  std::string place_resume(const std::string& topics_key, std::vector<PartitionStart>& starts,
                           Reservation& reservation);

  // From a handler thread: `fd` is the client's socket (headers sent), owned from now on.
  void attach(StreamPlan plan, int fd, Reservation reservation);

  // Hubs running now (live, private): for metrics and tests.
  std::size_t live_hubs() const;
  std::size_t private_hubs() const { return private_hub_count_.load(); }

 private:
  struct LoopState {
    std::unique_ptr<EventLoop> loop;
    std::unordered_map<Hub*, std::shared_ptr<Hub>> hubs;
  };
  struct LiveEntry {
    std::shared_ptr<Hub> hub;  // set once the hub exists
    LoopState* state = nullptr;
    int pending = 0;
  };

  LoopState& loop_for_key(const std::string& key);
  static std::string shard_key(const std::string& topics_key, std::size_t loop);
  // With live_mutex_ held and `reservation` empty.
  bool reserve(const std::string& key, Reservation& reservation);
  static std::int64_t wall_clock_ms();
  void on_caught_up(LoopState& state, Hub& hub);
  void attach_on_loop(LoopState& state, StreamPlan& plan, int fd, Reservation& reservation);
  // `linger_over`: called by the timer for a live hub that stayed empty for its linger.
  void on_hub_empty(LoopState& state, Hub& hub, bool linger_over = false);
  // Loop thread: ends the live hubs of `state` that stayed empty for live_hub_linger_ms.
  void end_lingering_hubs(LoopState& state, std::int64_t now_ms);
  void release_reservation(Reservation& reservation);

  EngineOptions options_;
  HubEnvironment env_;
  std::vector<std::unique_ptr<LoopState>> loops_;
  mutable std::mutex live_mutex_;
  std::map<std::string, LiveEntry> live_;
  std::atomic<std::size_t> private_hub_count_{0};
  Counter* replayed_resumes_ = nullptr;
  bool stopped_ = false;
};

}  // namespace eventstreams::streaming
