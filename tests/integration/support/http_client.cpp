#include "support/http_client.h"

#include <stdexcept>

#include "support/chunked_decoder.h"
#include "support/tcp_connection.h"

namespace eventstreams::testing {

namespace {

[[noreturn]] void throw_read_failure(ReadResult r, const TcpConnection& conn, const char* when) {
  if (r == ReadResult::kTimeout) throw std::runtime_error(std::string("timed out ") + when);
  if (r == ReadResult::kEof) throw std::runtime_error(std::string("connection closed ") + when);
  throw std::runtime_error(conn.last_error() + " " + when);
}

}  // namespace

HttpResponse request(uint16_t port, std::string_view method, std::string_view target,
                     const Headers& headers, std::chrono::milliseconds timeout,
                     std::string_view body) {
  const auto deadline = deadline_after(timeout);
  TcpConnection conn = TcpConnection::connect(port, deadline);
  Headers sent = headers;
  if (sent.find("Connection") == sent.end()) sent.emplace("Connection", "close");
  conn.write_all(build_request(method, target, port, sent, body), deadline);

  std::string buffer;
  HttpResponse response;
  for (;;) {  // skips interim 1xx responses
    std::optional<size_t> head_end;
    while (!(head_end = find_head_end(buffer))) {
      ReadResult r = conn.read_some(buffer, deadline);
      if (r != ReadResult::kData) throw_read_failure(r, conn, "reading the response head");
    }
    std::string error;
    auto head = parse_response_head(std::string_view(buffer).substr(0, *head_end - 2), &error);
    if (!head) throw std::runtime_error("malformed response head: " + error);
    buffer.erase(0, *head_end);
    if (head->status >= 100 && head->status < 200 && head->status != 101) continue;
    response.version = std::move(head->version);
    response.status = head->status;
    response.reason = std::move(head->reason);
    response.headers = std::move(head->headers);
    break;
  }

  const bool no_body = method == "HEAD" || response.status == 204 || response.status == 304 ||
                       (response.status >= 100 && response.status < 200);
  if (no_body) return response;

  if (is_chunked(response.headers)) {
    response.chunked = true;
    ChunkedDecoder decoder;
    for (;;) {
      decoder.feed(buffer, response.body);
      buffer.clear();
      if (decoder.failed()) throw std::runtime_error("bad chunk framing: " + decoder.error());
      if (decoder.done()) return response;
      ReadResult r = conn.read_some(buffer, deadline);
      if (r != ReadResult::kData) throw_read_failure(r, conn, "reading a chunked body");
    }
  }
  if (auto length = content_length(response.headers)) {
    while (buffer.size() < *length) {
      ReadResult r = conn.read_some(buffer, deadline);
      if (r != ReadResult::kData) {
        throw_read_failure(r, conn,
                           ("reading a body of Content-Length " + std::to_string(*length) +
                            " (got " + std::to_string(buffer.size()) + ")")
                               .c_str());
      }
    }
    if (buffer.size() > *length) {
      throw std::runtime_error("more bytes than Content-Length " + std::to_string(*length));
    }
    response.body = std::move(buffer);
    return response;
  }
  if (response.headers.find("Content-Length") != response.headers.end()) {
    throw std::runtime_error("invalid Content-Length: " + *response.header("Content-Length"));
  }
  // Close-delimited.
  for (;;) {
    ReadResult r = conn.read_some(buffer, deadline);
    if (r == ReadResult::kEof) break;
    if (r != ReadResult::kData) throw_read_failure(r, conn, "reading a close-delimited body");
  }
  response.body = std::move(buffer);
  return response;
}

}  // namespace eventstreams::testing
