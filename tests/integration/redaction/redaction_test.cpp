// Page redaction end to end (SPEC 3, 7): a server configured with the redaction plugin, events
// shaped like the sample recentchange and page_change events produced to a real broker, read
// back over SSE and NDJSON.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;
using rapidjson::Document;
using rapidjson::Value;

constexpr const char* kRecentChangeStream = "mediawiki.recentchange";
constexpr const char* kPageChangeStream = "mediawiki.page_change.v1";

// YAML scalars `false` and `404` in the list name the pages "false" and "404".
constexpr const char* kPluginYaml = R"(plugins:
  transforms: [redaction]
  config:
    redaction:
      mediawiki_redacted_pages:
        en.wikipedia.org:
          - Redact this
          - false
          - 404
        de.wikipedia.org: [Geheime Seite]
)";

std::string to_json(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  v.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

Document parse(const std::string& text) {
  Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

Document fixture(const char* name) {
  std::ifstream in(std::string(ES_REDACTION_FIXTURES_DIR) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str());
}

void set(Document& doc, Value& object, const char* name, Value value) {
  if (object.HasMember(name)) {
    object[name] = value;
  } else {
    object.AddMember(Value(name, doc.GetAllocator()), value, doc.GetAllocator());
  }
}

void set_string(Document& doc, Value& object, const char* name, const std::string& s) {
  set(doc, object, name, Value(s.c_str(), doc.GetAllocator()));
}

// One event to produce and what a client must receive for it.
struct Case {
  std::string name;
  std::string topic;
  std::string payload;  // compact JSON, as produced
  // Edits the host-rewritten event must show: members removed, members emptied (dotted).
  std::vector<std::string> removed;
  std::vector<std::string> emptied;
  std::int64_t offset = -1;
};

std::string recentchange(const std::string& domain, const std::string& title) {
  Document doc = fixture("recentchange.json");
  set_string(doc, doc["meta"], "domain", domain);
  set_string(doc, doc["meta"], "stream", kRecentChangeStream);
  set_string(doc, doc, "title", title);
  return to_json(doc);
}

std::string page_change(const std::string& domain, const std::string& title,
                        bool with_revision = true) {
  Document doc = fixture("page-change.json");
  set_string(doc, doc["meta"], "domain", domain);
  set_string(doc, doc["meta"], "stream", kPageChangeStream);
  set_string(doc, doc["page"], "page_title", title);
  if (with_revision) {
    // The prior state of an edit carries the previous revision's editor.
    Document prior =
        parse(R"({"revision":{"rev_id":1,"editor":{"user_id":7,"user_text":"Prior"}}})");
    set(doc, doc, "prior_state", Value(prior, doc.GetAllocator()));
  } else {
    doc.RemoveMember("revision");
  }
  return to_json(doc);
}

// The payload as the host delivers it (meta.topic/partition/offset set) with the case's edits.
std::string expected_data(const Case& c, int partition) {
  Document doc = parse(c.payload);
  if (!doc.HasMember("meta"))
    doc.AddMember("meta", Value(rapidjson::kObjectType), doc.GetAllocator());
  Value& meta = doc["meta"];
  set_string(doc, meta, "topic", c.topic);
  set(doc, meta, "partition", Value(partition));
  set(doc, meta, "offset", Value(static_cast<int64_t>(c.offset)));
  const auto parent_of = [&](const std::string& path, std::string& last) -> Value* {
    Value* v = &doc;
    std::size_t start = 0;
    for (std::size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
      const std::string name = path.substr(start, dot - start);
      if (!v->IsObject() || !v->HasMember(name.c_str())) return nullptr;
      v = &(*v)[name.c_str()];
    }
    last = path.substr(start);
    return v->IsObject() && v->HasMember(last.c_str()) ? v : nullptr;
  };
  for (const auto& path : c.emptied) {
    std::string last;
    if (Value* p = parent_of(path, last)) (*p)[last.c_str()].SetObject();
  }
  for (const auto& path : c.removed) {
    std::string last;
    if (Value* p = parent_of(path, last)) {
      EXPECT_TRUE(p->EraseMember(last.c_str())) << path;  // EraseMember keeps the order
    }
  }
  return to_json(doc);
}

std::string from_zero(const std::vector<std::string>& topics) {
  std::string out = "[";
  for (const auto& t : topics) {
    if (out.size() > 1) out += ",";
    out += R"({"topic":")" + t + R"(","partition":0,"offset":0})";
  }
  return out + "]";
}

class RedactionIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& kafka = KafkaBroker::shared();
    rc_topic_ = kafka.create_unique_topic("redaction-rc", 1);
    pc_topic_ = kafka.create_unique_topic("redaction-pc", 1);
    ServerConfig config;
    config.kafka_bootstrap = kafka.bootstrap();
    config.streams = {{kRecentChangeStream, {rc_topic_}}, {kPageChangeStream, {pc_topic_}}};
    config.extra_yaml = kPluginYaml;
    server_ = std::make_unique<ServerProcess>(config);
    producer_ = std::make_unique<Producer>(kafka.bootstrap());
  }

  // The SPEC 7 redaction cases.
  std::vector<Case> cases() const {
    const std::vector<std::string> user = {"user"};
    const std::vector<std::string> editors = {"revision.editor", "prior_state.revision.editor"};
    return {
        {"recentchange, listed page",
         rc_topic_,
         recentchange("en.wikipedia.org", "Redact this"),
         user,
         {}},
        {"recentchange, listed page in another spelling",
         rc_topic_,
         recentchange("en.wikipedia.org", "  REDACT_this "),
         user,
         {}},
        {"recentchange, unlisted page",
         rc_topic_,
         recentchange("en.wikipedia.org", "Other page"),
         {},
         {}},
        {"recentchange, listed title of another wiki",
         rc_topic_,
         recentchange("fr.wikipedia.org", "Redact this"),
         {},
         {}},
        {"recentchange, domain differs in case",
         rc_topic_,
         recentchange("EN.wikipedia.org", "Redact this"),
         {},
         {}},
        {"recentchange, config entry false",
         rc_topic_,
         recentchange("en.wikipedia.org", "false"),
         user,
         {}},
        {"recentchange, config entry 404",
         rc_topic_,
         recentchange("en.wikipedia.org", "404"),
         user,
         {}},
        {"recentchange, empty event", rc_topic_, "{}", {}, {}},
        {"recentchange, no title",
         rc_topic_,
         R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"user":"U"})",
         {},
         {}},
        {"page_change, listed page",
         pc_topic_,
         page_change("de.wikipedia.org", "Geheime_Seite"),
         editors,
         {"performer"}},
        {"page_change, listed page without revision",
         pc_topic_,
         page_change("en.wikipedia.org", "Redact_this", false),
         editors,
         {"performer"}},
        {"page_change, unlisted page",
         pc_topic_,
         page_change("en.wikipedia.org", "Example"),
         {},
         {}},
    };
  }

  // Produces the cases (recording their offsets).
  void produce(std::vector<Case>& cs) {
    std::vector<ProduceMessage> messages;
    for (const auto& c : cs)
      messages.push_back({c.topic, 0, c.payload, std::nullopt, std::nullopt});
    const auto offsets = producer_->produce_many(messages);
    ASSERT_EQ(offsets.size(), cs.size());
    for (std::size_t i = 0; i < cs.size(); ++i) cs[i].offset = offsets[i];
  }

  // Checks that every case arrived once, as expected; `data` by topic/offset.
  void check(const std::vector<Case>& cs, const std::map<std::string, std::string>& received) {
    ASSERT_EQ(received.size(), cs.size()) << server_->log_text();
    for (const auto& c : cs) {
      const auto it = received.find(c.topic + "/" + std::to_string(c.offset));
      ASSERT_NE(it, received.end()) << c.name;
      EXPECT_EQ(it->second, expected_data(c, 0)) << c.name;
      if (!c.removed.empty() || !c.emptied.empty()) {
        const Document got = parse(it->second);
        EXPECT_FALSE(got.HasMember("user")) << c.name;
        if (got.HasMember("performer")) {
          EXPECT_EQ(to_json(got["performer"]), "{}") << c.name;
        }
        if (got.HasMember("revision")) {
          EXPECT_FALSE(got["revision"].HasMember("editor")) << c.name;
        }
      }
    }
  }

  // Reads `n` SSE events: topic/offset -> data; every event must carry an id.
  std::map<std::string, std::string> read_sse(StreamClient& client, std::size_t n) {
    std::map<std::string, std::string> out;
    while (out.size() < n) {
      auto e = client.next_event(20s);
      if (!e) break;
      EXPECT_EQ(e->type(), "message");
      EXPECT_TRUE(e->has_id_field) << e->data;
      const Document id = parse(e->id);
      EXPECT_TRUE(id.IsArray() && id.Size() == 2) << e->id;
      const Document doc = parse(e->data);
      if (!doc.IsObject() || !doc.HasMember("meta")) continue;
      out[std::string(doc["meta"]["topic"].GetString()) + "/" +
          std::to_string(doc["meta"]["offset"].GetInt64())] = e->data;
    }
    return out;
  }

  std::string both_streams() const {
    return std::string("/v2/stream/") + kRecentChangeStream + "," + kPageChangeStream;
  }

  std::string rc_topic_, pc_topic_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(RedactionIntegrationTest, ListedPagesArriveWithoutUserFieldsOverSse) {
  std::vector<Case> cs = cases();
  produce(cs);
  StreamClient client(server_->port(), both_streams(),
                      {{"Last-Event-ID", from_zero({rc_topic_, pc_topic_})}}, 20s);
  ASSERT_EQ(client.status(), 200);
  check(cs, read_sse(client, cs.size()));
}

