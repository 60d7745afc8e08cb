// Byte-level tests of the text/plain encoder: the line of each event shape, what a terminal
// is kept from, the cut to a width, the id lines a client resumes with, the config.
#include "text_plain_encoder.h"

#include <gtest/gtest.h>

namespace text_plain {
namespace {

using eventstreams::EncodedFrame;
using eventstreams::Event;
using eventstreams::EventBatch;

// 2026-11-28T07:00:01Z
constexpr std::int64_t kKafkaMs = 1795849201000;

std::string line_of(std::string_view payload, std::size_t width = 0,
                    std::int64_t timestamp_ms = kKafkaMs, std::string_view topic = "t") {
  LineFormatter formatter;
  std::string out;
  formatter.format(payload, topic, timestamp_ms, width, out);
  return out;
}

TEST(TextPlainLine, RecentChangeEdit) {
  EXPECT_EQ(
      line_of(
          R"({"$schema":"/mediawiki/recentchange/1.0.0","meta":{"dt":"2026-11-28T07:00:01Z","domain":"en.wikipedia.org"},
    "type":"edit","title":"Main Page","user":"ExampleEditor","bot":false,"wiki":"enwiki",
    "comment":"fix a typo","parsedcomment":"fix a typo"})"),
      "2026-11-28T07:00:01Z enwiki edit [[Main Page]] ExampleEditor: fix a typo");
}

TEST(TextPlainLine, LogEventsNameTheirLogAndBotsAreMarked) {
  EXPECT_EQ(line_of(R"({"meta":{"dt":"2026-11-28T07:00:02Z"},"type":"log","log_type":"delete",
    "title":"Spam","user":"CleanupBot","bot":true,"wiki":"dewiki","comment":"spam"})"),
            "2026-11-28T07:00:02Z dewiki log/delete [[Spam]] CleanupBot (bot): spam");
}

TEST(TextPlainLine, RevisionCreateAndPageChangeShapes) {
  EXPECT_EQ(
      line_of(
          R"({"meta":{"dt":"2026-11-28T07:00:03.123+00:00","stream":"mediawiki.revision-create"},
    "database":"frwiki","page_title":"Paris","performer":{"user_text":"Marianne","user_is_bot":false},
    "comment":"source"})"),
      "2026-11-28T07:00:03Z frwiki mediawiki.revision-create [[Paris]] Marianne: source");
  EXPECT_EQ(line_of(R"({"dt":"2026-11-28T07:00:04Z","wiki_id":"itwiki","page_change_kind":"move",
    "page":{"page_title":"Roma"},"performer":{"user_text":"Bot1","user_is_bot":true},
    "revision":{"comment":"moved"}})"),
            "2026-11-28T07:00:04Z itwiki move [[Roma]] Bot1 (bot): moved");
}

TEST(TextPlainLine, MissingPartsAreLeftOut) {
  EXPECT_EQ(line_of(R"({"title":"Only a title"})"), "2026-11-28T07:00:01Z - - [[Only a title]]");
  EXPECT_EQ(line_of(R"({"user":"Someone","comment":""})"), "2026-11-28T07:00:01Z - - Someone");
  EXPECT_EQ(line_of(R"({"title":"T","comment":"c"})"), "2026-11-28T07:00:01Z - - [[T]] c");
}

TEST(TextPlainLine, TimeFromTheEventThenFromKafka) {
  EXPECT_EQ(line_of(R"({"timestamp":1795849210,"title":"A"})"), "2026-11-28T07:00:10Z - - [[A]]");
  EXPECT_EQ(line_of(R"({"title":"A"})", 0, -1), "- - - [[A]]");
  // Not UTC: shown as the event has it.
  EXPECT_EQ(line_of(R"({"meta":{"dt":"2026-11-28T08:00:01+01:00"},"title":"A"})"),
            "2026-11-28T08:00:01+01:00 - - [[A]]");
}

