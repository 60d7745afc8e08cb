// The text/plain encoder example (examples/text-plain-encoder), built out of tree against the
// installed SDK only and dropped into a plugin folder, is chosen by `Accept: text/plain`,
// prints one line per event, and a client resumes exactly by sending back the last `id:`
// line it got as Last-Event-ID (issue 10 item 3).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/resume_id.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

std::string edit(int n) {
  return R"({"$schema":"/mediawiki/recentchange/1.0.0","meta":{"dt":"2026-11-28T07:00:0)" +
         std::to_string(n) +
         R"(Z","domain":"en.wikipedia.org"},"type":"edit","wiki":"enwiki","title":"Page )" +
         std::to_string(n) + R"(","user":"Editor)" + std::to_string(n) +
         R"(","bot":false,"comment":"change )" + std::to_string(n) + R"("})";
}

std::string line(int n) {
  return "2026-11-28T07:00:0" + std::to_string(n) + "Z enwiki edit [[Page " + std::to_string(n) +
         "]] Editor" + std::to_string(n) + ": change " + std::to_string(n);
}

struct TextPlainServer {
  std::string topic;
  std::unique_ptr<ServerProcess> server;
};

TextPlainServer start(const std::string& text_plain_config = "{}") {
  auto& broker = KafkaBroker::shared();
  TextPlainServer s;
  s.topic = broker.create_unique_topic("text-plain", 1);
  Producer producer(broker.bootstrap());
  producer.produce_many({{s.topic, 0, edit(1)}, {s.topic, 0, edit(2)}, {s.topic, 0, edit(3)}});
  ServerConfig config;
  config.kafka_bootstrap = broker.bootstrap();
  config.streams = {{"rc", {s.topic}}};
  config.extra_yaml =
      std::string("plugins:\n  directories: [") + ES_HOST_PLUGIN_DIR + ", " +
      ES_TEXT_PLAIN_PLUGIN_DIR +
      "]\n  encoders: [sse, ndjson, text-plain]\n  config:\n    text-plain: " + text_plain_config +
      "\n";
  s.server = std::make_unique<ServerProcess>(config);
  return s;
}

std::string from_start(const std::string& topic) {
  return R"([{"topic":")" + topic + R"(","partition":0,"offset":0}])";
}

TEST(TextPlainEncoder, AcceptTextPlainGetsOneLinePerEventAndItsId) {
  TextPlainServer s = start();
  StreamClient c(s.server->port(), "/v2/stream/rc",
                 {{"Accept", "text/plain"}, {"Last-Event-ID", from_start(s.topic)}}, 20s);
  ASSERT_EQ(c.status(), 200) << c.raw();
  EXPECT_EQ(c.header("Content-Type").value_or(""), "text/plain; charset=utf-8");
  for (int n = 1; n <= 3; ++n) {
    const auto event_line = c.next_line(20s);
    ASSERT_TRUE(event_line) << s.server->log_text() << c.raw();
    EXPECT_EQ(*event_line, line(n));
    const auto id_line = c.next_line(20s);
    ASSERT_TRUE(id_line) << c.raw();
    ASSERT_EQ(id_line->rfind("id: [", 0), 0u) << *id_line;
    EXPECT_NE(id_line->find("\"topic\":\"" + s.topic + "\""), std::string::npos) << *id_line;
    EXPECT_EQ(id_offset(id_line->substr(4), s.topic, 0), n) << *id_line;
  }
}

TEST(TextPlainEncoder, TheLastIdLineResumesExactlyAfterTheLastEventLine) {
  TextPlainServer s = start();
  std::string last_id;
  {
    StreamClient first(s.server->port(), "/v2/stream/rc",
                       {{"Accept", "text/plain"}, {"Last-Event-ID", from_start(s.topic)}}, 20s);
    ASSERT_EQ(first.status(), 200);
    const auto event_line = first.next_line(20s);
    const auto id_line = first.next_line(20s);
    ASSERT_TRUE(event_line && id_line) << first.raw();
    EXPECT_EQ(*event_line, line(1));
    last_id = id_line->substr(4);  // what a script greps: the text after "id: "
    first.close();
  }
  StreamClient resumed(s.server->port(), "/v2/stream/rc",
                       {{"Accept", "text/plain"}, {"Last-Event-ID", last_id}}, 20s);
  ASSERT_EQ(resumed.status(), 200) << resumed.raw();
  const auto next = resumed.next_line(20s);
  ASSERT_TRUE(next) << resumed.raw() << s.server->log_text();
  EXPECT_EQ(*next, line(2));  // no duplicate of 1, no gap
  resumed.next_line(20s);     // its id
  const auto after = resumed.next_line(20s);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, line(3));
}

TEST(TextPlainEncoder, WithoutIdsItIsOneLinePerEventCutToTheWidth) {
  TextPlainServer s = start("{ids: false, width: 40}");
  StreamClient c(s.server->port(), "/v2/stream/rc",
                 {{"Accept", "text/plain"}, {"Last-Event-ID", from_start(s.topic)}}, 20s);
  ASSERT_EQ(c.status(), 200);
  for (int n = 1; n <= 3; ++n) {
    const auto l = c.next_line(20s);
    ASSERT_TRUE(l) << c.raw();
    EXPECT_EQ(*l, line(n).substr(0, 39) + "\xE2\x80\xA6");  // 39 columns and "…"
  }
}

TEST(TextPlainEncoder, OtherClientsKeepTheirFormats) {
  TextPlainServer s = start();
  StreamClient sse(s.server->port(), "/v2/stream/rc", {{"Last-Event-ID", from_start(s.topic)}},
                   20s);
  EXPECT_EQ(sse.header("Content-Type").value_or("").rfind("text/event-stream", 0), 0u);
  const auto ev = sse.next_event(20s);
  ASSERT_TRUE(ev) << sse.raw();
  EXPECT_NE(ev->data.find("\"title\":\"Page 1\""), std::string::npos);
  StreamClient ndjson(s.server->port(), "/v2/stream/rc",
                      {{"Accept", "application/json"}, {"Last-Event-ID", from_start(s.topic)}},
                      20s);
  const auto json = ndjson.next_line(20s);
  ASSERT_TRUE(json) << ndjson.raw();
  EXPECT_EQ(json->front(), '{');
}

}  // namespace
}  // namespace eventstreams::testing
