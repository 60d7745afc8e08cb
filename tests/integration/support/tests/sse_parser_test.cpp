#include "support/sse_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace eventstreams::testing {
namespace {

std::vector<SseEvent> parse(std::string_view stream, size_t piece = 0) {
  SseParser p;
  if (piece == 0) {
    p.feed(stream);
  } else {
    for (size_t i = 0; i < stream.size(); i += piece) p.feed(stream.substr(i, piece));
  }
  std::vector<SseEvent> out;
  while (auto ev = p.pop_event()) out.push_back(std::move(*ev));
  return out;
}

TEST(SseParser, KafkaSseShapedStream) {
  const std::string stream =
      ":ok\n\n"
      "event: message\n"
      "id: [{\"topic\":\"t\",\"partition\":0,\"timestamp\":2}]\n"
      "data: {\"a\":1}\n\n";
  for (size_t piece : {0, 1, 2, 3, 7}) {
    auto events = parse(stream, piece);
    ASSERT_EQ(events.size(), 1u) << "piece " << piece;
    EXPECT_EQ(events[0].event, "message");
    EXPECT_EQ(events[0].type(), "message");
    EXPECT_EQ(events[0].id, "[{\"topic\":\"t\",\"partition\":0,\"timestamp\":2}]");
    EXPECT_TRUE(events[0].has_id_field);
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[0].comments_before, std::vector<std::string>{"ok"});
  }
}

TEST(SseParser, MultiLineDataWithEveryLineEnding) {
  // LF, CRLF and CR all end lines; CRLF split across feeds counts once.
  const std::string stream = "data: one\ndata: two\r\ndata: three\rdata:\r\ndata:  five\r\n\r\n";
  for (size_t piece : {0, 1, 2, 5}) {
    auto events = parse(stream, piece);
    ASSERT_EQ(events.size(), 1u) << "piece " << piece;
    EXPECT_EQ(events[0].data, "one\ntwo\nthree\n\n five") << "piece " << piece;
    EXPECT_EQ(events[0].type(), "message");
    EXPECT_EQ(events[0].event, "");
  }
}

TEST(SseParser, CrAtTheEndOfAFeedThenLf) {
  SseParser p;
  p.feed("data: x\r");
  p.feed("\n\r");
  p.feed("\n");
  auto ev = p.pop_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->data, "x");
  EXPECT_FALSE(p.pop_event());
}

TEST(SseParser, IdPersistsAndCommentsAreRecorded) {
  SseParser p;
  p.feed(":hello\nid: 1\ndata: a\n\n: heartbeat\n\ndata: b\n\nid\ndata: c\n\n");
  auto a = p.pop_event();
  auto b = p.pop_event();
  auto c = p.pop_event();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->id, "1");
  EXPECT_EQ(a->comments_before, std::vector<std::string>{"hello"});
  EXPECT_EQ(b->id, "1");  // no id field: the last event id stays
  EXPECT_FALSE(b->has_id_field);
  EXPECT_EQ(b->comments_before, std::vector<std::string>{" heartbeat"});
  EXPECT_EQ(c->id, "");  // "id" with no value resets it
  EXPECT_EQ(p.last_event_id(), "");
  EXPECT_EQ(p.comments(), (std::vector<std::string>{"hello", " heartbeat"}));
  EXPECT_EQ(p.pop_comment(), "hello");
  EXPECT_EQ(p.pop_comment(), " heartbeat");
  EXPECT_FALSE(p.pop_comment());
}

TEST(SseParser, FieldRules) {
  SseParser p;
  p.feed(
      "\xEF\xBB\xBF"  // BOM
      "retry: 1500\nretry: x\nevent: custom\nunknown: 1\ndata\ndata:no-space\n\n"
      "event: nodata\n\n"  // no data: not dispatched, event type reset
      "data: d\n\n");
  EXPECT_EQ(p.retry_ms(), 1500);
  auto first = p.pop_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->event, "custom");
  EXPECT_EQ(first->data, "\nno-space");
  auto second = p.pop_event();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->type(), "message");
  EXPECT_EQ(second->data, "d");
  EXPECT_EQ(p.events_dispatched(), 2u);
}

TEST(SseParser, IdWithNulIsIgnored) {
  using namespace std::literals;
  SseParser p;
  p.feed("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n"sv);
  p.pop_event();
  auto b = p.pop_event();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, "1");
}

TEST(SseParser, IncompleteEventAtTheEndIsNotDispatched) {
  auto events = parse("data: complete\n\ndata: partial\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "complete");
}

}  // namespace
}  // namespace eventstreams::testing