TEST(TextPlainLine, OtherEventsGetTheirTopicAndTopLevelFields) {
  EXPECT_EQ(line_of(R"({"$schema":"/x/1","meta":{"dt":"2026-11-28T07:00:05Z"},"n":7,"ok":true,
    "name":"a b","tags":["x"],"empty":[],"nested":{"a":1},"nothing":null})",
                    0, kKafkaMs, "eqiad.test"),
            "2026-11-28T07:00:05Z eqiad.test n=7 ok=true name=a b tags=[…] empty=[] nested={…} "
            "nothing=null");
}

TEST(TextPlainLine, PayloadsThatAreNotObjectsShowAsText) {
  EXPECT_EQ(line_of("not json", 0, kKafkaMs, "raw"), "2026-11-28T07:00:01Z raw not json");
  EXPECT_EQ(line_of("[1,2]", 0, kKafkaMs, "raw"), "2026-11-28T07:00:01Z raw [1,2]");
}

TEST(TextPlainLine, TerminalControlsNeverGetThrough) {
  // ESC sequences, C1 controls, bidi overrides, invalid UTF-8: each becomes U+FFFD; tabs and
  // line breaks a space.
  const std::string line = line_of(
      "{\"title\":\"A\\u001b[2JB\",\"user\":\"x\\u0085y\\u202Ez\",\"comment\":"
      "\"one\\ntwo\\tthree\"}");
  EXPECT_EQ(
      line,
      "2026-11-28T07:00:01Z - - [[A\xEF\xBF\xBD[2JB]] x\xEF\xBF\xBDy\xEF\xBF\xBDz: one two three");
  std::string out;
  append_printable("ok\xC3\x28\xF0\x9F\x98\x80\xED\xA0\x80", out);  // bad, emoji, surrogate
  EXPECT_EQ(out, "ok\xEF\xBF\xBD(\xF0\x9F\x98\x80\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(TextPlainWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("é"), 1u);                 // one code point, two bytes
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);         // e + combining acute
  EXPECT_EQ(display_width("日本"), 4u);              // wide
  EXPECT_EQ(display_width("\xF0\x9F\x98\x80"), 2u);  // emoji
}

TEST(TextPlainWidth, LinesAreCutToTheWidthWithAnEllipsis) {
  std::string s = "abcdefghij";
  cut_to_width(s, 10);
  EXPECT_EQ(s, "abcdefghij");  // fits exactly
  cut_to_width(s, 5);
  EXPECT_EQ(s, "abcd…");
  EXPECT_EQ(display_width(s), 5u);
  std::string wide = "ab日本語";
  cut_to_width(wide, 6);  // a b 日(2) then 本 would end at 6, the ellipsis needs one
  EXPECT_EQ(wide, "ab日…");
  std::string combining = "xe\xCC\x81yz";
  cut_to_width(combining, 3);
  EXPECT_EQ(combining, "xe\xCC\x81…");  // the accent stays with its letter
  std::string uncut(300, 'a');
  cut_to_width(uncut, 0);
  EXPECT_EQ(uncut.size(), 300u);
  EXPECT_EQ(line_of(R"({"title":"A long title that goes on","user":"U"})", 30),
            "2026-11-28T07:00:01Z - - [[A …");  // 29 columns and the ellipsis
}

EventBatch batch_of(std::initializer_list<std::pair<std::string, std::string>> events) {
  EventBatch batch;
  batch.topics = {"eqiad.rc"};
  for (const auto& [payload, id] : events) {
    Event e;
    e.timestamp = kKafkaMs;
    e.value = batch.store(payload);
    e.id = batch.store(id);
    batch.events.push_back(e);
  }
  return batch;
}

