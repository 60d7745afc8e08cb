// Realistic MediaWiki events for the embedded demo feed, shaped like the fixtures in
// /work/shared/fixtures/events (recentchange, revision-create, page-change).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace eventstreams::kafka {

enum class DemoKind { kRecentChange, kRevisionCreate, kPageChange };

// By topic name: "recentchange" -> recentchange; "revision-create" -> revision-create;
// "page_change" / "page-change" -> page-change; anything else -> recentchange.
DemoKind demo_kind_for_topic(std::string_view topic) noexcept;

// meta.stream for a topic: the topic without a datacenter prefix ("eqiad.", "codfw.", ...).
std::string_view demo_stream_for_topic(std::string_view topic) noexcept;

// Makes events with varied wikis, titles, users and ids: compact JSON on one line, meta.dt
// from `now_ms`. About one event in 200 is a canary event (meta.domain "canary"), as on
// Wikimedia's clusters. Deterministic for a given seed.
class DemoEventGenerator {
 public:
  explicit DemoEventGenerator(std::uint64_t seed) : rng_(seed) {}
  std::string next(DemoKind kind, std::string_view topic, std::int64_t now_ms);

 private:
  std::mt19937_64 rng_;
  std::uint64_t seq_ = 0;
};

}  // namespace eventstreams::kafka
