// LogEvery (plugin-api/include/eventstreams/log_every.h): bursts per window, the count of what
// was held back, and its thread safety. Time is the test's, never the machine's.
#include "eventstreams/log_every.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace eventstreams {
namespace {

TEST(LogEvery, BurstPerWindowThenTheCountOfWhatWasHeldBack) {
  LogEvery limiter(2, 1000);
  std::uint64_t suppressed = 99;
  EXPECT_TRUE(limiter.admit(0, suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_TRUE(limiter.admit(10, suppressed));
  EXPECT_FALSE(limiter.admit(20, suppressed));
  EXPECT_FALSE(limiter.admit(999, suppressed));
  EXPECT_TRUE(limiter.admit(1000, suppressed));  // a new window
  EXPECT_EQ(suppressed, 2u);
  EXPECT_TRUE(limiter.admit(1001, suppressed));
  EXPECT_EQ(suppressed, 0u);
}

TEST(LogEvery, AWindowStartsWithTheFirstRecordAfterTheLastOne) {
  LogEvery limiter(1, 1000);
  std::uint64_t suppressed = 0;
  EXPECT_TRUE(limiter.admit(500, suppressed));
  EXPECT_FALSE(limiter.admit(1400, suppressed));  // 900 ms into the window that began at 500
  EXPECT_TRUE(limiter.admit(1500, suppressed));
  EXPECT_EQ(suppressed, 1u);
}

TEST(LogEvery, AClockThatGoesBackStartsAWindow) {
  LogEvery limiter(1, 1000);
  std::uint64_t suppressed = 0;
  EXPECT_TRUE(limiter.admit(5000, suppressed));
  EXPECT_FALSE(limiter.admit(5001, suppressed));
  EXPECT_TRUE(limiter.admit(100, suppressed));  // the wall clock was set back
  EXPECT_EQ(suppressed, 1u);
}

TEST(LogEvery, ZeroBurstLogsNothing) {
  LogEvery limiter(0, 1000);
  std::uint64_t suppressed = 0;
  for (std::int64_t t = 0; t < 5000; t += 500) EXPECT_FALSE(limiter.admit(t, suppressed));
}

// A host whose clock the test sets, recording what log_fields() got.
class RecordingHost final : public HostServices {
 public:
  struct Record {
    std::string message;
    std::vector<std::pair<std::string, std::string>> fields;  // value as text
  };
  void log(LogLevel, std::string_view, std::string_view) noexcept override {}
  void log_fields(LogLevel, std::string_view message,
                  std::span<const LogField> fields) noexcept override {
    Record r{std::string(message), {}};
    for (const LogField& f : fields) {
      r.fields.emplace_back(std::string(f.key), f.type == LogField::Type::kString
                                                    ? std::string(f.text)
                                                    : std::to_string(f.number));
    }
    records.push_back(std::move(r));
  }
  Counter* counter(std::string_view, std::string_view, std::span<const Label>) noexcept override {
    return nullptr;
  }
  Gauge* gauge(std::string_view, std::string_view, std::span<const Label>) noexcept override {
    return nullptr;
  }
  std::int64_t now_ms() const noexcept override { return now; }

  std::vector<Record> records;
  std::int64_t now = 0;
};

TEST(LogEvery, LogAddsTheSuppressedCountAsAField) {
  RecordingHost host;
  LogEvery limiter(1, 1000);
  const LogField fields[] = {{"topic", "t"}};
  EXPECT_TRUE(limiter.log(host, LogLevel::kWarn, "bad event", fields));
  EXPECT_FALSE(limiter.log(host, LogLevel::kWarn, "bad event", fields));
  EXPECT_FALSE(limiter.log(host, LogLevel::kWarn, "bad event", fields));
  host.now = 1000;
  EXPECT_TRUE(limiter.log(host, LogLevel::kWarn, "bad event", fields));
  ASSERT_EQ(host.records.size(), 2u);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(host.records[0].fields, (Fields{{"topic", "t"}}));
  EXPECT_EQ(host.records[1].fields, (Fields{{"topic", "t"}, {"suppressed", "2"}}));
}

TEST(LogEvery, ThreadsShareOneBudgetAndNothingIsLostFromTheCount) {
  LogEvery limiter(100, 1'000'000);
  std::atomic<std::uint64_t> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::uint64_t suppressed = 0;
      for (int i = 0; i < 1000; ++i) {
        if (limiter.admit(0, suppressed)) ++admitted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 100u);
  std::uint64_t suppressed = 0;
  ASSERT_TRUE(limiter.admit(1'000'000, suppressed));
  EXPECT_EQ(suppressed, 3900u);
}

}  // namespace
}  // namespace eventstreams
