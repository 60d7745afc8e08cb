#include "sse_encoder.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams {

// Found by argument-dependent lookup from gtest and std::vector.
inline bool operator==(const EncodedFrame& a, const EncodedFrame& b) {
  return a.event_index == b.event_index && a.offset == b.offset && a.length == b.length;
}

inline void PrintTo(const EncodedFrame& f, std::ostream* os) {
  *os << "{index " << f.event_index << ", offset " << f.offset << ", length " << f.length << "}";
}

}  // namespace eventstreams

namespace eventstreams::sse {
namespace {

using namespace std::string_literals;

void add_event(EventBatch& batch, std::string_view value, std::string_view id = {},
               bool dropped = false) {
  Event e;
  e.value = batch.store(value);
  e.id = batch.store(id);
  e.dropped = dropped;
  batch.events.push_back(e);
}

std::unique_ptr<EncoderFactory> make_factory(const std::string& config_json) {
  PluginContext context;
  context.config_json = config_json;
  std::string error;
  auto factory = create_factory(context, error);
  EXPECT_NE(factory, nullptr) << error;
  EXPECT_EQ(error, "");
  return factory;
}

std::unique_ptr<Encoder> make_encoder(const std::string& config_json = "") {
  auto factory = make_factory(config_json);
  if (!factory) return nullptr;
  auto encoder = factory->create();
  EXPECT_NE(encoder, nullptr);
  return encoder;
}

std::string config_error(const std::string& config_json) {
  PluginContext context;
  context.config_json = config_json;
  std::string error;
  auto factory = create_factory(context, error);
  EXPECT_EQ(factory, nullptr) << config_json;
  return error;
}

// Encodes a single event and returns its frame.
std::string encode_one(std::string_view value, std::string_view id = {}) {
  EventBatch batch;
  add_event(batch, value, id);
  std::string out;
  std::vector<EncodedFrame> frames;
  make_encoder()->encode(batch, out, frames);
  EXPECT_EQ(frames.size(), 1u);
  return out;
}

// --- factory ---------------------------------------------------------------------------------

TEST(SseFactory, DeclaresMediaTypeContentTypeAndIds) {
  auto factory = make_factory("");
  ASSERT_NE(factory, nullptr);
  EXPECT_EQ(factory->media_types(), std::vector<std::string>{"text/event-stream"});
  EXPECT_EQ(factory->content_type(), "text/event-stream; charset=utf-8");
  EXPECT_TRUE(factory->wants_ids());
}

TEST(SseFactory, EncodersOfOneFactoryAreIndependentAndOutliveIt) {
  auto factory = make_factory(R"({"retry_ms": 10})");
  ASSERT_NE(factory, nullptr);
  auto a = factory->create();
  auto b = factory->create();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a.get(), b.get());
  factory.reset();
  std::string out;
  a->heartbeat(out);
  b->heartbeat(out);
  EXPECT_EQ(out, ":heartbeat\n\n:heartbeat\n\n");
}

// --- preamble and heartbeat ------------------------------------------------------------------

// The preamble is fixed by the configuration: the factory says it, no encoder is made.
TEST(SsePreamble, DefaultIsOkComment) {
  EXPECT_EQ(make_factory("")->preamble(), ":ok\n\n");
}

TEST(SsePreamble, EmptyObjectAndNullConfigMeanDefaults) {
  for (const char* config : {"{}", "null", "  \n", " { } "}) {
    EXPECT_EQ(make_factory(config)->preamble(), ":ok\n\n") << config;
  }
}

TEST(SsePreamble, RetryFollowsOk) {
  EXPECT_EQ(make_factory(R"({"retry_ms": 3000})")->preamble(), ":ok\n\nretry: 3000\n\n");
}

TEST(SsePreamble, RetryZeroIsSent) {
  EXPECT_EQ(make_factory(R"({"retry_ms": 0})")->preamble(), ":ok\n\nretry: 0\n\n");
}

TEST(SseHeartbeat, DefaultComment) {
  std::string out;
  make_encoder()->heartbeat(out);
  EXPECT_EQ(out, ":heartbeat\n\n");
}

TEST(SseHeartbeat, ConfiguredComment) {
  std::string out;
  auto encoder = make_encoder(R"({"heartbeat_comment": " keep-alive", "retry_ms": 5})");
  encoder->heartbeat(out);
  encoder->heartbeat(out);
  EXPECT_EQ(out, ": keep-alive\n\n: keep-alive\n\n");
}

TEST(SseHeartbeat, EmptyComment) {
  std::string out;
  make_encoder(R"({"heartbeat_comment": ""})")->heartbeat(out);
  EXPECT_EQ(out, ":\n\n");
}

// --- events ----------------------------------------------------------------------------------

TEST(SseEncode, OneEventWithId) {
  EXPECT_EQ(encode_one(R"({"a":1})", R"([{"topic":"t","partition":0,"timestamp":2}])"),
            "event: message\n"
            "id: [{\"topic\":\"t\",\"partition\":0,\"timestamp\":2}]\n"
            "data: {\"a\":1}\n"
            "\n");
}

TEST(SseEncode, EmptyIdOmitsIdLine) {
  EXPECT_EQ(encode_one(R"({"a":1})"), "event: message\ndata: {\"a\":1}\n\n");
}

TEST(SseEncode, MultipleEventsWithFrames) {
  EventBatch batch;
  add_event(batch, "{\"n\":1}", "[1]");
  add_event(batch, "{\"n\":22}", "[2]");
  add_event(batch, "{\"n\":333}", "");
  std::string out;
  std::vector<EncodedFrame> frames;
  make_encoder()->encode(batch, out, frames);

  const std::string f0 = "event: message\nid: [1]\ndata: {\"n\":1}\n\n";
  const std::string f1 = "event: message\nid: [2]\ndata: {\"n\":22}\n\n";
  const std::string f2 = "event: message\ndata: {\"n\":333}\n\n";
  EXPECT_EQ(out, f0 + f1 + f2);
  const auto l0 = static_cast<std::uint32_t>(f0.size());
  const auto l1 = static_cast<std::uint32_t>(f1.size());
  const auto l2 = static_cast<std::uint32_t>(f2.size());
  EXPECT_EQ(frames, (std::vector<EncodedFrame>{{0, 0, l0}, {1, l0, l1}, {2, l0 + l1, l2}}));
}

TEST(SseEncode, DroppedEventsAreSkippedAndFramesKeepBatchIndexes) {
  EventBatch batch;
  add_event(batch, "{\"n\":0}", "[0]", /*dropped=*/true);
  add_event(batch, "{\"n\":1}", "[1]");
  add_event(batch, "{\"n\":2}", "[2]", /*dropped=*/true);
  add_event(batch, "{\"n\":3}", "[3]", /*dropped=*/true);
  add_event(batch, "{\"n\":4}", "[4]");
  add_event(batch, "{\"n\":5}", "[5]", /*dropped=*/true);
  std::string out;
  std::vector<EncodedFrame> frames;
  make_encoder()->encode(batch, out, frames);

  const std::string f1 = "event: message\nid: [1]\ndata: {\"n\":1}\n\n";
  const std::string f4 = "event: message\nid: [4]\ndata: {\"n\":4}\n\n";
  EXPECT_EQ(out, f1 + f4);
  const auto l = static_cast<std::uint32_t>(f1.size());
  EXPECT_EQ(frames, (std::vector<EncodedFrame>{{1, 0, l}, {4, l, l}}));
}

TEST(SseEncode, AllDroppedOrEmptyBatchWritesNothing) {
  EventBatch batch;
  std::string out;
  std::vector<EncodedFrame> frames;
  auto encoder = make_encoder();
  encoder->encode(batch, out, frames);
  add_event(batch, "x", "[1]", true);
  add_event(batch, "y", "[2]", true);
  encoder->encode(batch, out, frames);
  EXPECT_EQ(out, "");
  EXPECT_TRUE(frames.empty());
}

TEST(SseEncode, OffsetsAreAbsoluteInOutAndFramesAreAppended) {
  auto encoder = make_encoder();
  std::string out;
  std::vector<EncodedFrame> frames;
  out = ":ok\n\n";  // what the host sends first
  EventBatch batch;
  add_event(batch, "a", "[1]");
  encoder->encode(batch, out, frames);
  batch.clear();
  add_event(batch, "skip", "[2]", true);
  add_event(batch, "bb", "[3]");
  encoder->encode(batch, out, frames);

  const std::string f_a = "event: message\nid: [1]\ndata: a\n\n";
  const std::string f_b = "event: message\nid: [3]\ndata: bb\n\n";
  EXPECT_EQ(out, ":ok\n\n" + f_a + f_b);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], (EncodedFrame{0, 5, static_cast<std::uint32_t>(f_a.size())}));
  EXPECT_EQ(frames[1], (EncodedFrame{1, static_cast<std::uint32_t>(5 + f_a.size()),
                                     static_cast<std::uint32_t>(f_b.size())}));
  for (const auto& f : frames) EXPECT_EQ(out.substr(f.offset, 15), "event: message\n");
}

