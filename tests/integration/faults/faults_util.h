// What the fault tests share: test events, the positions a client received, and the check that
// nothing was lost, duplicated or reordered.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/server_process.h"

namespace eventstreams::testing::faults {

// A server config: `stream` names `topics` on `bootstrap`, with more top-level YAML.
inline ServerConfig one_stream(const std::string& bootstrap, const std::string& stream,
                               const std::vector<std::string>& topics,
                               const std::string& extra_yaml = "") {
  ServerConfig config;
  config.kafka_bootstrap = bootstrap;
  config.streams = {{stream, topics}};
  config.extra_yaml = extra_yaml;
  return config;
}

// A small event carrying a sequence number.
inline std::string event_json(long n) {
  return R"({"$schema":"/test/1.0.0","meta":{"domain":"test.example.org"},"n":)" +
         std::to_string(n) + "}";
}

// topic/partition -> offsets in the order a client received them.
using Received = std::map<std::pair<std::string, int>, std::vector<std::int64_t>>;

// meta.topic, meta.partition and meta.offset of an event payload; nullopt if it has none.
struct Position {
  std::string topic;
  int partition = -1;
  std::int64_t offset = -1;
};
inline std::optional<Position> position_of(const std::string& payload) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("meta")) return std::nullopt;
  const auto& meta = doc["meta"];
  if (!meta.IsObject() || !meta.HasMember("topic") || !meta["topic"].IsString() ||
      !meta.HasMember("partition") || !meta["partition"].IsInt() || !meta.HasMember("offset") ||
      !meta["offset"].IsInt64()) {
    return std::nullopt;
  }
  return Position{meta["topic"].GetString(), meta["partition"].GetInt(), meta["offset"].GetInt64()};
}

// Checks that `got` holds, for every partition of `topic`, exactly the offsets [0, end[p]) in
// increasing order: every event once, none lost, per-partition order kept.
inline ::testing::AssertionResult exactly_once_in_order(const Received& got,
                                                        const std::string& topic,
                                                        const std::vector<std::int64_t>& end) {
  for (const auto& [where, offsets] : got) {
    if (where.first != topic || where.second < 0 || where.second >= static_cast<int>(end.size())) {
      return ::testing::AssertionFailure()
             << "events of an unexpected partition " << where.first << "/" << where.second;
    }
  }
  for (int p = 0; p < static_cast<int>(end.size()); ++p) {
    const auto it = got.find({topic, p});
    const std::size_t n = it == got.end() ? 0 : it->second.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (it->second[i] != static_cast<std::int64_t>(i)) {
        return ::testing::AssertionFailure()
               << "partition " << p << ": event #" << i << " has offset " << it->second[i]
               << " (want " << i << "; " << n << " received of " << end[p] << ")";
      }
    }
    if (static_cast<std::int64_t>(n) != end[p]) {
      return ::testing::AssertionFailure()
             << "partition " << p << ": " << n << " events received of " << end[p];
    }
  }
  return ::testing::AssertionSuccess();
}

inline long long total(const std::vector<std::int64_t>& end) {
  long long sum = 0;
  for (auto e : end) sum += e;
  return sum;
}

}  // namespace eventstreams::testing::faults
