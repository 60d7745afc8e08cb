#include "support/sse_parser.h"

#include <algorithm>
#include <charconv>

namespace eventstreams::testing {

void SseParser::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') continue;  // the LF of a CRLF pair
    }
    if (c == '\r') {
      pending_cr_ = true;
      process_line(line_);
      line_.clear();
    } else if (c == '\n') {
      process_line(line_);
      line_.clear();
    } else {
      line_ += c;
    }
  }
}

void SseParser::process_line(std::string_view line) {
  if (first_line_) {
    first_line_ = false;
    if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // a leading BOM
  }
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') {
    std::string text(line.substr(1));
    comments_.push_back(text);
    comment_queue_.push_back(text);
    comments_before_.push_back(std::move(text));
    return;
  }
  std::string_view field = line;
  std::string_view value;
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    event_type_ = std::string(value);
  } else if (field == "data") {
    data_.append(value).append("\n");
    data_seen_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) {
      last_event_id_ = std::string(value);
      id_field_ = true;
    }
  } else if (field == "retry") {
    if (!value.empty() &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      int64_t ms = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc()) retry_ms_ = ms;
    }
  }
  // Any other field is ignored.
}

void SseParser::dispatch() {
  if (!data_seen_) {
    // Nothing to dispatch: reset the buffers (the last event ID persists).
    event_type_.clear();
    data_.clear();
    id_field_ = false;
    return;
  }
  SseEvent ev;
  ev.event = std::move(event_type_);
  ev.id = last_event_id_;
  ev.has_id_field = id_field_;
  ev.data = std::move(data_);
  if (!ev.data.empty() && ev.data.back() == '\n') ev.data.pop_back();
  ev.comments_before = std::move(comments_before_);
  events_.push_back(std::move(ev));
  ++dispatched_;
  event_type_.clear();
  data_.clear();
  data_seen_ = false;
  id_field_ = false;
  comments_before_.clear();
}

std::optional<SseEvent> SseParser::pop_event() {
  if (events_.empty()) return std::nullopt;
  SseEvent ev = std::move(events_.front());
  events_.pop_front();
  return ev;
}

std::optional<std::string> SseParser::pop_comment() {
  if (comment_queue_.empty()) return std::nullopt;
  std::string c = std::move(comment_queue_.front());
  comment_queue_.pop_front();
  return c;
}

}  // namespace eventstreams::testing