TEST(SseEncode, EmptyPayloadIsOneEmptyDataLine) {
  EXPECT_EQ(encode_one("", "[1]"), "event: message\nid: [1]\ndata: \n\n");
}

TEST(SseEncode, LineFeedSplitsData) {
  EXPECT_EQ(encode_one("a\nb", "[1]"), "event: message\nid: [1]\ndata: a\ndata: b\n\n");
}

TEST(SseEncode, CarriageReturnSplitsData) {
  EXPECT_EQ(encode_one("a\rb"), "event: message\ndata: a\ndata: b\n\n");
}

TEST(SseEncode, CrLfIsOneBreak) {
  EXPECT_EQ(encode_one("a\r\nb"), "event: message\ndata: a\ndata: b\n\n");
}

TEST(SseEncode, MixedBreakKinds) {
  EXPECT_EQ(encode_one("a\nb\rc\r\nd"), "event: message\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(SseEncode, ConsecutiveBreaksGiveEmptyDataLines) {
  EXPECT_EQ(encode_one("a\n\nb"), "event: message\ndata: a\ndata: \ndata: b\n\n");
  EXPECT_EQ(encode_one("a\r\rb"), "event: message\ndata: a\ndata: \ndata: b\n\n");
  EXPECT_EQ(encode_one("a\r\n\r\nb"), "event: message\ndata: a\ndata: \ndata: b\n\n");
  // LF then CR is two breaks, not one.
  EXPECT_EQ(encode_one("a\n\rb"), "event: message\ndata: a\ndata: \ndata: b\n\n");
  // CR LF LF: one CRLF break, then one LF break.
  EXPECT_EQ(encode_one("a\r\n\nb"), "event: message\ndata: a\ndata: \ndata: b\n\n");
  // CR CR LF: one CR break, then one CRLF break.
  EXPECT_EQ(encode_one("a\r\r\nb"), "event: message\ndata: a\ndata: \ndata: b\n\n");
}

TEST(SseEncode, TrailingBreakGivesTrailingEmptyDataLine) {
  EXPECT_EQ(encode_one("a\n"), "event: message\ndata: a\ndata: \n\n");
  EXPECT_EQ(encode_one("a\r"), "event: message\ndata: a\ndata: \n\n");
  EXPECT_EQ(encode_one("a\r\n"), "event: message\ndata: a\ndata: \n\n");
}

TEST(SseEncode, LeadingAndOnlyBreaks) {
  EXPECT_EQ(encode_one("\na"), "event: message\ndata: \ndata: a\n\n");
  EXPECT_EQ(encode_one("\n"), "event: message\ndata: \ndata: \n\n");
  EXPECT_EQ(encode_one("\r\n"), "event: message\ndata: \ndata: \n\n");
  EXPECT_EQ(encode_one("\r"), "event: message\ndata: \ndata: \n\n");
  EXPECT_EQ(encode_one("\n\r\n\r"), "event: message\ndata: \ndata: \ndata: \ndata: \n\n");
}

TEST(SseEncode, OtherBytesArePassedThrough) {
  EXPECT_EQ(encode_one("a\0b\tc: d \xc3\xa9"s), "event: message\ndata: a\0b\tc: d \xc3\xa9\n\n"s);
  EXPECT_EQ(encode_one(" leading space"), "event: message\ndata:  leading space\n\n");
}

TEST(SseEncode, LineBreaksInIdBecomeSpaces) {
  EXPECT_EQ(encode_one("x", "[1,\r\n2,\n3,\r4]"), "event: message\nid: [1,  2, 3, 4]\ndata: x\n\n");
}

TEST(SseEncode, LargeBatchFramesCoverOutput) {
  EventBatch batch;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string payload(static_cast<std::size_t>(i), static_cast<char>('a' + i % 26));
    const std::string id = "[" + std::to_string(i) + "]";
    add_event(batch, payload, id, i % 7 == 3);
    if (i % 7 != 3) expected += "event: message\nid: " + id + "\ndata: " + payload + "\n\n";
  }
  std::string out;
  std::vector<EncodedFrame> frames;
  make_encoder()->encode(batch, out, frames);
  EXPECT_EQ(out, expected);
  std::uint32_t next = 0;
  for (const auto& f : frames) {
    EXPECT_NE(f.event_index % 7, 3u);
    EXPECT_EQ(f.offset, next);
    next += f.length;
  }
  EXPECT_EQ(next, out.size());
}

