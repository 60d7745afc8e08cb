#include "http/stream_route.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "http/accept_negotiation.h"
#include "http/client_address.h"
#include "http/problem.h"
#include "http/response_headers.h"
#include "request/last_event_id.h"
#include "request/query.h"
#include "request/since.h"
#include "request/stream_list.h"
#include "services/json_text.h"
#include "http/chunked.h"
#include "streaming/replay_ring.h"

namespace eventstreams::http {
namespace {

using streaming::PartitionStart;
using streaming::StreamPlan;

// A request that cannot start: the problem to answer with.
struct Refusal {
  Problem problem;
};

Problem not_found(const std::string& detail) {
  return {404, "not_found", "Stream Not Found", detail, 0};
}

Problem from_source(const SourceStatus& s) {
  switch (s.code) {
    case SourceStatus::Code::kTopicNotFound:
      return {503, "topic_not_available", "Topic Not Available", s.message, 0};
    case SourceStatus::Code::kTimeout:
      return {504, "kafka_error", "Kafka Timeout", s.message, 0};
    default:
      return {502, "kafka_error", "Kafka Error", s.message, 0};
  }
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Everything the request says, validated; throws Refusal.
struct ParsedRequest {
  std::vector<std::string> streams;
  std::vector<std::string> topics;  // sorted, unique
  std::optional<std::int64_t> since;
  std::vector<request::LastEventIdEntry> last_event_id;
  std::multimap<std::string, std::string> query;
};

ParsedRequest parse_request(const ServerContext& ctx, Poco::Net::HTTPServerRequest& req) {
  ParsedRequest out;
  const std::string& uri = req.getURI();
  const std::size_t qmark = uri.find('?');
  const std::string path = uri.substr(0, qmark);
  const std::string raw_query = qmark == std::string::npos ? "" : uri.substr(qmark + 1);

  const auto names =
      request::parse_stream_list(std::string_view(path).substr(kStreamPrefix.size()));
  if (!names)
    throw Refusal{not_found("Invalid streams: the stream list is not valid URL encoding")};
  std::vector<std::string> invalid;
  std::set<std::string> topics;
  for (const auto& name : *names) {
    const config::StreamDef* def = ctx.catalog->find(name);
    if (!def) {
      invalid.push_back(name);
      continue;
    }
    topics.insert(def->topics.begin(), def->topics.end());
  }
  if (names->empty() || !invalid.empty()) {
    throw Refusal{not_found("Invalid streams: " + join(invalid, ","))};
  }
  out.streams = *names;
  out.topics.assign(topics.begin(), topics.end());

  auto query = request::parse_query(raw_query);
  if (!query) {
    throw Refusal{
        {400, "bad_request", "Bad Request", "The query string is not valid URL encoding", 0}};
  }
  out.query = std::move(*query);
  if (auto it = out.query.find("since"); it != out.query.end()) {
    out.since = request::parse_since(it->second);
    if (!out.since) {
      throw Refusal{
          {400, "invalid_timestamp", "Invalid Timestamp",
           "since '" + it->second + "' is neither milliseconds since the epoch nor a date-time",
           0}};
    }
  }

  const std::string leid = req.get("Last-Event-ID", "");
  std::string error;
  if (!request::parse_last_event_id(leid, out.last_event_id, error)) {
    throw Refusal{{400, "invalid_last_event_id", "Invalid Last-Event-ID", error, 0}};
  }
  for (const auto& entry : out.last_event_id) {
    if (!topics.count(entry.topic)) {
      throw Refusal{{400, "invalid_last_event_id", "Invalid Last-Event-ID",
                     "Last-Event-ID names topic '" + entry.topic +
                         "', which is not a topic of the requested streams (" +
                         join(out.topics, ", ") + ")",
                     0}};
    }
  }
  return out;
}

// The start of every partition: the Last-Event-ID entry naming it, else `since`, else the end.
std::vector<StartSpec> start_specs(const std::string& cluster, const ParsedRequest& r,
                                   const std::vector<TopicPartitions>& layout) {
  std::vector<StartSpec> specs;
  for (const auto& t : layout) {
    for (std::int32_t p = 0; p < t.partitions; ++p) {
      StartSpec s{t.topic, p, StartSpec::Kind::kLatest, 0};
      if (r.since) s = {t.topic, p, StartSpec::Kind::kTimestamp, *r.since};
      specs.push_back(s);
    }
  }
  for (const auto& e : r.last_event_id) {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const StartSpec& s) {
      return s.topic == e.topic && s.partition == e.partition;
    });
    if (it == specs.end()) {
      throw Refusal{{400, "invalid_last_event_id", "Invalid Last-Event-ID",
                     "Last-Event-ID names partition " + std::to_string(e.partition) +
                         " of topic '" + e.topic + "', which does not exist",
                     0}};
    }
    // SPEC 2: the exact offset only where it came from this cluster, else the timestamp.
    const bool same_cluster = e.cluster && !cluster.empty() && *e.cluster == cluster;
    if (e.offset && (same_cluster || !e.timestamp)) {
      if (*e.offset == -1) {
        it->kind = StartSpec::Kind::kLatest;
      } else if (*e.offset == -2) {
        it->kind = StartSpec::Kind::kEarliest;
      } else {
        it->kind = StartSpec::Kind::kOffset;
        it->value = *e.offset;
      }
    } else {
      it->kind = StartSpec::Kind::kTimestamp;
      it->value = *e.timestamp;
    }
  }
  return specs;
}

// The starts of an exact resume (every partition at an offset of this cluster, or at the end),
// which a live hub's recent events may serve without asking Kafka; nothing for any other.
std::optional<std::vector<PartitionStart>> exact_starts(const std::vector<StartSpec>& specs,
                                                        std::int64_t now_ms) {
  std::vector<PartitionStart> starts;
  for (const StartSpec& s : specs) {
    if (s.kind == StartSpec::Kind::kOffset) {
      starts.push_back({s.topic, s.partition, s.value, std::nullopt});
    } else if (s.kind == StartSpec::Kind::kLatest) {
      starts.push_back({s.topic, s.partition, streaming::ReplayRing::kAtHead, now_ms});
    } else {
      return std::nullopt;
    }
  }
  return starts;
}

// The response head, written on the bare socket: chunked, ended by closing the connection.
std::string response_head(const ServerContext& ctx, const EncoderFactory& encoder,
                          const std::vector<StartPosition>& positions) {
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: " + encoder.content_type() +
                     "\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n"
                     "Connection: close\r\n";
  head += common_header_lines(*ctx.config);
  std::string truncated;
  for (const auto& p : positions) {
    if (p.truncated) {
      truncated += (truncated.empty() ? "" : ",") + p.topic + "/" + std::to_string(p.partition);
    }
  }
  if (!truncated.empty()) head += "X-Replay-Truncated: " + truncated + "\r\n";
  head += "\r\n";
  return head;
}

bool send_all(int fd, const std::string& bytes) {
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

void StreamRoute::handleRequest(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
  const config::AppConfig& config = *ctx_.config;
  const bool head_only = request.getMethod() == "HEAD";
  StreamPlan plan;
  std::vector<StartPosition> positions;
  streaming::StreamEngine::Reservation reservation;
  try {
    ParsedRequest parsed = parse_request(ctx_, request);

    std::vector<std::vector<std::string>> media;
    for (const auto& e : ctx_.plugins->encoders) media.push_back(e->media_types());
    plan.encoder_index = choose_encoder(request.get("Accept", ""), media);

    RequestInfo info;
    info.query = parsed.query;
    info.streams = join(parsed.streams, ",");
    info.client = client_address(config, request);
    std::string group_key = ctx_.plugins->encoder_names[plan.encoder_index] + "|" + info.streams;
    for (auto& factory : ctx_.plugins->transforms) {
      std::string key, error;
      auto t = factory->create(info, key, error);
      if (!t && !error.empty()) throw Refusal{{400, "invalid_filter", "Invalid Filter", error, 0}};
      if (t) plan.transforms.push_back(std::move(t));
      group_key += "|" + key;
    }
    plan.group_key = std::move(group_key);
    plan.topics = parsed.topics;
    plan.client.address = info.client;
    plan.client.streams = info.streams;
    plan.client.user_agent = request.get("User-Agent", "");
    plan.client.request_id = request.get("X-Request-Id", "");
    if (plan.client.request_id.empty()) {
      plan.client.request_id = std::to_string(ctx_.next_request_id.fetch_add(1));
    }

    switch (ctx_.limiter->acquire(info.client, plan.slot)) {
      case ConnectionLimiter::Result::kPerClientLimit:
        throw Refusal{{429, "too_many_requests", "Too Many Requests",
                       "Too many connections from " + info.client, 5}};
      case ConnectionLimiter::Result::kServerLimit:
        throw Refusal{{503, "service_unavailable", "Service Unavailable",
                       "The server has reached its connection limit", 5}};
      case ConnectionLimiter::Result::kOk:
        break;
    }

    SourceFactory& source = *ctx_.plugins->source;
    const int timeout = static_cast<int>(config.start_timeout_ms);
    std::vector<TopicPartitions> layout;
    if (auto s = source.describe(parsed.topics, layout, timeout); !s.ok()) {
      throw Refusal{from_source(s)};
    }
    // Known once metadata arrived, which describe() just made sure of.
    plan.cluster_id = source.cluster_id();
    const std::vector<StartSpec> specs = start_specs(plan.cluster_id, parsed, layout);
    plan.live = !parsed.since && parsed.last_event_id.empty();
    const std::string topics_key = join(parsed.topics, ",");
    plan.hub_key = ctx_.engine->place(topics_key, plan.live, reservation);

    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    // An EventSource reconnect to this cluster, a little behind a live hub: its recent events
    // serve it, without a reader of its own and without asking Kafka where it starts.
    if (!reservation && !plan.live && !head_only) {
      if (auto starts = exact_starts(specs, now)) {
        std::string key = ctx_.engine->place_resume(topics_key, *starts, reservation);
        if (!key.empty()) {
          plan.hub_key = std::move(key);
          for (const PartitionStart& p : *starts) {
            positions.push_back({p.topic, p.partition, p.offset, false});
          }
          plan.partitions = std::move(*starts);
        }
      }
    }

    if (!reservation) {
      if (auto s = source.resolve(specs, positions, timeout); !s.ok()) {
        throw Refusal{from_source(s)};
      }
      for (std::size_t i = 0; i < positions.size(); ++i) {
        PartitionStart p{positions[i].topic, positions[i].partition, positions[i].offset, {}};
        const StartSpec& spec = specs[i];
        if (spec.kind == StartSpec::Kind::kTimestamp) p.timestamp = spec.value;
        if (spec.kind == StartSpec::Kind::kLatest) p.timestamp = now;
        plan.partitions.push_back(std::move(p));
      }
      if (!head_only) {
        // Resuming from a time (since, or an id from another cluster) a little behind a live
        // hub: its recent events serve it too. Otherwise a reader from the positions.
        std::string replay_key =
            plan.live ? std::string()
                      : ctx_.engine->place_resume(topics_key, plan.partitions, reservation);
        if (!replay_key.empty()) {
          plan.hub_key = std::move(replay_key);
        } else if (auto s = source.open(positions, plan.reader); !s.ok()) {
          throw Refusal{from_source(s)};
        }
      }
    }
  } catch (const Refusal& r) {
    send_problem(config, request, response, r.problem);
    return;
  }

  // From here on the response is ours to write: take the socket from the HTTP server so
  // that no pool thread stays with this client.
  EncoderFactory& encoder = *ctx_.plugins->encoders[plan.encoder_index];
  std::string bytes = response_head(ctx_, encoder, positions);
  if (!head_only) {
    const std::string preamble = encoder.preamble();
    if (!preamble.empty()) bytes += make_chunk(preamble);
  }
  response.setKeepAlive(false);
  Poco::Net::StreamSocket socket =
      static_cast<Poco::Net::HTTPServerRequestImpl&>(request).detachSocket();
  socket.setSendTimeout(Poco::Timespan(10, 0));
  if (!send_all(socket.impl()->sockfd(), bytes) || head_only) return;  // closes the socket
  const int fd = ::dup(socket.impl()->sockfd());
  if (fd < 0) return;
  ctx_.engine->attach(std::move(plan), fd, std::move(reservation));
}

}  // namespace eventstreams::http