TEST(TextPlainEncoder, EachEventIsItsLineThenTheIdToResumeAfterIt) {
  TextPlainEncoder encoder(Config{});
  EventBatch batch = batch_of(
      {{R"({"title":"A","user":"U"})", R"([{"topic":"eqiad.rc","partition":0,"offset":1}])"},
       {R"({"title":"B","user":"V"})", R"([{"topic":"eqiad.rc","partition":0,"offset":2}])"},
       {R"({"title":"C","user":"W"})", R"([{"topic":"eqiad.rc","partition":0,"offset":3}])"}});
  batch.events[1].dropped = true;
  std::string out = "prefix";
  std::vector<EncodedFrame> frames;
  encoder.encode(batch, out, frames);
  const std::string a =
      "2026-11-28T07:00:01Z - - [[A]] U\nid: "
      "[{\"topic\":\"eqiad.rc\",\"partition\":0,\"offset\":1}]\n";
  const std::string c =
      "2026-11-28T07:00:01Z - - [[C]] W\nid: "
      "[{\"topic\":\"eqiad.rc\",\"partition\":0,\"offset\":3}]\n";
  EXPECT_EQ(out, "prefix" + a + c);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].event_index, 0u);
  EXPECT_EQ(frames[0].offset, 6u);
  EXPECT_EQ(frames[0].length, a.size());
  EXPECT_EQ(frames[1].event_index, 2u);
  EXPECT_EQ(frames[1].offset, 6u + a.size());
  EXPECT_EQ(frames[1].length, c.size());
}

TEST(TextPlainEncoder, WithoutIdsOneLinePerEvent) {
  Config config;
  config.ids = false;
  TextPlainEncoderFactory factory(config);
  EXPECT_FALSE(factory.wants_ids());
  auto encoder = factory.create();
  EventBatch batch = batch_of({{R"({"title":"A","user":"U"})", "[]"}});
  std::string out;
  std::vector<EncodedFrame> frames;
  encoder->encode(batch, out, frames);
  EXPECT_EQ(out, "2026-11-28T07:00:01Z - - [[A]] U\n");
}

TEST(TextPlainEncoder, HeartbeatIsAnEmptyLineAndErrorsALineOfTheirOwn) {
  TextPlainEncoder encoder(Config{});
  std::string out;
  encoder.heartbeat(out);
  EXPECT_EQ(out, "\n");
  out.clear();
  encoder.error(R"({"type":"kafka_error","detail":"gone"})", out);
  EXPECT_EQ(out, "error: {\"type\":\"kafka_error\",\"detail\":\"gone\"}\n");
}

TEST(TextPlainFactory, ServesTextPlainWithIdsByDefault) {
  TextPlainEncoderFactory factory(Config{});
  EXPECT_EQ(factory.media_types(), std::vector<std::string>{"text/plain"});
  EXPECT_EQ(factory.content_type(), "text/plain; charset=utf-8");
  EXPECT_EQ(factory.preamble(), "");
  EXPECT_TRUE(factory.wants_ids());
}

TEST(TextPlainConfig, DefaultsAndKeys) {
  std::string error;
  for (const char* empty : {"", "null", "{}"}) {
    const auto config = parse_config(empty, error);
    ASSERT_TRUE(config) << error;
    EXPECT_EQ(config->width, 160u);
    EXPECT_TRUE(config->ids);
  }
  const auto config = parse_config(R"({"width":80,"ids":false})", error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->width, 80u);
  EXPECT_FALSE(config->ids);
}

TEST(TextPlainConfig, BadConfigsAreRefusedNamingTheKey) {
  std::string error;
  EXPECT_FALSE(parse_config(R"({"widht":80})", error));
  EXPECT_EQ(error, "text-plain encoder config: unknown key \"widht\" (known: width, ids)");
  EXPECT_FALSE(parse_config(R"({"width":-1})", error));
  EXPECT_EQ(error,
            "text-plain encoder config: \"width\" must be a number of columns from 0 to 100000");
  EXPECT_FALSE(parse_config(R"({"ids":"yes"})", error));
  EXPECT_EQ(error, "text-plain encoder config: \"ids\" must be true or false");
  EXPECT_FALSE(parse_config("[1]", error));
  EXPECT_EQ(error, "text-plain encoder config: must be a map");
  eventstreams::PluginContext context;
  context.config_json = R"({"widht":80})";
  error.clear();
  EXPECT_EQ(create_factory(context, error), nullptr);
  EXPECT_EQ(error, "text-plain encoder config: unknown key \"widht\" (known: width, ids)");
}

}  // namespace
}  // namespace text_plain
