#include "streaming/stream_engine.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>

#include "http/chunked.h"
#include "pipeline/deflater.h"
#include "streaming/start_plan.h"

namespace eventstreams::streaming {
namespace {

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Blocking: the socket from the HTTP server is still in blocking mode, with a send timeout.
bool send_all(int fd, std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

// What a Ticket carries from open() to start(): the plan (null for HEAD), the place it holds
// on a live hub, the bytes that follow the head.
struct Ticket::State {
  StreamEngine* engine = nullptr;
  std::unique_ptr<StreamPlan> plan;
  StreamEngine::Reservation reservation;
  std::string preamble_chunk;
  std::string truncated;
};

Ticket::Ticket(std::unique_ptr<State> state) : state_(std::move(state)) {}
Ticket::Ticket(Ticket&&) noexcept = default;
Ticket& Ticket::operator=(Ticket&&) noexcept = default;
Ticket::~Ticket() = default;

const std::string& Ticket::truncated() const {
  return state_->truncated;
}

bool Ticket::start(int fd, std::string_view head) && {
  std::unique_ptr<State> state = std::move(state_);
  // The head goes out blocking, bounded: a client that does not read it costs a pool thread
  // for at most this long.
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::string bytes(head);
  if (state->plan) bytes += state->preamble_chunk;
  const bool sent = send_all(fd, bytes);
  if (!sent || !state->plan) {
    ::close(fd);  // HEAD ends here; a client gone takes its plan and reservation with it
    return sent;
  }
  state->engine->attach(std::move(state->plan), fd, std::move(state->reservation));
  return true;
}

StreamEngine::Reservation& StreamEngine::Reservation::operator=(Reservation&& o) noexcept {
  if (this != &o) {
    release();
    engine_ = o.engine_;
    key_ = std::move(o.key_);
    replay_hub_ = std::move(o.replay_hub_);
    replay_pin_ = o.replay_pin_;
    counted_ = o.counted_;
    o.engine_ = nullptr;
  }
  return *this;
}

void StreamEngine::Reservation::release() {
  if (engine_) {
    engine_->release_reservation(*this);
    engine_ = nullptr;
    replay_hub_.reset();
    counted_ = false;
  }
}

StreamEngine::StreamEngine(const EngineOptions& options, SourceFactory& source,
                           std::vector<EncoderEntry> encoders, services::JsonLogger& logger,
                           services::MetricsRegistry& metrics)
    : options_(options), source_(source), stream_metrics_(metrics) {
  env_.encoders = std::move(encoders);
  env_.stream_metrics = &stream_metrics_;
  env_.logger = &logger;
  env_.metrics = &metrics;
  env_.heartbeat_interval_ms = options.heartbeat_interval_ms;
  env_.client_buffer_bytes = options.client_buffer_bytes;
  env_.batch_events = options.batch_events;
  env_.live_replay_bytes = options.live_replay_bytes;
  env_.catch_up_replay_bytes = options.catch_up_replay_bytes;
  replayed_resumes_ = metrics.counter(
      "eventstreams_resumes_replayed_total",
      "Resuming clients served from a live hub's recent events, without a reader of their own");
  shared_catch_ups_ = metrics.counter(
      "eventstreams_catch_up_shared_total",
      "Catch-up clients that joined another's catch-up reader (a crowd replaying the same past) "
      "instead of starting their own");
  const int n = std::max(1, options.loops);
  for (int i = 0; i < n; ++i) {
    auto state = std::make_unique<LoopState>();
    state->loop = std::make_unique<EventLoop>(&metrics, &logger);
    loops_.push_back(std::move(state));
  }
}

StreamEngine::~StreamEngine() {
  stop();
}

void StreamEngine::start() {
  const std::int64_t hb = options_.heartbeat_interval_ms;
  std::int64_t tick = hb > 0 ? std::clamp<std::int64_t>(hb / 2, 10, 1000) : 1000;
  if (options_.live_hub_linger_ms > 0) {
    tick = std::min(tick, std::max<std::int64_t>(10, options_.live_hub_linger_ms / 4));
  }
  for (auto& state : loops_) {
    LoopState* s = state.get();
    s->loop->start();
    s->loop->post([this, s, tick] {
      s->loop->every(tick, [this, s](std::int64_t now) {
        for (auto& [ptr, hub] : s->hubs) hub->heartbeat(now);
        end_lingering_hubs(*s, now);
      });
    });
  }
}

void StreamEngine::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& state : loops_) {
    LoopState* s = state.get();
    s->loop->stop([this, s] {
      // Copy: shutting a hub down may empty it and remove it from the map.
      std::vector<std::shared_ptr<Hub>> hubs;
      for (auto& [ptr, hub] : s->hubs) hubs.push_back(hub);
      for (auto& hub : hubs) hub->shutdown();
      s->hubs.clear();
      std::lock_guard lock(live_mutex_);
      std::erase_if(live_, [s](const auto& kv) { return kv.second.state == s; });
    });
  }
}

std::int64_t StreamEngine::wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Expected<Ticket, Problem> StreamEngine::open(StreamRequest request) {
  const int timeout = options_.start_timeout_ms;
  std::vector<TopicPartitions> layout;
  if (auto s = source_.describe(request.topics, layout, timeout); !s.ok()) {
    return unexpected(source_problem(s));
  }
  // Known once metadata arrived, which describe() just made sure of.
  const std::string cluster = source_.cluster_id();
  auto specs = start_specs(cluster, request.since, request.last_event_id, layout);
  if (!specs) return unexpected(std::move(specs.error()));

  auto state = std::make_unique<Ticket::State>();
  state->engine = this;
  auto plan = std::make_unique<StreamPlan>();
  plan->topics = std::move(request.topics);
  plan->live = !request.since && request.last_event_id.empty();
  plan->cluster_id = cluster;
  plan->encoder_index = request.encoder_index;
  plan->group_key = std::move(request.group_key);
  plan->transforms = std::move(request.transforms);
  plan->coded = pipeline::CodedStream(request.coding);
  plan->client = std::move(request.client);
  plan->slot = std::move(request.slot);
  const bool head_only = request.head_only;
  const std::string topics = join(plan->topics, ',');
  Reservation& reservation = state->reservation;
  plan->hub_key = place(topics, plan->live, reservation);

  const std::int64_t now = wall_clock_ms();
  // An EventSource reconnect to this cluster, a little behind a live hub: its recent events
  // serve it, without a reader of its own and without asking Kafka where it starts.
  if (!reservation && !plan->live && !head_only) {
    if (auto starts = exact_starts(*specs, now)) {
      if (auto key = place_resume(topics, *starts, reservation)) {
        plan->hub_key = std::move(*key);
        plan->partitions = std::move(*starts);
      }
    }
  }
  if (!reservation) {
    std::vector<StartPosition> positions;
    if (auto s = source_.resolve(*specs, positions, timeout); !s.ok()) {
      return unexpected(source_problem(s));
    }
    state->truncated = truncated_partitions(positions);
    plan->partitions = resolved_starts(*specs, positions, now);
    if (!head_only) {
      // Resuming from a time (since, or an id from another cluster) a little behind a live
      // hub: its recent events serve it too. Otherwise a reader from the positions.
      std::optional<HubKey> replay;
      if (!plan->live) replay = place_resume(topics, plan->partitions, reservation);
      if (replay) {
        plan->hub_key = std::move(*replay);
      } else if (auto s = source_.open(positions, plan->reader); !s.ok()) {
        return unexpected(source_problem(s));
      }
    }
  }
  if (!head_only) {
    const std::string preamble = env_.encoders[plan->encoder_index].factory->preamble();
    if (plan->coded.compressed()) {
      // The body starts with its own header (gzip or zlib), then the preamble compressed.
      state->preamble_chunk = http::make_chunk(pipeline::compressed_start(plan->coded, preamble));
    } else if (!preamble.empty()) {
      state->preamble_chunk = http::make_chunk(preamble);
    }
    state->plan = std::move(plan);
  }
  return Ticket(std::move(state));
}

HubKey StreamEngine::place(const std::string& topics, bool live, Reservation& reservation) {
  reservation.release();  // before the lock: releasing takes it
  std::lock_guard lock(live_mutex_);
  // The least loaded live hub of the topic set, and the first loop without one.
  std::optional<HubKey> best;
  std::size_t best_load = SIZE_MAX;
  std::size_t free_loop = SIZE_MAX;
  const std::size_t first = std::hash<std::string>{}(topics) % loops_.size();
  for (std::size_t n = 0; n < loops_.size(); ++n) {
    const std::size_t loop = (first + n) % loops_.size();
    HubKey key{topics, loop};
    auto it = live_.find(key);
    if (it == live_.end() || !it->second.hub || it->second.hub->failed()) {
      if (free_loop == SIZE_MAX) free_loop = loop;
      continue;
    }
    const std::size_t load =
        it->second.hub->members() + static_cast<std::size_t>(it->second.pending);
    if (load < best_load) {
      best_load = load;
      best = std::move(key);
    }
  }
  if (!best) return HubKey{topics, free_loop};
  if (!live) return *best;
  if (best_load >= options_.live_hub_clients && free_loop != SIZE_MAX) {
    return HubKey{topics, free_loop};
  }
  reserve(*best, reservation);
  return *best;
}

bool StreamEngine::reserve(const HubKey& key, Reservation& reservation) {
  auto it = live_.find(key);
  if (it == live_.end() || !it->second.hub) return false;
  ++it->second.pending;
  reservation.engine_ = this;
  reservation.key_ = key;
  reservation.counted_ = true;
  return true;
}

std::optional<HubKey> StreamEngine::place_resume(const std::string& topics,
                                                 std::vector<PartitionStart>& starts,
                                                 Reservation& reservation) {
  reservation.release();  // before the lock: releasing takes it
  std::lock_guard lock(live_mutex_);
  for (std::size_t loop = 0; options_.live_replay_bytes > 0 && loop < loops_.size(); ++loop) {
    HubKey key{topics, loop};
    auto it = live_.find(key);
    if (it == live_.end() || !it->second.hub || it->second.hub->failed()) continue;
    ReplayRing* ring = it->second.hub->replay_ring();
    if (ring == nullptr) continue;
    // What it lacks goes into its buffer at once: at most half, so the live events that
    // follow do not find it over client_buffer_bytes.
    if (auto pin = ring->pin(starts, options_.client_buffer_bytes / 2)) {
      reserve(key, reservation);
      reservation.replay_hub_ = it->second.hub;
      reservation.replay_pin_ = *pin;
      replayed_resumes_->add();
      return key;
    }
  }
  return place_catch_up(topics, starts, reservation);
}

std::optional<HubKey> StreamEngine::place_catch_up(const std::string& topics,
                                                   std::vector<PartitionStart>& starts,
                                                   Reservation& reservation) {
  // A catch-up hub stands in the past: "the head" is not where it is.
  for (const auto& s : starts) {
    if (s.offset == ReplayRing::kAtHead) return std::nullopt;
  }
  auto [first, last] = catch_up_.equal_range(topics);
  for (auto it = first; it != last;) {
    std::shared_ptr<Hub> hub = it->second.lock();
    if (!hub || hub->live()) {  // ended, or the live hub now (its ring is a live one)
      it = catch_up_.erase(it);
      continue;
    }
    ReplayRing* ring = hub->replay_ring();
    if (!hub->failed() && ring != nullptr) {
      if (auto pin = ring->pin(starts, options_.client_buffer_bytes / 2)) {
        reservation.engine_ = this;
        reservation.key_ = hub->key();
        reservation.replay_hub_ = hub;
        reservation.replay_pin_ = *pin;
        shared_catch_ups_->add();
        return hub->key();
      }
    }
    ++it;
  }
  return std::nullopt;
}

void StreamEngine::release_reservation(Reservation& reservation) {
  std::lock_guard lock(live_mutex_);
  if (auto hub = reservation.replay_hub_.lock()) hub->replay_ring()->unpin(reservation.replay_pin_);
  if (!reservation.counted_) return;  // a catch-up hub's: no place to give back
  auto it = live_.find(reservation.key_);
  if (it == live_.end()) return;
  if (--it->second.pending > 0) return;
  // The hub may have emptied while the reservation held it: its loop decides, at once when
  // this is its thread (a client just attached), else soon (a ticket dropped unused).
  LoopState* state = it->second.state;
  std::weak_ptr<Hub> weak = it->second.hub;
  if (state->loop->in_loop_thread()) {
    // After the lock: the hub-empty path takes it.
    state->loop->defer([this, state, weak] { on_reservations_released(*state, weak); });
  } else {
    state->loop->post([this, state, weak] { on_reservations_released(*state, weak); });
  }
}

void StreamEngine::on_reservations_released(LoopState& state, const std::weak_ptr<Hub>& weak) {
  if (auto hub = weak.lock(); hub && hub->empty()) on_hub_empty(state, *hub);
}

std::size_t StreamEngine::live_hubs() const {
  std::lock_guard lock(live_mutex_);
  return live_.size();
}

void StreamEngine::attach(std::unique_ptr<StreamPlan> plan, int fd, Reservation reservation) {
  // Sockets from the HTTP server are blocking; the loop needs them non-blocking, and events
  // must not wait for Nagle's algorithm. A socket that refuses is closed: the client retries.
  if (const std::error_code ec = prepare_stream_socket(fd)) {
    const LogField fields[] = {{"error", ec.message()}};
    env_.logger->log_fields(LogLevel::kWarn, "stream socket setup failed; connection closed",
                            fields);
    ::close(fd);
    return;
  }
  // The key names the loop: a catch-up client and the live hub it will join share it, so the
  // move happens within one thread.
  LoopState& state = *loops_[plan->hub_key.loop % loops_.size()];
  std::shared_ptr<StreamPlan> shared_plan = std::move(plan);
  auto shared_res = std::make_shared<Reservation>(std::move(reservation));
  state.loop->post([this, &state, shared_plan, fd, shared_res] {
    attach_on_loop(state, *shared_plan, fd, *shared_res);
  });
}

void StreamEngine::attach_on_loop(LoopState& state, StreamPlan& plan, int fd,
                                  Reservation& reservation) {
  EventLoop& loop = *state.loop;
  plan.client.connected_at_ms = loop.now_ms();
  auto connection = std::make_shared<ClientConnection>(loop, fd, plan.client, std::move(plan.slot));
  connection->set_coding(plan.coded);
  // The loop could not watch it (out of descriptors or memory): it is closed and counted.
  if (!connection->open()) return;

  std::shared_ptr<Hub> hub;
  if (plan.live) {
    std::lock_guard lock(live_mutex_);
    auto it = live_.find(plan.hub_key);
    if (it != live_.end() && it->second.hub) hub = it->second.hub;
  } else if (auto replay = reservation.replay_hub_.lock(); replay && !replay->failed()) {
    replay->join_replay(connection, plan, reservation.replay_pin_);
    reservation.release();
    connection->flush();
    return;
  }
  if (!hub) {
    if (!plan.reader) {
      // The reserved hub failed meanwhile (its reader reported an error): end this stream
      // too; the client reconnects with its id and gets a fresh hub.
      connection->close("the stream's source failed before the client joined");
      return;
    }
    const bool live = plan.live;
    hub = std::make_shared<Hub>(loop, env_, plan.hub_key, live, std::move(plan.reader),
                                plan.partitions, plan.cluster_id,
                                [this, &state](Hub& h) { on_hub_empty(state, h); });
    state.hubs[hub.get()] = hub;
    if (live) {
      std::lock_guard lock(live_mutex_);
      LiveEntry& entry = live_[plan.hub_key];
      entry.hub = hub;
      entry.state = &state;
    } else {
      private_hub_count_.fetch_add(1);
      hub->set_caught_up_callback([this, &state](Hub& h) { on_caught_up(state, h); });
      if (hub->replay_ring() != nullptr) {
        std::lock_guard lock(live_mutex_);
        catch_up_.emplace(plan.hub_key.topics, hub);
      }
    }
    hub->join(connection, plan);
    hub->start();
  } else {
    plan.reader.reset();  // another request created the hub meanwhile
    hub->join(connection, plan);
  }
  reservation.release();
  connection->flush();
}

void StreamEngine::on_caught_up(LoopState& state, Hub& hub) {
  if (hub.live() || hub.failed() || hub.empty()) return;
  std::shared_ptr<Hub> live;
  {
    std::lock_guard lock(live_mutex_);
    auto it = live_.find(hub.key());
    if (it == live_.end()) {
      // No live hub for these topics: this one, at the head now, becomes it.
      auto self = state.hubs.find(&hub);
      if (self == state.hubs.end()) return;
      LiveEntry& entry = live_[hub.key()];
      entry.hub = self->second;
      entry.state = &state;
      private_hub_count_.fetch_sub(1);
      hub.promote_to_live(wall_clock_ms());
      return;
    }
    if (!it->second.hub || it->second.state != &state || it->second.hub->failed()) return;
    live = it->second.hub;
  }
  // Its client moves only where it would neither miss nor repeat an event.
  if (hub.same_position(*live)) hub.move_members_to(*live);
}

void StreamEngine::end_lingering_hubs(LoopState& state, std::int64_t now_ms) {
  std::vector<Hub*> over;
  for (auto& [ptr, hub] : state.hubs) {
    if (hub->live() && hub->empty() && hub->idle_since_ms() >= 0 &&
        now_ms - hub->idle_since_ms() >= options_.live_hub_linger_ms) {
      over.push_back(ptr);
    }
  }
  for (Hub* hub : over) on_hub_empty(state, *hub, /*linger_over=*/true);
}

void StreamEngine::on_hub_empty(LoopState& state, Hub& hub, bool linger_over) {
  if (hub.live()) {
    std::lock_guard lock(live_mutex_);
    auto it = live_.find(hub.key());
    if (it != live_.end() && it->second.hub.get() == &hub) {
      // A failed hub takes no new clients: the next request starts a fresh one. Otherwise
      // a client on its way (a reservation) keeps the hub.
      if (!hub.failed() && (it->second.pending > 0 || !hub.empty())) return;
      // An empty live hub stays registered, reading, for live_hub_linger_ms: the next live
      // client of its topics joins it without starting a consumer.
      if (!hub.failed() && !linger_over && options_.live_hub_linger_ms > 0) {
        if (hub.idle_since_ms() < 0) hub.set_idle_since(state.loop->now_ms());
        return;
      }
      live_.erase(it);
    }
  }
  if (!hub.empty()) return;
  auto it = state.hubs.find(&hub);
  if (it == state.hubs.end()) return;
  if (!hub.live()) {
    private_hub_count_.fetch_sub(1);
    std::lock_guard lock(live_mutex_);
    auto [first, last] = catch_up_.equal_range(hub.key().topics);
    for (auto c = first; c != last; ++c) {
      if (c->second.lock().get() == &hub) {
        catch_up_.erase(c);
        break;
      }
    }
  }
  // Destroyed after this iteration: the hub may be on the call stack.
  state.loop->retire(std::move(it->second));
  state.hubs.erase(it);
}

}  // namespace eventstreams::streaming
