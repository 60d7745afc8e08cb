// Incremental parser of the text/event-stream format, following the WHATWG HTML "server-sent
// events" interpretation rules, as an EventSource does.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::testing {

struct SseEvent {
  // The `event:` field as received; empty when the event had none (EventSource then
  // dispatches it as "message", see type()).
  std::string event;
  // The last event ID after this event, as EventSource's `lastEventId` reports it (an `id:`
  // field persists across events until another replaces it).
  std::string id;
  // Whether this event itself carried an `id:` field.
  bool has_id_field = false;
  // The `data:` lines joined with "\n".
  std::string data;
  // Comments (lines starting with ':', text after the colon) received since the previously
  // dispatched event, including those interleaved with this event's fields.
  std::vector<std::string> comments_before;

  std::string type() const { return event.empty() ? "message" : event; }
};

class SseParser {
 public:
  // Feeds body bytes (any split: lines and CRLF pairs may straddle calls).
  void feed(std::string_view bytes);

  // The next dispatched event, in order.
  std::optional<SseEvent> pop_event();
  // The next comment not yet popped, in order (every comment is queued here, whether or not
  // an event follows it).
  std::optional<std::string> pop_comment();

  // Every comment seen so far.
  const std::vector<std::string>& comments() const { return comments_; }
  // The last event ID buffer, as EventSource would send it in Last-Event-ID on reconnect.
  const std::string& last_event_id() const { return last_event_id_; }
  // The reconnection time set by the last valid `retry:` field.
  std::optional<int64_t> retry_ms() const { return retry_ms_; }
  // Events dispatched so far.
  size_t events_dispatched() const { return dispatched_; }
  // Bytes fed that do not yet form a complete line.
  size_t pending_bytes() const { return line_.size(); }

 private:
  void process_line(std::string_view line);
  void dispatch();

  std::string line_;
  bool pending_cr_ = false;
  bool first_line_ = true;

  std::string event_type_;
  std::string data_;
  bool data_seen_ = false;
  bool id_field_ = false;
  std::vector<std::string> comments_before_;
  std::string last_event_id_;
  std::optional<int64_t> retry_ms_;

  std::deque<SseEvent> events_;
  std::deque<std::string> comment_queue_;
  std::vector<std::string> comments_;
  size_t dispatched_ = 0;
};

}  // namespace eventstreams::testing
