#include "http/stream_route.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <unistd.h>

#include <optional>
#include <set>

#include "http/accept_encoding.h"
#include "http/accept_negotiation.h"
#include "http/client_address.h"
#include "http/problem.h"
#include "http/response_headers.h"
#include "request/last_event_id.h"
#include "request/query.h"
#include "request/since.h"
#include "request/stream_list.h"

namespace eventstreams::http {
namespace {

using streaming::StreamRequest;

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

constexpr std::string_view kRouteName = "stream";

Problem bad_request(std::string type, std::string title, std::string detail) {
  return {400, std::move(type), std::move(title), std::move(detail), 0};
}

// Query parameters the host itself reads or tolerates, whatever the transforms: the start
// time, EventSource polyfills' stand-in for Last-Event-ID, cache busting.
bool host_parameter(const std::string& name) {
  return name == "since" || name == "lastEventId" || name == "_";
}

// A parameter no loaded transform reads would be silently ignored: with the filter plugin off,
// `?type=edit` would return every event. Refused instead (issue 9: no silent firehose).
std::optional<Problem> unread_parameters(const ServerContext& ctx, const RequestInfo& info) {
  std::string unread;
  for (const auto& [name, value] : info.query) {
    if (host_parameter(name)) continue;
    bool read = false;
    for (const auto& factory : ctx.plugins->transforms)
      read = read || factory->accepts_parameter(name);
    if (!read && unread.find("'" + name + "'") == std::string::npos) {
      unread += (unread.empty() ? "'" : ", '") + name + "'";
    }
  }
  if (unread.empty()) return std::nullopt;
  return bad_request("filtering_not_enabled", "Filtering Not Enabled",
                     "No plugin of this server reads the query parameters " + unread +
                         ": server-side filtering is not enabled here, and the stream "
                         "would ignore them");
}

// What the URI and headers say, validated (SPEC 2, 2.3, 4).
struct ParsedRequest {
  std::vector<std::string> streams;
  std::vector<std::string> topics;  // sorted, unique
  std::optional<std::int64_t> since;
  std::vector<request::LastEventIdEntry> last_event_id;
  std::multimap<std::string, std::string> query;
};

Expected<ParsedRequest, Problem> parse_request(const ServerContext& ctx,
                                               const Poco::Net::HTTPServerRequest& req) {
  ParsedRequest out;
  const std::string& uri = req.getURI();
  const std::size_t qmark = uri.find('?');
  const std::string path = uri.substr(0, qmark);
  const std::string raw_query = qmark == std::string::npos ? "" : uri.substr(qmark + 1);

  const auto names =
      request::parse_stream_list(std::string_view(path).substr(kStreamPrefix.size()));
  if (!names) {
    return unexpected(Problem{404, "not_found", "Stream Not Found",
                              "Invalid streams: the stream list is not valid URL encoding", 0});
  }
  std::vector<std::string> invalid;
  std::set<std::string> topics;
  // One snapshot for the whole request: a reload meanwhile cannot tear it.
  const std::shared_ptr<const config::StreamCatalog> catalog = ctx.catalogs->current();
  for (const auto& name : *names) {
    const config::StreamDef* def = catalog->find(name);
    if (!def) {
      invalid.push_back(name);
      continue;
    }
    topics.insert(def->topics.begin(), def->topics.end());
  }
  if (names->empty() || !invalid.empty()) {
    return unexpected(
        Problem{404, "not_found", "Stream Not Found", "Invalid streams: " + join(invalid, ","), 0});
  }
  out.streams = *names;
  out.topics.assign(topics.begin(), topics.end());

  auto query = request::parse_query(raw_query);
  if (!query) {
    return unexpected(
        bad_request("bad_request", "Bad Request", "The query string is not valid URL encoding"));
  }
  out.query = std::move(*query);
  if (auto it = out.query.find("since"); it != out.query.end()) {
    out.since = request::parse_since(it->second);
    if (!out.since) {
      return unexpected(bad_request(
          "invalid_timestamp", "Invalid Timestamp",
          "since '" + it->second + "' is neither milliseconds since the epoch nor a date-time"));
    }
  }

  std::string error;
  if (!request::parse_last_event_id(req.get("Last-Event-ID", ""), out.last_event_id, error)) {
    return unexpected(bad_request("invalid_last_event_id", "Invalid Last-Event-ID", error));
  }
  for (const auto& entry : out.last_event_id) {
    if (!topics.count(entry.topic)) {
      return unexpected(bad_request("invalid_last_event_id", "Invalid Last-Event-ID",
                                    "Last-Event-ID names topic '" + entry.topic +
                                        "', which is not a topic of the requested streams (" +
                                        join(out.topics, ", ") + ")"));
    }
  }
  return out;
}

// The request in the engine's terms: encoder by Accept, a transform of each configured kind
// that has something to do for it (its parameters may refuse it), the client, its slot under
// the connection limits.
Expected<StreamRequest, Problem> stream_request(ServerContext& ctx,
                                                const Poco::Net::HTTPServerRequest& req,
                                                ParsedRequest parsed) {
  StreamRequest out;
  std::vector<std::vector<std::string>> media;
  for (const auto& e : ctx.plugins->encoders) media.push_back(e->media_types());
  out.encoder_index = choose_encoder(req.get("Accept", ""), media);
  out.coding = choose_content_coding(req.get("Accept-Encoding", ""));

  RequestInfo info;
  info.query = std::move(parsed.query);
  info.streams = join(parsed.streams, ",");
  info.client = client_address(*ctx.config, req);
  out.group_key = ctx.plugins->encoder_names[out.encoder_index] + "|" + info.streams;
  for (auto& factory : ctx.plugins->transforms) {
    std::string key, error;
    auto t = factory->create(info, key, error);
    if (!t && !error.empty()) {
      return unexpected(bad_request("invalid_filter", "Invalid Filter", error));
    }
    if (t) out.transforms.push_back(std::move(t));
    out.group_key += "|" + key;
  }
  if (auto problem = unread_parameters(ctx, info)) return unexpected(std::move(*problem));

  out.client.address = info.client;
  out.client.streams = info.streams;
  out.client.user_agent = req.get("User-Agent", "");
  out.client.request_id = req.get("X-Request-Id", "");
  if (out.client.request_id.empty()) {
    out.client.request_id = std::to_string(ctx.next_request_id.fetch_add(1));
  }
  switch (ctx.limiter->acquire(info.client, out.slot)) {
    case ConnectionLimiter::Result::kPerClientLimit:
      return unexpected(Problem{429, "too_many_requests", "Too Many Requests",
                                "Too many connections from " + info.client, 5});
    case ConnectionLimiter::Result::kServerLimit:
      return unexpected(Problem{503, "service_unavailable", "Service Unavailable",
                                "The server has reached its connection limit", 5});
    case ConnectionLimiter::Result::kOk:
      break;
  }
  out.topics = std::move(parsed.topics);
  out.since = parsed.since;
  out.last_event_id = std::move(parsed.last_event_id);
  out.head_only = req.getMethod() == "HEAD";
  return out;
}

// The response head, written on the bare socket: chunked, ended by closing the connection.
// The body depends on Accept-Encoding, compressed or not: caches must keep them apart.
std::string response_head(const ServerContext& ctx, const EncoderFactory& encoder,
                          pipeline::ContentCoding coding, const std::string& truncated) {
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: " + encoder.content_type() +
                     "\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n"
                     "Connection: close\r\nVary: Accept-Encoding\r\n";
  if (coding != pipeline::ContentCoding::kIdentity) {
    head += "Content-Encoding: ";
    head += pipeline::content_coding_name(coding);
    head += "\r\n";
  }
  head += common_header_lines(*ctx.config);
  if (!truncated.empty()) head += "X-Replay-Truncated: " + truncated + "\r\n";
  head += "\r\n";
  return head;
}

}  // namespace

void StreamRoute::handleRequest(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
  auto parsed = parse_request(ctx_, request);
  if (!parsed) return refuse(request, response, parsed.error());
  auto stream = stream_request(ctx_, request, std::move(*parsed));
  if (!stream) return refuse(request, response, stream.error());
  const EncoderFactory& encoder = *ctx_.plugins->encoders[stream->encoder_index];
  const std::string& encoder_name = ctx_.plugins->encoder_names[stream->encoder_index];
  const pipeline::ContentCoding coding = stream->coding;
  // The encoder's preamble() (in open) and content_type() may throw: a plugin that does fails
  // this request with a problem body, not the connection without an answer.
  std::optional<streaming::Ticket> ticket;
  std::string head;
  try {
    auto opened = ctx_.engine->open(std::move(*stream));
    if (!opened) return refuse(request, response, opened.error());
    ticket.emplace(std::move(*opened));
    head = response_head(ctx_, encoder, coding, ticket->truncated());
  } catch (const std::exception& e) {
    const LogField fields[] = {{"encoder", encoder_name}, {"error", e.what()}};
    ctx_.logger->log_fields(LogLevel::kError, "encoder plugin failed", fields);
    return refuse(request, response,
                  Problem{500, "internal_error", "Internal Server Error",
                          "The encoder '" + encoder_name + "' failed: " + e.what(), 0});
  }

  // From here on the response is ours to write: take the socket from the HTTP server so
  // that no pool thread stays with this client.
  response.setKeepAlive(false);
  Poco::Net::StreamSocket socket =
      static_cast<Poco::Net::HTTPServerRequestImpl&>(request).detachSocket();
  // POCO closes its descriptor with `socket`; the engine keeps a duplicate.
  const int fd = ::dup(socket.impl()->sockfd());
  if (fd < 0) return;
  std::move(*ticket).start(fd, head);
  if (ctx_.requests != nullptr) ctx_.requests->answered(kRouteName, 200, started_);
}

void StreamRoute::refuse(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, const Problem& problem) {
  if (ctx_.requests != nullptr) ctx_.requests->refused(kRouteName, problem, started_);
  send_problem(*ctx_.config, request, response, problem);
}

}  // namespace eventstreams::http
