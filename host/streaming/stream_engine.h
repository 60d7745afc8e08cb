// The streaming engine: event loops that own client sockets once their headers are sent,
// and the hubs that feed them (SPEC 2, 6; issue 4's scale design).
//
// One way in. An HTTP handler thread calls open() with the validated request; the engine
// decides how it is served (a live hub, a replay of a live hub's recent events, or a reader
// of its own) and answers with a Ticket, or with the problem that refuses it. The handler then
// calls Ticket::start() with the socket: the head and preamble go out, and from then on an
// event loop serves the client and no pool thread does.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/expected.h"
#include "common/problem.h"
#include "eventstreams/source.h"
#include "streaming/event_loop.h"
#include "streaming/hub.h"
#include "streaming/stream_plan.h"
#include "streaming/stream_request.h"

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
  // The same for each catch-up hub: a client whose start lies within a catch-up hub's recent
  // batches (a crowd replaying the same past) joins it after a replay from memory, instead of
  // a Kafka consumer of its own. 0 turns it off.
  std::size_t catch_up_replay_bytes = 1 << 20;
  // Bound on the source's look-ups (layout, start positions) before the headers.
  int start_timeout_ms = 10000;
};

class StreamEngine;

// A request the engine will serve. Moved, not copied; dropping it unused gives everything it
// holds back (a reader, a place on a live hub, the client's connection slot).
class Ticket {
 public:
  Ticket(Ticket&&) noexcept;
  Ticket& operator=(Ticket&&) noexcept;
  ~Ticket();

  // "topic/partition,..." of the partitions whose requested start lay before the oldest
  // retained event (the X-Replay-Truncated header); "" when none.
  const std::string& truncated() const;

  // HTTP thread: writes `head` and the encoder's preamble (as a chunk) on `fd`, blocking for
  // at most the send timeout, then hands the socket to an event loop (HEAD: closes it).
  // Takes `fd` whatever happens; false when the client was gone before its head was out.
  bool start(int fd, std::string_view head) &&;

 private:
  friend class StreamEngine;
  struct State;
  explicit Ticket(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class StreamEngine {
 public:
  StreamEngine(const EngineOptions& options, SourceFactory& source,
               std::vector<EncoderEntry> encoders, services::JsonLogger& logger,
               services::MetricsRegistry& metrics);
  ~StreamEngine();

  void start();
  // Ends every stream cleanly, destroys every hub (and so every reader), stops the loops.
  void stop();

  // From a handler thread: how the request will be served, or why it cannot be (SPEC 4:
  // a topic or partition that does not exist, the source failing or timing out).
  Expected<Ticket, Problem> open(StreamRequest request);

  // A promise to join an existing live hub: while held, the hub is not torn down. Held by a
  // Ticket until its client is attached on the hub's loop.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& o) noexcept
        : engine_(o.engine_),
          key_(std::move(o.key_)),
          replay_hub_(std::move(o.replay_hub_)),
          replay_pin_(o.replay_pin_),
          counted_(o.counted_) {
      o.engine_ = nullptr;
    }
    Reservation& operator=(Reservation&& o) noexcept;
    ~Reservation() { release(); }
    explicit operator bool() const { return engine_ != nullptr; }
    void release();

   private:
    friend class StreamEngine;
    StreamEngine* engine_ = nullptr;
    HubKey key_;
    std::weak_ptr<Hub> replay_hub_;  // set with a pin when the hub's replay ring serves it
    std::uint64_t replay_pin_ = 0;
    bool counted_ = false;  // holds a place on a live hub (LiveEntry::pending)
  };

  // Hubs running now (live, private): for metrics and tests.
  std::size_t live_hubs() const;
  std::size_t private_hubs() const { return private_hub_count_.load(); }

 private:
  friend class Ticket;  // start() attaches the client
  struct LoopState {
    std::unique_ptr<EventLoop> loop;
    std::unordered_map<Hub*, std::shared_ptr<Hub>> hubs;
  };
  struct LiveEntry {
    std::shared_ptr<Hub> hub;  // set once the hub exists
    LoopState* state = nullptr;
    int pending = 0;
  };

  // The hub key of a new client of the topic set `topics`. A live client is given the least
  // loaded live hub of the topic set and a reservation on it, so the plan needs no reader of
  // its own; it gets no reservation when there is no live hub yet, or when all have
  // live_hub_clients members and a loop has none (the key then names that loop and the
  // client's reader starts a live hub there). A catch-up client goes where it will join a
  // live hub once at the head.
  HubKey place(const std::string& topics, bool live, Reservation& reservation);
  // For a client resuming from `starts` (every partition of its topics; ReplayRing::kAtHead
  // for "the end"): the key of a live hub whose replay ring holds every event the client
  // lacks, with a reservation that pins them, and the kAtHead entries set to that hub's
  // position; else, when `starts` names every offset, of a catch-up hub whose ring does (a
  // crowd replaying the same past); nothing (and no reservation) when none does.
  std::optional<HubKey> place_resume(const std::string& topics, std::vector<PartitionStart>& starts,
                                     Reservation& reservation);
  // With live_mutex_ held: the catch-up half of place_resume().
  std::optional<HubKey> place_catch_up(const std::string& topics,
                                       std::vector<PartitionStart>& starts,
                                       Reservation& reservation);
  // With live_mutex_ held and `reservation` empty.
  bool reserve(const HubKey& key, Reservation& reservation);
  // HTTP thread, from Ticket::start(): `fd` (headers sent) is the client's socket, owned now.
  void attach(std::unique_ptr<StreamPlan> plan, int fd, Reservation reservation);
  static std::int64_t wall_clock_ms();
  void on_caught_up(LoopState& state, Hub& hub);
  void attach_on_loop(LoopState& state, StreamPlan& plan, int fd, Reservation& reservation);
  // Loop thread: a live hub's last reservation went; it may have emptied meanwhile.
  void on_reservations_released(LoopState& state, const std::weak_ptr<Hub>& hub);
  // `linger_over`: called by the timer for a live hub that stayed empty for its linger.
  void on_hub_empty(LoopState& state, Hub& hub, bool linger_over = false);
  // Loop thread: ends the live hubs of `state` that stayed empty for live_hub_linger_ms.
  void end_lingering_hubs(LoopState& state, std::int64_t now_ms);
  void release_reservation(Reservation& reservation);

  EngineOptions options_;
  SourceFactory& source_;
  StreamMetrics stream_metrics_;
  HubEnvironment env_;
  std::vector<std::unique_ptr<LoopState>> loops_;
  mutable std::mutex live_mutex_;
  std::map<HubKey, LiveEntry> live_;
  // Catch-up hubs with a replay ring, by topic set, for crowds to share (live_mutex_).
  std::multimap<std::string, std::weak_ptr<Hub>> catch_up_;
  std::atomic<std::size_t> private_hub_count_{0};
  Counter* replayed_resumes_ = nullptr;
  Counter* shared_catch_ups_ = nullptr;
  bool stopped_ = false;
};

}  // namespace eventstreams::streaming
