#include "streaming/hub.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>

#include "http/chunked.h"
#include "pipeline/meta_rewriter.h"
#include "services/json_text.h"

namespace eventstreams::streaming {
namespace {

// Bytes reserved in front of each group buffer for the chunk-size line ("%x\r\n").
constexpr std::size_t kChunkHeaderRoom = 10;
// Batches read per pump before yielding to the rest of the loop.
constexpr int kBatchesPerPump = 8;

// Writes "<hex size>\r\n" right-aligned into the reserved room; returns where it starts.
std::size_t write_chunk_header(std::string& buf, std::size_t payload_size) {
  const std::string line = http::chunk_size_line(payload_size);
  const std::size_t start = kChunkHeaderRoom - line.size();
  buf.replace(start, line.size(), line);
  return start;
}

SharedBytes shared_chunk(std::string_view payload) {
  return std::make_shared<const std::string>(http::make_chunk(payload));
}

}  // namespace

struct Hub::Group {
  std::string key;
  std::size_t encoder_index = 0;
  std::unique_ptr<Encoder> encoder;
  std::vector<std::unique_ptr<Transform>> transforms;
  std::vector<std::shared_ptr<ClientConnection>> members;
  SharedBytes heartbeat_chunk;
  EventBatch scratch;  // a copy of the batch for this group's transforms
  std::vector<EncodedFrame> frames;
  Counter* events_sent = nullptr;
  Counter* bytes_sent = nullptr;
  std::atomic<std::int64_t>* connected = nullptr;
};

Hub::Hub(EventLoop& loop, const HubEnvironment& env, HubKey key, bool live,
         std::unique_ptr<SourceReader> reader, const std::vector<PartitionStart>& starts,
         const std::string& cluster_id, EmptyCallback on_empty)
    : loop_(loop),
      env_(env),
      key_(std::move(key)),
      live_(live),
      reader_(std::move(reader)),
      ids_(starts, cluster_id),
      on_empty_(std::move(on_empty)) {
  invalid_events_ =
      env_.metrics->counter("eventstreams_events_invalid_total",
                            "Kafka messages skipped because they are not JSON objects");
  if (live_) start_replay_ring();
}

void Hub::start_replay_ring() {
  if (env_.live_replay_bytes == 0) return;
  ring_ = std::make_unique<ReplayRing>(env_.live_replay_bytes);
  ring_->start_at(ids_.positions());
}

Hub::~Hub() {
  if (watching_ && reader_) loop_.unwatch(reader_->notify_fd());
}

void Hub::start() {
  const int fd = reader_->notify_fd();
  if (fd >= 0) {
    loop_.watch(fd, EPOLLIN, this);
    watching_ = true;
  }
  pump();  // events may already be queued
}

Hub::Group& Hub::group_for(StreamPlan& plan) {
  for (auto& g : groups_) {
    if (g->key == plan.group_key) return *g;
  }
  auto g = std::make_unique<Group>();
  g->key = plan.group_key;
  g->encoder_index = plan.encoder_index;
  const EncoderEntry& enc = env_.encoders[plan.encoder_index];
  g->encoder = enc.factory->create();
  g->transforms = std::move(plan.transforms);
  std::string hb;
  g->encoder->heartbeat(hb);
  g->heartbeat_chunk = shared_chunk(hb);
  std::string labels = "stream=";
  services::append_json_string(labels, plan.client.streams);
  labels += ",format=";
  services::append_json_string(labels, enc.name);
  g->events_sent =
      env_.metrics->counter("eventstreams_events_sent_total", "Events sent to clients", labels);
  g->bytes_sent =
      env_.metrics->counter("eventstreams_bytes_sent_total", "Bytes sent to clients", labels);
  std::string stream_label = "stream=";
  services::append_json_string(stream_label, plan.client.streams);
  g->connected =
      env_.metrics->gauge("eventstreams_connected_clients", "Clients connected now", stream_label);
  wants_ids_ = wants_ids_ || enc.factory->wants_ids();
  groups_.push_back(std::move(g));
  return *groups_.back();
}

void Hub::join(std::shared_ptr<ClientConnection> connection, StreamPlan& plan) {
  add_member(std::move(connection), group_for(plan));
}

void Hub::join_replay(std::shared_ptr<ClientConnection> connection, StreamPlan& plan,
                      std::uint64_t pin) {
  Group& g = group_for(plan);
  const bool ids_wanted = env_.encoders[g.encoder_index].factory->wants_ids();
  // The client's own ids until it stands where the hub does; the hub's from then on.
  ResumeIds ids(plan.partitions, plan.cluster_id);
  struct Want {
    std::string_view topic;
    std::int32_t partition;
    std::int64_t next;
    int slot;
  };
  std::vector<Want> wants;
  for (const PartitionStart& p : plan.partitions) {
    wants.push_back({p.topic, p.partition, p.offset, ids.topic_slot(p.topic)});
  }
  // Copied out under the ring's lock (which pin() on HTTP threads waits for), encoded after
  // it; at most what place_resume() allowed, half of client_buffer_bytes.
  EventBatch out;
  ring_->for_each_from(pin, [&](const std::string& topic, const Event& e, std::string_view value) {
    auto w = std::find_if(wants.begin(), wants.end(), [&](const Want& x) {
      return x.partition == e.partition && x.topic == topic;
    });
    if (w == wants.end() || e.offset < w->next) return;  // it has this one already
    w->next = e.offset + 1;
    ids.advance(w->slot, e.partition, e.offset, e.timestamp);
    if (e.dropped) return;
    Event copy = e;
    auto t = std::find(out.topics.begin(), out.topics.end(), topic);
    if (t == out.topics.end()) t = out.topics.insert(out.topics.end(), topic);
    copy.topic = static_cast<std::uint32_t>(t - out.topics.begin());
    copy.value = out.store(value);
    copy.key = {};
    copy.id = {};
    if (ids_wanted) {
      const std::size_t id_start = out.arena.size();
      ids.append_id(out.arena);
      copy.id = {static_cast<std::uint32_t>(id_start),
                 static_cast<std::uint32_t>(out.arena.size() - id_start)};
    }
    out.events.push_back(copy);
  });
  if (!out.events.empty()) {
    for (auto& t : g.transforms) t->apply(out);
    const Chunk chunk = encode(g, out);
    if (chunk.bytes) {
      connection->enqueue(chunk.bytes, chunk.start, chunk.length);
      connection->events_sent += g.frames.size();
      g.events_sent->add(g.frames.size());
      g.bytes_sent->add(chunk.payload);
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
  g.connected->fetch_add(1);
  ++members_;
  idle_since_ms_ = -1;
  log_client("client connected", *connection, "");
  if (failed_) connection->finish();
  if (paused_ && connection->at_or_below_low_watermark()) on_drained(*connection);
}

Watermarks Hub::watermarks() const {
  return live_ ? Watermarks::live(env_.client_buffer_bytes)
               : Watermarks::catch_up(env_.client_buffer_bytes);
}

void Hub::log_client(const char* message, const ClientConnection& c, const std::string& extra) {
  const ClientInfo& info = c.client();
  std::string fields = "{\"request_id\":";
  services::append_json_string(fields, info.request_id);
  fields += ",\"client\":";
  services::append_json_string(fields, info.address);
  fields += ",\"user_agent\":";
  services::append_json_string(fields, info.user_agent);
  fields += ",\"streams\":";
  services::append_json_string(fields, info.streams);
  fields += ",\"shared\":";
  fields += live_ ? "true" : "false";
  fields += extra;
  fields += "}";
  env_.logger->log(LogLevel::kInfo, message, fields);
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
  // Rewrite each event once for every client: meta.topic/partition/offset/key (SPEC 2.1),
  // compact JSON; ids computed once per event.
  normalized_.clear();
  if (normalized_.topics.size() != raw.topics.size()) normalized_.topics = raw.topics;
  while (topic_slots_.size() < raw.topics.size()) {
    topic_slots_.push_back(ids_.topic_slot(raw.topics[topic_slots_.size()]));
  }
  std::string& arena = normalized_.arena;
  for (const Event& e : raw.events) {
    Event out = e;
    const std::string_view key = raw.key(e);
    pipeline::MetaFields meta{raw.topic(e), e.partition, e.offset, e.has_key ? &key : nullptr};
    const std::size_t start = arena.size();
    if (!pipeline::rewrite_event(raw.value(e), meta, arena)) {
      out.dropped = true;
      out.value = {};
      invalid_events_->add();
      ++invalid_since_log_;
    } else {
      out.value = {static_cast<std::uint32_t>(start),
                   static_cast<std::uint32_t>(arena.size() - start)};
    }
    out.key = {};
    out.has_key = false;
    ids_.advance(topic_slots_[e.topic], e.partition, e.offset, e.timestamp);
    if (wants_ids_ && !out.dropped) {
      const std::size_t id_start = arena.size();
      ids_.append_id(arena);
      out.id = {static_cast<std::uint32_t>(id_start),
                static_cast<std::uint32_t>(arena.size() - id_start)};
    }
    normalized_.events.push_back(out);
  }
  if (invalid_since_log_ > 0 && loop_.now_ms() - last_invalid_log_ms_ >= 10000) {
    // Once per burst, not once per message.
    std::string fields = "{\"hub\":";
    services::append_json_string(fields, key_.text());
    fields += ",\"skipped\":" + std::to_string(invalid_since_log_) + "}";
    env_.logger->log(LogLevel::kWarn, "skipped Kafka messages that are not JSON objects", fields);
    last_invalid_log_ms_ = loop_.now_ms();
    invalid_since_log_ = 0;
  }
  // A live hub keeps the batch for clients resuming near the head, and delivers it from
  // there (normalized_ gets a recycled batch): whatever id a client saw, the ring has.
  const EventBatch& batch = ring_ ? ring_->append(normalized_) : normalized_;
  for (auto& g : groups_) {
    if (g->members.empty()) continue;
    if (g->transforms.empty()) {
      deliver(*g, batch);
    } else {
      g->scratch.topics = batch.topics;
      g->scratch.events = batch.events;
      g->scratch.arena = batch.arena;
      for (auto& t : g->transforms) t->apply(g->scratch);
      deliver(*g, g->scratch);
    }
  }
}

Hub::Chunk Hub::encode(Group& g, const EventBatch& batch) {
  auto buffer = std::make_shared<std::string>();
  buffer->reserve(kChunkHeaderRoom + batch.arena.size() + batch.events.size() * 48 + 2);
  buffer->append(kChunkHeaderRoom, ' ');
  g.frames.clear();
  g.encoder->encode(batch, *buffer, g.frames);
  if (g.frames.empty()) return {};
  Chunk chunk;
  chunk.payload = buffer->size() - kChunkHeaderRoom;
  chunk.start = write_chunk_header(*buffer, chunk.payload);
  buffer->append("\r\n");
  chunk.length = buffer->size() - chunk.start;
  chunk.bytes = std::move(buffer);
  return chunk;
}

void Hub::deliver(Group& g, const EventBatch& batch) {
  const Chunk chunk = encode(g, batch);
  if (!chunk.bytes) return;

  // A snapshot: a write may find a client gone, and closing it removes it from g.members.
  // Closed connections are only retired, so the pointers stay valid through this loop.
  std::vector<ClientConnection*>& targets = delivery_targets_;
  targets.clear();
  for (auto& member : g.members) targets.push_back(member.get());
  const std::size_t receivers = targets.size();
  std::vector<ClientConnection*> too_slow;
  for (ClientConnection* member : targets) {
    member->enqueue(chunk.bytes, chunk.start, chunk.length);
    member->events_sent += g.frames.size();
    member->flush();
    if (!member->open() || !member->above_high_watermark()) continue;
    // What to do about it is the hub's kind's (client_connection.h, Watermarks).
    if (live_) {
      too_slow.push_back(member);
    } else {
      paused_ = true;
    }
  }
  g.events_sent->add(g.frames.size() * receivers);
  g.bytes_sent->add(chunk.payload * receivers);
  for (auto* c : too_slow) c->close("client too slow: unsent data over client_buffer_bytes");
}

void Hub::fail(const SourceStatus& status) {
  failed_.store(true, std::memory_order_release);
  std::string error = "{\"type\":\"kafka_error\",\"title\":\"Kafka Error\",\"detail\":";
  services::append_json_string(error, status.message);
  error += "}";
  env_.logger->log(LogLevel::kError, "source error ends the streams of a hub",
                   "{\"hub\":" + services::json_string(key_.text()) +
                       ",\"error\":" + services::json_string(status.message) + "}");
  // Copy: finishing a member may close it and shrink the list.
  for (auto& g : groups_) {
    std::string frame;
    g->encoder->error(error, frame);
    const SharedBytes chunk = shared_chunk(frame);
    auto members = g->members;
    for (auto& m : members) {
      m->enqueue(chunk);
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
  ids_.caught_up_at(now_wall_ms);
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
      target.groups_.push_back(std::make_unique<Group>());
      into = target.groups_.back().get();
      into->key = g->key;
      into->encoder_index = g->encoder_index;
      into->encoder = std::move(g->encoder);
      into->transforms = std::move(g->transforms);
      into->heartbeat_chunk = g->heartbeat_chunk;
      into->events_sent = g->events_sent;
      into->bytes_sent = g->bytes_sent;
      into->connected = g->connected;
    }
    for (auto& m : g->members) {
      m->set_owner(&target);
      m->set_watermarks(target.watermarks());
      m->group = into;
      m->group_index = into->members.size();
      into->members.push_back(std::move(m));
      ++target.members_;
      target.idle_since_ms_ = -1;
      // Same streams label: the connected gauge of both groups is the same counter.
      if (into->connected != g->connected) {
        g->connected->fetch_sub(1);
        into->connected->fetch_add(1);
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
  if (env_.heartbeat_interval_ms <= 0) return;
  for (auto& g : groups_) {
    auto members = g->members;
    for (auto& m : members) {
      if (now_ms - m->last_send_ms() >= env_.heartbeat_interval_ms && m->pending_bytes() == 0) {
        m->enqueue(g->heartbeat_chunk);
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

void Hub::on_drained(ClientConnection&) {
  if (paused_) {
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
    g->connected->fetch_sub(1);
    --members_;
  }
  const std::int64_t duration = loop_.now_ms() - c.client().connected_at_ms;
  log_client("client disconnected", c,
             ",\"reason\":" + services::json_string(c.close_reason) + ",\"duration_ms\":" +
                 std::to_string(duration) + ",\"events_sent\":" + std::to_string(c.events_sent));
  // The connection may be in the middle of its own call stack: free it after this iteration.
  if (keep) loop_.retire(std::move(keep));
  if (members_ == 0 && on_empty_) on_empty_(*this);
}

}  // namespace eventstreams::streaming
