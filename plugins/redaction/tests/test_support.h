// Helpers shared by the redaction plugin's unit tests: a recording HostServices, batches, and
// JSON helpers.
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

namespace eventstreams::redaction::testing {

class FakeCounter final : public Counter {
 public:
  void add(std::uint64_t n) noexcept override { value_ += n; }
  std::uint64_t value() const noexcept override { return value_; }

 private:
  std::atomic<std::uint64_t> value_{0};
};

struct LogRecord {
  LogLevel level;
  std::string message;
  std::string fields;
};

class FakeHost final : public HostServices {
 public:
  void log(LogLevel level, std::string_view message,
           std::string_view fields_json) noexcept override {
    std::lock_guard<std::mutex> lock(mu_);
    logs.push_back({level, std::string(message), std::string(fields_json)});
  }
  Counter* counter(std::string_view name, std::string_view,
                   std::string_view labels) noexcept override {
    std::lock_guard<std::mutex> lock(mu_);
    auto& c = counters[std::string(name) + "{" + std::string(labels) + "}"];
    if (!c) c = std::make_unique<FakeCounter>();
    return c.get();
  }
  std::int64_t now_ms() const noexcept override { return now; }

  // 0 when the counter was never created.
  std::uint64_t value(const std::string& name_and_labels) const {
    auto it = counters.find(name_and_labels);
    return it == counters.end() ? 0 : it->second->value();
  }
  // Log records whose message contains `needle`.
  std::vector<LogRecord> logs_with(std::string_view needle) const {
    std::vector<LogRecord> out;
    for (const auto& r : logs) {
      if (r.message.find(needle) != std::string::npos) out.push_back(r);
    }
    return out;
  }

  std::vector<LogRecord> logs;
  std::map<std::string, std::unique_ptr<FakeCounter>> counters;
  std::int64_t now = 1'700'000'000'000;

 private:
  std::mutex mu_;
};

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
