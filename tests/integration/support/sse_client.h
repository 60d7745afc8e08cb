// A streaming HTTP client for /v2/stream responses: reads the head, then de-chunks the body
// incrementally (verifying the chunk framing strictly) and parses it as server-sent events or
// as newline-delimited JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/chunked_decoder.h"
#include "support/http_message.h"
#include "support/sse_parser.h"
#include "support/tcp_connection.h"

namespace eventstreams::testing {

class StreamClient {
 public:
  using Duration = std::chrono::milliseconds;

  // Connects to 127.0.0.1:port, sends `method target` with `headers` (Host is added), and
  // reads the response head. Throws std::runtime_error if that fails within `timeout`.
  StreamClient(uint16_t port, std::string_view target, const Headers& headers = {},
               Duration timeout = std::chrono::seconds(10), std::string_view method = "GET");
  ~StreamClient() = default;
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // The response head.
  int status() const { return head_.status; }
  const std::string& reason() const { return head_.reason; }
  const std::string& version() const { return head_.version; }
  const Headers& headers() const { return head_.headers; }
  std::optional<std::string> header(std::string_view name) const {
    return header_value(head_.headers, name);
  }
  bool is_chunked() const { return chunked_; }

  // Reads until `done(body so far)` is true; false on timeout or when the body ended first.
  bool raw_until(const std::function<bool(std::string_view)>& done, Duration timeout);
  // Reads until the body contains `needle`.
  bool raw_until(std::string_view needle, Duration timeout);
  // Reads until the body ends (terminal chunk, Content-Length reached, or EOF); false on
  // timeout.
  bool read_to_end(Duration timeout);
  // The de-chunked body received so far.
  const std::string& raw() const { return body_; }

  // The next server-sent event, or nullopt on timeout or end of body. An incomplete event at
  // the end of the body is discarded, as EventSource does.
  std::optional<SseEvent> next_event(Duration timeout);
  // The next SSE comment (text after ':'), or nullopt on timeout or end of body.
  std::optional<std::string> next_comment(Duration timeout);
  // The SSE parser (comments seen, last event id, retry).
  const SseParser& sse() const { return sse_; }
  // EventSource's last event ID: what it would send as Last-Event-ID on reconnect.
  const std::string& last_event_id() const { return sse_.last_event_id(); }

  // The next "\n"-terminated line (without the "\n") for NDJSON, or nullopt on timeout or end
  // of body. A heartbeat is an empty line.
  std::optional<std::string> next_line(Duration timeout);

  // The body has ended: terminal chunk, Content-Length reached, EOF, or a framing error.
  bool ended() const { return ended_; }
  // Chunked body: the terminal zero-size chunk arrived (a clean end). Otherwise: ended().
  bool complete() const { return chunked_ ? decoder_.done() : ended_; }
  // The connection was closed by the peer (EOF or reset).
  bool peer_closed() const { return peer_closed_; }
  // Broken chunk framing (the test has already been failed, unless disabled below).
  bool framing_error() const { return decoder_.failed(); }
  const std::string& framing_error_message() const { return decoder_.error(); }
  // Sizes of the data chunks received so far.
  const std::vector<size_t>& chunk_sizes() const { return decoder_.chunk_sizes(); }
  // By default a framing error fails the current test (ADD_FAILURE); turn off to inspect it.
  void set_fail_on_bad_framing(bool fail) { fail_on_bad_framing_ = fail; }

  // Closes the connection: FIN (graceful) or RST (abortive).
  void close(bool abortive = false);
  bool is_open() const { return conn_.is_open(); }

 private:
  // Reads once from the socket and decodes; false on timeout, end of body or error.
  bool pump(Clock::time_point deadline);
  void decode_pending();
  void feed_sse();

  TcpConnection conn_;
  ResponseHead head_;
  bool chunked_ = false;
  std::optional<size_t> length_;  // Content-Length, when not chunked
  bool ended_ = false;
  bool peer_closed_ = false;
  bool fail_on_bad_framing_ = true;
  bool head_bytes_decoded_ = false;
  std::string wire_;  // received bytes not yet decoded
  std::string body_;  // decoded body
  ChunkedDecoder decoder_;
  SseParser sse_;
  size_t sse_pos_ = 0;   // bytes of body_ fed to sse_
  size_t line_pos_ = 0;  // bytes of body_ consumed by next_line
};

}  // namespace eventstreams::testing