TEST_F(RedactionIntegrationTest, ListedPagesArriveWithoutUserFieldsOverNdjson) {
  std::vector<Case> cs = cases();
  produce(cs);
  StreamClient client(
      server_->port(), both_streams(),
      {{"Accept", "application/json"}, {"Last-Event-ID", from_zero({rc_topic_, pc_topic_})}}, 20s);
  ASSERT_EQ(client.status(), 200);
  std::map<std::string, std::string> received;
  while (received.size() < cs.size()) {
    auto line = client.next_line(20s);
    if (!line) break;
    if (line->empty()) continue;  // heartbeat
    const Document doc = parse(*line);
    received[std::string(doc["meta"]["topic"].GetString()) + "/" +
             std::to_string(doc["meta"]["offset"].GetInt64())] = *line;
  }
  check(cs, received);
}

TEST_F(RedactionIntegrationTest, LiveClientsAllGetTheRedactedEvents) {
  StreamClient a(server_->port(), both_streams(), {}, 20s);
  StreamClient b(server_->port(), both_streams(), {}, 20s);
  ASSERT_TRUE(a.raw_until(":ok\n\n", 10s));
  ASSERT_TRUE(b.raw_until(":ok\n\n", 10s));
  std::vector<Case> cs = cases();
  produce(cs);
  const auto got_a = read_sse(a, cs.size());
  check(cs, got_a);
  EXPECT_EQ(read_sse(b, cs.size()), got_a);
}

