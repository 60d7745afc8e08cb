#include "ndjson_encoder.h"

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

namespace eventstreams::ndjson {
namespace {

using namespace std::string_literals;

void add_event(EventBatch& batch, std::string_view value, bool dropped = false) {
  Event e;
  e.value = batch.store(value);
  e.id = batch.store("[ignored]");
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

std::unique_ptr<Encoder> make_encoder() {
  auto factory = make_factory("");
  if (!factory) return nullptr;
  auto encoder = factory->create();
  EXPECT_NE(encoder, nullptr);
  return encoder;
}

std::string config_error(const std::string& config_json) {
  PluginContext context;
  context.config_json = config_json;
  std::string error;
  EXPECT_EQ(create_factory(context, error), nullptr) << config_json;
  return error;
}

std::string encode_one(std::string_view value) {
  EventBatch batch;
  add_event(batch, value);
  std::string out;
  std::vector<EncodedFrame> frames;
  make_encoder()->encode(batch, out, frames);
  EXPECT_EQ(frames.size(), 1u);
  return out;
}

TEST(NdjsonFactory, DeclaresMediaTypesContentTypeAndNoIds) {
  auto factory = make_factory("");
  ASSERT_NE(factory, nullptr);
  EXPECT_EQ(factory->media_types(),
            (std::vector<std::string>{"application/json", "application/x-ndjson"}));
  EXPECT_EQ(factory->content_type(), "application/json; charset=utf-8");
  EXPECT_FALSE(factory->wants_ids());
}

TEST(NdjsonFactory, EmptyConfigsAreAccepted) {
  for (const char* config : {"", "{}", "null", " \n", " { } "}) {
    EXPECT_NE(make_factory(config), nullptr) << config;
  }
}

TEST(NdjsonPreamble, IsEmpty) {
  EXPECT_EQ(make_factory("")->preamble(), "");
}

TEST(NdjsonHeartbeat, IsAnEmptyLine) {
  std::string out;
  auto encoder = make_encoder();
  encoder->heartbeat(out);
  encoder->heartbeat(out);
  EXPECT_EQ(out, "\n\n");
}

TEST(NdjsonEncode, OneEventPerLine) {
  EXPECT_EQ(encode_one(R"({"a":1,"meta":{"offset":42}})"), "{\"a\":1,\"meta\":{\"offset\":42}}\n");
}

TEST(NdjsonEncode, MultipleEventsWithFrames) {
  EventBatch batch;
  add_event(batch, R"({"n":1})");
  add_event(batch, R"({"n":22})");
  add_event(batch, R"({"n":333})");
  std::string out;
  std::vector<EncodedFrame> frames;
  make_encoder()->encode(batch, out, frames);
  EXPECT_EQ(out, "{\"n\":1}\n{\"n\":22}\n{\"n\":333}\n");
  EXPECT_EQ(frames, (std::vector<EncodedFrame>{{0, 0, 8}, {1, 8, 9}, {2, 17, 10}}));
}

TEST(NdjsonEncode, DroppedEventsAreSkippedAndFramesKeepBatchIndexes) {
  EventBatch batch;
  add_event(batch, R"({"n":0})", true);
  add_event(batch, R"({"n":1})");
  add_event(batch, R"({"n":2})", true);
  add_event(batch, R"({"n":3})", true);
  add_event(batch, R"({"n":44})");
  add_event(batch, R"({"n":5})", true);
  std::string out = "prefix";
  std::vector<EncodedFrame> frames = {{9, 9, 9}};
  make_encoder()->encode(batch, out, frames);
  EXPECT_EQ(out, "prefix{\"n\":1}\n{\"n\":44}\n");
  EXPECT_EQ(frames, (std::vector<EncodedFrame>{{9, 9, 9}, {1, 6, 8}, {4, 14, 9}}));
}

TEST(NdjsonEncode, AllDroppedOrEmptyBatchWritesNothing) {
  EventBatch batch;
  std::string out;
  std::vector<EncodedFrame> frames;
  auto encoder = make_encoder();
  encoder->encode(batch, out, frames);
  add_event(batch, "{}", true);
  encoder->encode(batch, out, frames);
  EXPECT_EQ(out, "");
  EXPECT_TRUE(frames.empty());
}

TEST(NdjsonEncode, RawLineBreaksBecomeSpaces) {
  EXPECT_EQ(encode_one("{\n\"a\": 1,\r\n\"b\":\r2\n}\n"), "{ \"a\": 1,  \"b\": 2 } \n");
}

TEST(NdjsonEncode, EscapedLineBreaksAreUntouched) {
  EXPECT_EQ(encode_one(R"({"s":"a\nb\r\n"})"), "{\"s\":\"a\\nb\\r\\n\"}\n");
}

TEST(NdjsonEncode, OtherBytesArePassedThrough) {
  EXPECT_EQ(encode_one("{\"s\":\"\xc3\xa9\t\"}\0"s), "{\"s\":\"\xc3\xa9\t\"}\0\n"s);
}

TEST(NdjsonEncode, EmptyPayloadIsAnEmptyLine) {
  EXPECT_EQ(encode_one(""), "\n");
}

TEST(NdjsonError, WrapsErrorJson) {
  std::string out;
  make_encoder()->error(R"({"type":"kafka","message":"broker down"})", out);
  EXPECT_EQ(out, "{\"error\":{\"type\":\"kafka\",\"message\":\"broker down\"}}\n");
}

TEST(NdjsonError, MultiLineErrorJsonStaysOnOneLine) {
  std::string out;
  make_encoder()->error("{\n  \"type\": \"kafka\",\r\n  \"message\": \"x\"\r}", out);
  EXPECT_EQ(out, "{\"error\":{   \"type\": \"kafka\",    \"message\": \"x\" }}\n");
}

TEST(NdjsonOneLine, DirectCalls) {
  std::string out = "p";
  append_one_line("", out);
  append_one_line("a\r\n\nb", out);
  EXPECT_EQ(out, "pa   b");
}

TEST(NdjsonConfig, UnknownKeyIsNamed) {
  const std::string error = config_error(R"({"pretty": true})");
  EXPECT_EQ(error,
            R"(ndjson encoder config: unknown key "pretty" (this plugin takes no settings))");
}

TEST(NdjsonConfig, MalformedJson) {
  const std::string error = config_error("{");
  EXPECT_NE(error.find("ndjson encoder config: invalid JSON at offset"), std::string::npos)
      << error;
}

TEST(NdjsonConfig, NotAnObject) {
  const std::string error = config_error(R"("text")");
  EXPECT_NE(error.find("expected a JSON object, got a string"), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams::ndjson
