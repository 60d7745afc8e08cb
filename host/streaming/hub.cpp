#include "streaming/hub.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "pipeline/replay_batch.h"
#include "services/json_text.h"

namespace eventstreams::streaming {
namespace {

// Batches read per pump before yielding to the rest of the loop.
constexpr int kBatchesPerPump = 8;

}  // namespace

// Clients that receive the same bytes (same encoder, transforms and streams), and the
// pipeline stage that encodes each batch once for all of them.
struct Hub::Group {
  Group(std::string k, std::size_t index, pipeline::GroupEncoder enc,
        pipeline::GroupCompressor comp = {})
      : key(std::move(k)),
        encoder_index(index),
        encoder(std::move(enc)),
        compressor(std::move(comp)) {}
  std::string key;
  std::size_t encoder_index = 0;
  pipeline::GroupEncoder encoder;
  // For the members with a compressed body: the encoder's chunks compressed once for all.
  pipeline::GroupCompressor compressor;
  std::vector<std::shared_ptr<ClientConnection>> members;
  Counter* events_sent = nullptr;
  Counter* bytes_sent = nullptr;
  // eventstreams_connected_clients of each stream of the group's set.
  std::vector<Gauge*> connected;
  Counter* connections = nullptr;

  void count_connected(std::int64_t delta) const {
    for (Gauge* g : connected) g->add(delta);
  }
};

Hub::Hub(EventLoop& loop, const HubEnvironment& env, HubKey key, bool live,
         std::unique_ptr<SourceReader> reader, const std::vector<PartitionStart>& starts,
         const std::string& cluster_id, EmptyCallback on_empty)
    : loop_(loop),
      env_(env),
      key_(std::move(key)),
      live_(live),
      reader_(std::move(reader)),
      rewriter_(starts, cluster_id),
      on_empty_(std::move(on_empty)) {
  invalid_events_ =
      env_.metrics->counter("eventstreams_events_invalid_total",
                            "Kafka messages skipped because they are not JSON objects");
  start_replay_ring();
}

void Hub::start_replay_ring() {
  const std::size_t budget = live_ ? env_.live_replay_bytes : env_.catch_up_replay_bytes;
  if (ring_) {
    // A catch-up hub becoming live keeps its recent past (clients on their way may have
    // pinned it, and a crowd behind it resumes from it), under the live budget from now on;
    // with none, it keeps only what it must.
    ring_->set_budget(budget);
    return;
  }
  if (budget == 0) return;
  ring_ = std::make_unique<ReplayRing>(budget);
  ring_->start_at(rewriter_.ids().positions());
}

Hub::~Hub() {
  if (watching_ && reader_) loop_.unwatch(reader_->notify_fd());
  if (env_.stream_metrics != nullptr) env_.stream_metrics->lag_board().withdraw(this);
}

void Hub::start() {
  const int fd = reader_->notify_fd();
  if (fd >= 0) {
    if (const std::error_code ec = loop_.watch(fd, EPOLLIN, this)) {
      // Its reader cannot wake the loop: end its streams (clients resume with their ids).
      return fail({SourceStatus::Code::kError, "cannot watch the reader: " + ec.message()});
    }
    watching_ = true;
  }
  pump();  // events may already be queued
}

Hub::Group& Hub::group_for(StreamPlan& plan) {
  for (auto& g : groups_) {
    if (g->key == plan.group_key) return *g;
  }
  const EncoderEntry& enc = env_.encoders[plan.encoder_index];
  auto g = std::make_unique<Group>(
      plan.group_key, plan.encoder_index,
      pipeline::GroupEncoder(enc.factory->create(), std::move(plan.transforms)));
  const Label labels[] = {{"stream", plan.client.streams}, {"format", enc.name}};
  g->events_sent =
      env_.metrics->counter("eventstreams_events_sent_total", "Events sent to clients", labels);
  g->bytes_sent =
      env_.metrics->counter("eventstreams_bytes_sent_total", "Bytes sent to clients", labels);
  if (env_.stream_metrics != nullptr) {
    g->connected = env_.stream_metrics->connected_gauges(plan.client.streams);
    g->connections = env_.stream_metrics->connections_counter(plan.client.streams);
  }
  wants_ids_ = wants_ids_ || enc.factory->wants_ids();
  groups_.push_back(std::move(g));
  return *groups_.back();
}

void Hub::join(std::shared_ptr<ClientConnection> connection, StreamPlan& plan) {
  Group& g = group_for(plan);
  ClientConnection& c = *connection;
  add_member(std::move(connection), g);
  if (!g.encoder.usable()) refuse_unencodable(c, g);
}

void Hub::refuse_unencodable(ClientConnection& c, const Group& g) {
  const LogField fields[] = {{"encoder", env_.encoders[g.encoder_index].name},
                             {"request_id", c.client().request_id}};
  env_.logger->log_fields(LogLevel::kError, "the encoder plugin made no encoder: stream ends",
                          fields);
  // Its head is out: the stream can only end (the client sees no clean end of the body).
  c.close("the encoder plugin made no encoder");
}

void Hub::join_replay(std::shared_ptr<ClientConnection> connection, StreamPlan& plan,
                      std::uint64_t pin) {
  Group& g = group_for(plan);
  if (!g.encoder.usable()) {
    ClientConnection& c = *connection;
    add_member(std::move(connection), g);
    return refuse_unencodable(c, g);
  }
  // Copied out under the ring's lock (which pin() on HTTP threads waits for), encoded after
  // it; at most what the engine allowed, half of client_buffer_bytes.
  pipeline::ReplayBatch replay(plan.partitions, plan.cluster_id,
                               env_.encoders[g.encoder_index].factory->wants_ids());
  ring_->for_each_from(pin, [&](const std::string& topic, const Event& e, std::string_view value) {
    replay.add(topic, e, value);
  });
  if (!replay.batch().events.empty()) {
    const pipeline::Chunk chunk = g.encoder.encode_own(replay.batch());
    if (chunk.bytes) {
      std::size_t bytes = chunk.payload;
      if (connection->compressed()) {
        // A piece of its own, from the group's deflater: the group's stream is not disturbed.
        const pipeline::CompressedChunk piece = g.compressor.compress(chunk.payload_view());
        connection->enqueue(piece);
        bytes = piece.chunk.payload;
      } else {
        connection->enqueue(chunk);
      }
      connection->events_sent += g.encoder.frames();
      g.events_sent->add(g.encoder.frames());
      g.bytes_sent->add(bytes);
    }
  }
  add_member(std::move(connection), g);
}

void Hub::add_member(std::shared_ptr<ClientConnection> connection, Group& g) {
  connection->set_owner(this);
  connection->set_watermarks(watermarks());
  connection->group = &g;
  connection->group_index = g.members.size();
  g.members.push_back(connection);
  g.count_connected(1);
  if (g.connections != nullptr) g.connections->add(1);
  ++members_;
  idle_since_ms_ = -1;
  log_client("client connected", *connection, {});
  if (failed_) connection->finish();
  if (paused_ && connection->at_or_below_low_watermark()) on_drained(*connection);
}

Watermarks Hub::watermarks() const {
  return live_ ? Watermarks::live(env_.client_buffer_bytes)
               : Watermarks::catch_up(env_.client_buffer_bytes);
}

void Hub::log_client(const char* message, const ClientConnection& c,
                     std::span<const LogField> extra) {
  const ClientInfo& info = c.client();
  std::vector<LogField> fields{{"request_id", info.request_id},
                               {"client", info.address},
                               {"user_agent", info.user_agent},
                               {"streams", info.streams},
                               {"shared", live_}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  env_.logger->log_fields(LogLevel::kInfo, message, fields);
}

void Hub::on_io(std::uint32_t) {
  // The notify fd only says "the queue became non-empty": drain it, then read until empty.
  char buf[64];
  while (::read(reader_->notify_fd(), buf, sizeof buf) > 0) {
  }
  if (!pump_scheduled_) pump();
}

void Hub::pump() {
  pump_scheduled_ = false;
  if (failed_ || paused_ || !reader_) return;
  for (int i = 0; i < kBatchesPerPump; ++i) {
    raw_.clear();
    const SourceStatus status = reader_->poll(raw_, env_.batch_events);
    if (!raw_.events.empty()) process(raw_);
    if (!status.ok()) return fail(status);
    if (raw_.events.size() < env_.batch_events) {
      check_caught_up();
      // A reader that cannot notify is polled again soon.
      if (reader_->notify_fd() < 0) schedule_pump();
      return;
    }
    if (paused_ || failed_) return;
  }
  // More may be waiting: continue after the rest of the loop had its turn.
  schedule_pump();
}

void Hub::schedule_pump() {
  if (pump_scheduled_) return;
  pump_scheduled_ = true;
  loop_.defer([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->pump();
  });
}

void Hub::check_caught_up() {
  if (live_ || failed_ || paused_ || !on_caught_up_ || caught_up_scheduled_) return;
  if (!reader_->at_head()) return;
  // After this iteration's I/O, so a live hub woken by the same data has read it too.
  caught_up_scheduled_ = true;
  loop_.defer([weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->caught_up_scheduled_ = false;
      if (!self->live_ && !self->failed_ && self->on_caught_up_) self->on_caught_up_(*self);
    }
  });
}

void Hub::process(EventBatch& raw) {
  // Each event rewritten once for every client (SPEC 2.1), its id computed once.
  const std::size_t invalid = rewriter_.rewrite(raw, normalized_, wants_ids_);
  if (invalid > 0) {
    invalid_events_->add(invalid);
    invalid_since_log_ += invalid;
    // Once per burst, not once per message: the line counts every one since the last.
    std::uint64_t held_back = 0;
    if (invalid_log_.admit(loop_.now_ms(), held_back)) {
      const std::string hub = key_.text();
      const LogField fields[] = {{"hub", hub},
                                 {"skipped", static_cast<std::int64_t>(invalid_since_log_)}};
      env_.logger->log_fields(LogLevel::kWarn, "skipped Kafka messages that are not JSON objects",
                              fields);
      invalid_since_log_ = 0;
    }
  }
  // A live hub keeps the batch for clients resuming near the head, and delivers it from
  // there (normalized_ gets a recycled batch): whatever id a client saw, the ring has.
  const EventBatch& batch = ring_ ? ring_->append(normalized_) : normalized_;
  bool delivered = false;
  for (auto& g : groups_) {
    if (g->members.empty()) continue;
    deliver(*g, batch);
    delivered = true;
  }
  if (delivered) observe_delay(batch);
}

void Hub::observe_delay(const EventBatch& batch) {
  if (env_.stream_metrics == nullptr) return;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  for (const Event& e : batch.events) {
    if (e.timestamp < 0) continue;  // unknown
    delays_.observe(static_cast<double>(std::max<std::int64_t>(0, now - e.timestamp)) / 1000.0);
  }
  delays_.flush(env_.stream_metrics->delay(live_));
}

void Hub::post_lag(std::int64_t now_ms) {
  if (env_.stream_metrics == nullptr || !live_ || failed_ || !reader_) return;
  if (lag_posted_ms_ >= 0 && now_ms - lag_posted_ms_ < 1000) return;
  lag_posted_ms_ = now_ms;
  reader_->lag(lag_);
  env_.stream_metrics->lag_board().post(this, lag_);
}

void Hub::deliver(Group& g, const EventBatch& batch) {
  const pipeline::Chunk chunk = g.encoder.encode(batch);
  if (!chunk.bytes) return;
  const std::size_t frames = g.encoder.frames();

  // A snapshot: a write may find a client gone, and closing it removes it from g.members.
  // Closed connections are only retired, so the pointers stay valid through this loop.
  std::vector<ClientConnection*>& targets = delivery_targets_;
  targets.clear();
  for (auto& member : g.members) targets.push_back(member.get());
  const std::size_t receivers = targets.size();
  // Compressed once, on the first member that wants it, for every such member.
  pipeline::CompressedChunk compressed;
  std::size_t compressed_receivers = 0;
  std::vector<ClientConnection*> too_slow;
  for (ClientConnection* member : targets) {
    if (member->compressed()) {
      if (!compressed.chunk.bytes) compressed = g.compressor.compress(chunk.payload_view());
      member->enqueue(compressed);
      ++compressed_receivers;
    } else {
      member->enqueue(chunk);
    }
    member->events_sent += frames;
    member->flush();
    if (!member->open() || !member->above_high_watermark()) continue;
    // What to do about it is the hub's kind's (client_connection.h, Watermarks).
    if (live_) {
      too_slow.push_back(member);
    } else {
      paused_ = true;
    }
  }
  g.events_sent->add(frames * receivers);
  g.bytes_sent->add(chunk.payload * (receivers - compressed_receivers) +
                    compressed.chunk.payload * compressed_receivers);
  for (auto* c : too_slow) {
    services::count_error(*env_.metrics, "client_too_slow");
    c->close("client too slow: unsent data over client_buffer_bytes");
  }
}

void Hub::fail(const SourceStatus& status) {
  failed_.store(true, std::memory_order_release);
  if (env_.stream_metrics != nullptr) env_.stream_metrics->lag_board().withdraw(this);
  std::string error = "{\"type\":\"kafka_error\",\"title\":\"Kafka Error\",\"detail\":";
  services::append_json_string(error, status.message);
  error += "}";
  const std::string hub = key_.text();
  const LogField fields[] = {{"hub", hub}, {"error", status.message}};
  env_.logger->log_fields(LogLevel::kError, "source error ends the streams of a hub", fields);
  services::count_error(*env_.metrics, "source_error");
  // Copy: finishing a member may close it and shrink the list.
  for (auto& g : groups_) {
    if (g->members.empty()) continue;  // also: a group moved to the live hub, encoder and all
    const std::string frame = g->encoder.error_frame(error);
    const SharedBytes chunk = pipeline::shared_chunk(frame);
    pipeline::CompressedChunk compressed;
    auto members = g->members;
    for (auto& m : members) {
      if (m->compressed()) {
        if (!compressed.chunk.bytes) compressed = g->compressor.compress(frame);
        m->enqueue(compressed);
      } else {
        m->enqueue(chunk);
      }
      m->finish();
    }
  }
  if (on_empty_) on_empty_(*this);
}

void Hub::promote_to_live(std::int64_t now_wall_ms) {
  live_ = true;
  for (auto& g : groups_) {
    for (auto& m : g->members) m->set_watermarks(watermarks());
  }
  rewriter_.ids().caught_up_at(now_wall_ms);
  start_replay_ring();
  if (paused_) {
    // Live hubs drop slow clients instead of waiting for them. Read on from the loop, not
    // here: the engine calls this under its lock, and a delivery that closes a client ends
    // in the hub-empty callback, which takes that lock.
    paused_ = false;
    schedule_pump();
  }
}

void Hub::move_members_to(Hub& target) {
  for (auto& g : groups_) {
    if (g->members.empty()) continue;
    Group* into = nullptr;
    for (auto& tg : target.groups_) {
      if (tg->key == g->key) into = tg.get();
    }
    if (into == nullptr) {
      // The target has no such group yet: the group moves whole (encoder, transforms).
      target.wants_ids_ = target.wants_ids_ || env_.encoders[g->encoder_index].factory->wants_ids();
      target.groups_.push_back(std::make_unique<Group>(
          g->key, g->encoder_index, std::move(g->encoder), std::move(g->compressor)));
      into = target.groups_.back().get();
      into->events_sent = g->events_sent;
      into->bytes_sent = g->bytes_sent;
      into->connected = g->connected;
      into->connections = g->connections;
    }
    for (auto& m : g->members) {
      m->set_owner(&target);
      m->set_watermarks(target.watermarks());
      m->group = into;
      m->group_index = into->members.size();
      into->members.push_back(std::move(m));
      ++target.members_;
      target.idle_since_ms_ = -1;
      // Same streams, so the same gauges: nothing to move unless they differ.
      if (into->connected != g->connected) {
        g->count_connected(-1);
        into->count_connected(1);
      }
    }
    g->members.clear();
  }
  members_ = 0;
  if (on_empty_) on_empty_(*this);
}

void Hub::heartbeat(std::int64_t now_ms) {
  // Groups whose clients all left go here, outside any iteration over groups_.
  std::erase_if(groups_, [](const auto& g) { return g->members.empty(); });
  // An idle reader learns that it reached the end from a fetch response that brings no
  // event, so no wake-up: look again on the timer.
  check_caught_up();
  drop_stalled_members(now_ms);
  post_lag(now_ms);
  if (env_.heartbeat_interval_ms <= 0) return;
  for (auto& g : groups_) {
    auto members = g->members;
    for (auto& m : members) {
      if (now_ms - m->last_send_ms() >= env_.heartbeat_interval_ms && m->pending_bytes() == 0) {
        if (m->compressed()) {
          m->enqueue(g->compressor.heartbeat(g->encoder.heartbeat_frame()));
        } else {
          m->enqueue(g->encoder.heartbeat_chunk());
        }
        m->flush();
      }
    }
  }
}

void Hub::shutdown() {
  for (auto& g : groups_) {
    auto members = g->members;
    for (auto& m : members) {
      m->finish();
      if (m->open()) m->close("server shutdown");
    }
  }
}

void Hub::on_drained(ClientConnection& drained) {
  if (paused_ && !waits_for_laggard(&drained)) {
    paused_ = false;
    schedule_pump();
  }
}

bool Hub::behind_by_buffer(const ClientConnection& m) const {
  return m.open() && m.pending_bytes() > env_.client_buffer_bytes;
}

bool Hub::waits_for_laggard(const ClientConnection* except) const {
  // A catch-up hub shared by a crowd paused for a member over the high mark, and one has just
  // drained to the low mark: the crowd reads on, and a member a moment slower than the others
  // keeps receiving, up to client_buffer_bytes unsent. Past that the crowd waits for it,
  // unless it stopped reading (drop_stalled_members). A hub of one client waits for it anyway.
  if (live_ || members_ <= 1) return false;
  for (const auto& g : groups_) {
    for (const auto& m : g->members) {
      if (m.get() != except && behind_by_buffer(*m)) return true;
    }
  }
  return false;
}

void Hub::drop_stalled_members(std::int64_t now_ms) {
  if (live_ || !paused_ || members_ <= 1) return;
  std::vector<ClientConnection*> stalled;
  for (auto& g : groups_) {
    for (auto& m : g->members) {
      if (behind_by_buffer(*m) && now_ms - m->last_send_ms() >= kStalledMemberMs) {
        stalled.push_back(m.get());
      }
    }
  }
  if (stalled.empty()) return;
  for (ClientConnection* c : stalled) {
    services::count_error(*env_.metrics, "client_too_slow");
    c->close("client too slow: it stopped reading while others share its catch-up reader");
  }
  // The others may all be waiting with empty queues: no drain of theirs would wake the reader.
  if (!waits_for_laggard(nullptr)) {
    paused_ = false;
    schedule_pump();
  }
}

void Hub::on_closed(ClientConnection& c) {
  auto* g = static_cast<Group*>(c.group);
  std::shared_ptr<ClientConnection> keep;
  if (g && c.group_index < g->members.size() && g->members[c.group_index].get() == &c) {
    keep = g->members[c.group_index];
    std::swap(g->members[c.group_index], g->members.back());
    g->members[c.group_index]->group_index = c.group_index;
    g->members.pop_back();
    g->count_connected(-1);
    --members_;
  }
  const std::int64_t duration = loop_.now_ms() - c.client().connected_at_ms;
  const LogField extra[] = {{"reason", c.close_reason},
                            {"duration_ms", duration},
                            {"events_sent", static_cast<std::int64_t>(c.events_sent)}};
  log_client("client disconnected", c, extra);
  // The connection may be in the middle of its own call stack: free it after this iteration.
  if (keep) loop_.retire(std::move(keep));
  if (members_ == 0 && on_empty_) on_empty_(*this);
}

}  // namespace eventstreams::streaming
