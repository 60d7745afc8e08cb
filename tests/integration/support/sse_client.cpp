#include "support/sse_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace eventstreams::testing {

StreamClient::StreamClient(uint16_t port, std::string_view target, const Headers& headers,
                           Duration timeout, std::string_view method) {
  const auto deadline = deadline_after(timeout);
  conn_ = TcpConnection::connect(port, deadline);
  conn_.write_all(build_request(method, target, port, headers), deadline);
  std::optional<size_t> head_end;
  while (!(head_end = find_head_end(wire_))) {
    ReadResult r = conn_.read_some(wire_, deadline);
    if (r == ReadResult::kTimeout) throw std::runtime_error("timed out reading the response head");
    if (r == ReadResult::kEof) {
      throw std::runtime_error("connection closed before the end of the response head; got: " +
                               wire_);
    }
    if (r == ReadResult::kError) throw std::runtime_error(conn_.last_error());
  }
  std::string error;
  auto head = parse_response_head(std::string_view(wire_).substr(0, *head_end - 2), &error);
  if (!head) throw std::runtime_error("malformed response head: " + error);
  head_ = std::move(*head);
  wire_.erase(0, *head_end);

  if (method == "HEAD" || head_.status == 204 || head_.status == 304) {
    ended_ = true;
    return;
  }
  chunked_ = testing::is_chunked(head_.headers);
  if (!chunked_) length_ = content_length(head_.headers);
  if (length_ == 0u) ended_ = true;
  // Body bytes that came with the head are decoded on the first read, so that a framing error
  // in them is reported there (after set_fail_on_bad_framing, inside EXPECT_NONFATAL_FAILURE).
}

void StreamClient::decode_pending() {
  if (ended_ || wire_.empty()) return;
  if (chunked_) {
    size_t used = decoder_.feed(wire_, body_);
    wire_.erase(0, used);
    if (decoder_.failed()) {
      ended_ = true;
      if (fail_on_bad_framing_) ADD_FAILURE() << "bad chunk framing: " << decoder_.error();
    } else if (decoder_.done()) {
      ended_ = true;
    }
    return;
  }
  if (length_) {
    size_t want = *length_ - body_.size();
    body_.append(wire_, 0, std::min(want, wire_.size()));
    wire_.clear();
    if (body_.size() == *length_) ended_ = true;
    return;
  }
  body_ += wire_;
  wire_.clear();
}

bool StreamClient::pump(Clock::time_point deadline) {
  if (!head_bytes_decoded_) {
    head_bytes_decoded_ = true;
    if (!wire_.empty()) {
      decode_pending();
      return !ended_;
    }
  }
  if (ended_) return false;
  if (length_ && body_.size() >= *length_) {
    ended_ = true;
    return false;
  }
  ReadResult r = conn_.read_some(wire_, deadline);
  switch (r) {
    case ReadResult::kData:
      decode_pending();
      return true;
    case ReadResult::kTimeout:
      return false;
    case ReadResult::kEof:
    case ReadResult::kError:
      peer_closed_ = true;
      ended_ = true;
      return false;
  }
  return false;
}

bool StreamClient::raw_until(const std::function<bool(std::string_view)>& done, Duration timeout) {
  const auto deadline = deadline_after(timeout);
  for (;;) {
    if (done(body_)) return true;
    if (!pump(deadline)) return done(body_);
  }
}

bool StreamClient::raw_until(std::string_view needle, Duration timeout) {
  return raw_until(
      [needle](std::string_view body) { return body.find(needle) != std::string_view::npos; },
      timeout);
}

bool StreamClient::read_to_end(Duration timeout) {
  const auto deadline = deadline_after(timeout);
  while (!ended_) {
    if (!pump(deadline) && !ended_) return false;
  }
  return true;
}

void StreamClient::feed_sse() {
  if (sse_pos_ < body_.size()) {
    sse_.feed(std::string_view(body_).substr(sse_pos_));
    sse_pos_ = body_.size();
  }
}

std::optional<SseEvent> StreamClient::next_event(Duration timeout) {
  const auto deadline = deadline_after(timeout);
  for (;;) {
    feed_sse();
    if (auto ev = sse_.pop_event()) return ev;
    if (!pump(deadline)) {
      feed_sse();
      return sse_.pop_event();
    }
  }
}

std::optional<std::string> StreamClient::next_comment(Duration timeout) {
  const auto deadline = deadline_after(timeout);
  for (;;) {
    feed_sse();
    if (auto c = sse_.pop_comment()) return c;
    if (!pump(deadline)) {
      feed_sse();
      return sse_.pop_comment();
    }
  }
}

std::optional<std::string> StreamClient::next_line(Duration timeout) {
  const auto deadline = deadline_after(timeout);
  for (;;) {
    size_t eol = body_.find('\n', line_pos_);
    if (eol != std::string::npos) {
      std::string line = body_.substr(line_pos_, eol - line_pos_);
      line_pos_ = eol + 1;
      return line;
    }
    if (!pump(deadline)) {
      eol = body_.find('\n', line_pos_);
      if (eol == std::string::npos) return std::nullopt;
    }
  }
}

void StreamClient::close(bool abortive) {
  if (abortive) {
    conn_.close_abortive();
  } else {
    conn_.close_graceful();
  }
}

}  // namespace eventstreams::testing
