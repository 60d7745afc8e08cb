// Stream-config reload (SPEC 1): a new catalog replaces the old one whole; a failed reload
// keeps the previous one and is counted; readers in the middle of a swap never see a torn one.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "config/catalog_holder.h"
#include "config/stream_config_reloader.h"

namespace eventstreams::config {
namespace {

namespace fs = std::filesystem;

class StreamConfigReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("es-reload-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    config_.stream_config_uri = (dir_ / "streams.yaml").string();
    write("a: {topics: [t1]}\n");
    catalogs_ = std::make_unique<CatalogHolder>(
        std::make_shared<const StreamCatalog>(load_stream_catalog(config_)));
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& yaml) {
    // Written aside and renamed: a reader never sees a half-written file.
    const fs::path tmp = dir_ / "streams.yaml.tmp";
    std::ofstream(tmp) << yaml;
    fs::rename(tmp, dir_ / "streams.yaml");
  }
  std::vector<std::string> names() {
    std::vector<std::string> out;
    // The snapshot held for the loop: a range-for would destroy a temporary one first.
    const auto catalog = catalogs_->current();
    for (const auto& [name, def] : catalog->streams) out.push_back(name);
    return out;
  }
  std::int64_t reloads(const char* result) {
    return metrics_.value("eventstreams_stream_config_reloads_total",
                          std::string("result=\"") + result + "\"");
  }

  fs::path dir_;
  AppConfig config_;
  services::JsonLogger logger_{LogLevel::kError};
  services::MetricsRegistry metrics_;
  std::unique_ptr<CatalogHolder> catalogs_;
};

TEST_F(StreamConfigReloadTest, AReloadSwapsInTheNewStreams) {
  std::vector<std::string> seen;
  StreamConfigReloader reloader(
      config_, *catalogs_, logger_, metrics_,
      [&](const StreamCatalog& c) { seen.push_back(std::to_string(c.streams.size())); });
  write("b: {topics: [t2]}\nc: {topics: [t3], stream_aliases: [cc]}\n");
  EXPECT_TRUE(reloader.reload_now("test"));
  EXPECT_EQ(names(), (std::vector<std::string>{"b", "c", "cc"}));
  EXPECT_EQ(catalogs_->generation(), 1u);
  EXPECT_EQ(seen, std::vector<std::string>{"3"});
  EXPECT_EQ(reloads("success"), 1);
  EXPECT_EQ(reloads("failure"), 0);
}

TEST_F(StreamConfigReloadTest, AFailedReloadKeepsThePreviousStreamsAndIsCounted) {
  StreamConfigReloader reloader(config_, *catalogs_, logger_, metrics_);
  write("b: {topics: [t2\n");  // not YAML
  EXPECT_FALSE(reloader.reload_now("test"));
  write("b: {description: no topics}\n");  // no stream left
  EXPECT_FALSE(reloader.reload_now("test"));
  fs::remove(dir_ / "streams.yaml");  // unreachable
  EXPECT_FALSE(reloader.reload_now("test"));
  EXPECT_EQ(names(), std::vector<std::string>{"a"});
  EXPECT_EQ(catalogs_->generation(), 0u);
  EXPECT_EQ(reloads("failure"), 3);
  EXPECT_EQ(reloads("success"), 0);
}

TEST_F(StreamConfigReloadTest, TheTtlAndRequestsReloadOnTheReloadersThread) {
  config_.stream_config_ttl = 1;
  StreamConfigReloader reloader(config_, *catalogs_, logger_, metrics_);
  reloader.start();
  write("b: {topics: [t2]}\n");
  reloader.request();
  for (int i = 0; i < 500 && catalogs_->generation() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(names(), std::vector<std::string>{"b"});
  // Then the ttl alone: within a few periods.
  write("c: {topics: [t3]}\n");
  for (int i = 0; i < 500 && names() != std::vector<std::string>{"c"}; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(names(), std::vector<std::string>{"c"});
  reloader.stop();
}

// Each catalog has N streams whose topic is the same generation tag: a reader that ever sees
// two tags in one snapshot, or a snapshot of the wrong size, saw a torn catalog.
TEST(CatalogHolder, ReadersDuringSwapsSeeOneWholeCatalog) {
  auto make = [](int tag) {
    auto c = std::make_shared<StreamCatalog>();
    for (int i = 0; i < 50; ++i) {
      StreamDef d;
      d.name = "s" + std::to_string(i);
      d.topics = {"tag" + std::to_string(tag)};
      c->streams[d.name] = d;
    }
    return std::shared_ptr<const StreamCatalog>(std::move(c));
  };
  CatalogHolder holder(make(0));
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const auto c = holder.current();
        const std::string tag = c->streams.begin()->second.topics[0];
        if (c->streams.size() != 50) ++torn;
        for (const auto& [name, def] : c->streams) {
          if (def.topics[0] != tag) ++torn;
        }
      }
    });
  }
  for (int tag = 1; tag <= 2000; ++tag) holder.replace(make(tag));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(holder.generation(), 2000u);
}

}  // namespace
}  // namespace eventstreams::config