TEST_F(RedactionIntegrationTest, RedactionsAreLoggedAndCounted) {
  std::vector<Case> cs = cases();
  produce(cs);
  StreamClient client(server_->port(), both_streams(),
                      {{"Last-Event-ID", from_zero({rc_topic_, pc_topic_})}}, 20s);
  ASSERT_EQ(read_sse(client, cs.size()).size(), cs.size());
  // One log line per redaction, naming wiki, stream, page and client. The log reaches the test
  // through a pipe, on its own time: the client may have its events before the test has
  // read every line, so wait for all six.
  const auto count_lines = [](const std::string& log) {
    std::size_t lines = 0;
    for (std::size_t p = 0;
         (p = log.find("redacted an event about a listed page", p)) != std::string::npos; ++p) {
      ++lines;
    }
    return lines;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count_lines(server_->log_text()) < 6 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string log = server_->log_text();
  EXPECT_EQ(count_lines(log), 6u) << log;
  EXPECT_NE(
      log.find(
          R"("domain":"en.wikipedia.org","stream":"mediawiki.recentchange","page":"Redact this","client":"127.0.0.1")"),
      std::string::npos)
      << log;
  const HttpResponse metrics = get(server_->port(), "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(
      metrics.body.find(
          R"(eventstreams_redactions_total{domain="en.wikipedia.org",stream="mediawiki.recentchange"} 4)"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(
          R"(eventstreams_redactions_total{domain="de.wikipedia.org",stream="mediawiki.page_change.v1"} 1)"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find(
          R"(eventstreams_redactions_total{domain="en.wikipedia.org",stream="mediawiki.page_change.v1"} 1)"),
      std::string::npos)
      << metrics.body;
}

TEST_F(RedactionIntegrationTest, BadPluginConfigStopsStartUpNamingTheKey) {
  ServerConfig config;
  config.kafka_bootstrap = KafkaBroker::shared().bootstrap();
  config.streams = {{kRecentChangeStream, {rc_topic_}}};
  config.extra_yaml =
      "plugins:\n  transforms: [redaction]\n  config:\n    redaction:\n"
      "      mediawiki_redacted_pages: {en.wikipedia.org: Redact this}\n";
  try {
    ServerProcess bad(config, ServerOptions{{}, {}, 15s, {}});
    ADD_FAILURE() << "the server started:\n" << bad.log_text();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  R"(mediawiki_redacted_pages["en.wikipedia.org"] must be a list)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace eventstreams::testing
