// Helpers shared by the redaction plugin's unit tests: batches and JSON helpers.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eventstreams/event_batch.h"
#include "eventstreams/host_services.h"
#include "plugin_testing/fake_host.h"

namespace eventstreams::redaction::testing {

// The plugins' one test double of the host (plugins/common/testing).
using eventstreams::testing::FakeHost;
using eventstreams::testing::LogRecord;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  v.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

// The compact form of a JSON text, as the host hands it to transforms.
inline std::string compact(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return {};
  return to_json(doc);
}

// A batch whose events carry `payloads`, with topic "t", partition 0, offsets 0.., and an id.
inline EventBatch make_batch(const std::vector<std::string>& payloads) {
  EventBatch batch;
  batch.topics.push_back("t");
  std::int64_t offset = 0;
  for (const auto& p : payloads) {
    Event e;
    e.topic = 0;
    e.partition = 0;
    e.offset = offset++;
    e.timestamp = 1'700'000'000'000 + e.offset;
    e.value = batch.store(p);
    e.id = batch.store(R"([{"topic":"t","partition":0,"timestamp":1}])");
    batch.events.push_back(e);
  }
  return batch;
}

}  // namespace eventstreams::redaction::testing