TEST(SseDataLines, DirectCalls) {
  struct Case {
    std::string in;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"", "data: \n"},
      {"abc", "data: abc\n"},
      {"a\r\nb\nc\rd", "data: a\ndata: b\ndata: c\ndata: d\n"},
      {"\r\r\n\n", "data: \ndata: \ndata: \ndata: \n"},
      {"x\r", "data: x\ndata: \n"},
  };
  for (const auto& c : cases) {
    std::string out = "pre";
    append_data_lines(c.in, out);
    EXPECT_EQ(out, "pre" + c.out);
  }
}

// --- errors ----------------------------------------------------------------------------------

TEST(SseError, SingleLine) {
  std::string out;
  make_encoder()->error(R"({"type":"kafka","message":"broker down"})", out);
  EXPECT_EQ(out, "event: error\ndata: {\"type\":\"kafka\",\"message\":\"broker down\"}\n\n");
}

TEST(SseError, MultiLineErrorJson) {
  std::string out;
  make_encoder()->error("{\n  \"type\": \"kafka\",\r\n  \"message\": \"x\"\r}", out);
  EXPECT_EQ(out,
            "event: error\n"
            "data: {\n"
            "data:   \"type\": \"kafka\",\n"
            "data:   \"message\": \"x\"\n"
            "data: }\n"
            "\n");
}

TEST(SseError, EmptyErrorJson) {
  std::string out;
  make_encoder()->error("", out);
  EXPECT_EQ(out, "event: error\ndata: \n\n");
}

// --- configuration errors --------------------------------------------------------------------

TEST(SseConfig, ParsesAllKeys) {
  std::string error;
  auto config = parse_config(R"({"retry_ms": 2500, "heartbeat_comment": "hb"})", error);
  ASSERT_TRUE(config.has_value()) << error;
  EXPECT_EQ(config->retry_ms, 2500u);
  EXPECT_EQ(config->heartbeat_comment, "hb");
}

TEST(SseConfig, DefaultsLeaveRetryUnset) {
  std::string error;
  auto config = parse_config("", error);
  ASSERT_TRUE(config.has_value());
  EXPECT_FALSE(config->retry_ms.has_value());
  EXPECT_EQ(config->heartbeat_comment, "heartbeat");
}

TEST(SseConfig, UnknownKeyIsNamed) {
  const std::string error = config_error(R"({"retry_ms": 1, "retry": 5})");
  EXPECT_NE(error.find("unknown key \"retry\""), std::string::npos) << error;
  EXPECT_NE(error.find("retry_ms, heartbeat_comment"), std::string::npos) << error;
}

TEST(SseConfig, ATypoGetsTheNearestKey) {
  EXPECT_EQ(config_error(R"({"retry_msec": 1})"),
            R"(sse encoder config: unknown key "retry_msec" (did you mean "retry_ms"?))");
  EXPECT_EQ(config_error(R"({"heartbeat_coment": "x"})"),
            "sse encoder config: unknown key \"heartbeat_coment\" (did you mean "
            "\"heartbeat_comment\"?)");
}

TEST(SseConfig, NegativeRetry) {
  const std::string error = config_error(R"({"retry_ms": -1})");
  EXPECT_NE(error.find("\"retry_ms\" must be a non-negative integer, got -1"), std::string::npos)
      << error;
}

TEST(SseConfig, RetryOfWrongType) {
  for (const char* config :
       {R"({"retry_ms": "1000"})", R"({"retry_ms": 1.5})", R"({"retry_ms": null})",
        R"({"retry_ms": true})", R"({"retry_ms": 1e30})", R"({"retry_ms": [1]})"}) {
    const std::string error = config_error(config);
    EXPECT_NE(error.find("\"retry_ms\" must be a non-negative integer"), std::string::npos)
        << error;
  }
}

TEST(SseConfig, HeartbeatCommentOfWrongType) {
  const std::string error = config_error(R"({"heartbeat_comment": 5})");
  EXPECT_NE(error.find("\"heartbeat_comment\" must be a string, got 5"), std::string::npos)
      << error;
}

TEST(SseConfig, HeartbeatCommentWithLineBreak) {
  for (const char* config :
       {R"({"heartbeat_comment": "a\nb"})", R"({"heartbeat_comment": "\r"})"}) {
    const std::string error = config_error(config);
    EXPECT_NE(error.find("\"heartbeat_comment\" must not contain line breaks"), std::string::npos)
        << error;
  }
}

TEST(SseConfig, MalformedJson) {
  const std::string error = config_error(R"({"retry_ms": )");
  EXPECT_NE(error.find("sse encoder config: invalid JSON at offset"), std::string::npos) << error;
  EXPECT_NE(config_error(R"({} {})").find("invalid JSON"), std::string::npos);
}

TEST(SseConfig, NotAnObject) {
  const std::string error = config_error("[1, 2]");
  EXPECT_NE(error.find("expected a JSON object, got an array"), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams::sse
