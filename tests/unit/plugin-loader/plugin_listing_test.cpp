// eventstreams --list-plugins (issue 10 item 4): one tab-separated line per plugin, per file
// refused and why, per configured plugin that is missing; exit 1 when one is.
#include "plugin-loader/plugin_listing.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "eventstreams/abi.h"

namespace eventstreams::plugin_loader {
namespace {

const std::string kFixtures = ES_FIXTURES;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Listing {
  int status = -1;
  std::vector<std::string> lines;
};

Listing list(const std::vector<std::string>& dirs, const config::AppConfig* config) {
  std::ostringstream out;
  Listing l;
  l.status = list_plugins(dirs, config, out);
  l.lines = lines_of(out.str());
  return l;
}

std::string good(const std::string& file = "libtest_lines_encoder.so") {
  return kFixtures + "/good/" + file;
}

TEST(ListPlugins, PrintsEachPluginWithKindVersionPathAndMediaTypes) {
  const Listing l = list({kFixtures + "/good"}, nullptr);
  EXPECT_EQ(l.status, 0);
  ASSERT_EQ(l.lines.size(), 1u);
  EXPECT_EQ(l.lines[0], "lines\tencoder\t1.0\t" + good() + "\ttext/x-lines");
}

TEST(ListPlugins, PrintsEachRefusedFileAndWhyAndGoesOn) {
  const std::string wrong_identity = kFixtures + "/wrong_identity/libbroken_wrong_identity.so";
  const Listing l = list(
      {kFixtures + "/wrong_abi", kFixtures + "/wrong_identity", kFixtures + "/no_symbol",
       kFixtures + "/garbage", kFixtures + "/nope", kFixtures + "/no_factory", kFixtures + "/good"},
      nullptr);
  EXPECT_EQ(l.status, 0);  // nothing was asked for
  ASSERT_EQ(l.lines.size(), 7u) << ::testing::PrintToString(l.lines);
  EXPECT_EQ(l.lines[0], "-\trefused\t-\t" + kFixtures +
                            "/wrong_abi/libbroken_wrong_abi.so\twrong ABI: plugin ABI version "
                            "999, the host needs " +
                            std::to_string(kAbiVersion));
  EXPECT_EQ(l.lines[1].rfind("-\trefused\t-\t" + wrong_identity +
                                 "\twrong ABI: plugin ABI identity 'headers=" +
                                 ES_MODIFIED_ABI_HEADERS_ID + " stdlib=",
                             0),
            0u)
      << l.lines[1];
  EXPECT_NE(l.lines[1].find(std::string("the host's is '") + kAbiIdentity + "'"), std::string::npos)
      << l.lines[1];
  EXPECT_EQ(l.lines[2], "-\trefused\t-\t" + kFixtures +
                            "/no_symbol/libbroken_no_symbol.so\tnot a plugin: not an eventstreams "
                            "plugin (no symbol eventstreams_plugin_descriptor)");
  EXPECT_EQ(
      l.lines[3].rfind(
          "-\trefused\t-\t" + kFixtures + "/garbage/libgarbage.so\tfailed to load: cannot load", 0),
      0u)
      << l.lines[3];
  EXPECT_EQ(l.lines[4], "-\trefused\t-\t" + kFixtures + "/nope\tno directory: not a directory");
  EXPECT_EQ(l.lines[5], "-\trefused\t-\t" + kFixtures +
                            "/no_factory/libbroken_no_factory.so\tbad descriptor: plugin "
                            "'no-factory' has no factory function for its kind");
  EXPECT_EQ(l.lines[6], "lines\tencoder\t1.0\t" + good() + "\ttext/x-lines");
}

TEST(ListPlugins, ASecondFileWithTheSameNameIsRefused) {
  const Listing l = list({kFixtures + "/good", kFixtures + "/good"}, nullptr);
  ASSERT_EQ(l.lines.size(), 2u);
  EXPECT_EQ(l.lines[1], "-\trefused\t-\t" + good() +
                            "\tduplicate name: name 'lines' is already provided by " + good());
}

// (Every named plugin present, exit 0: tests/integration/packaging, with the real plugins.)
TEST(ListPlugins, APluginOfAnotherKindCountsAsMissing) {
  config::AppConfig cfg;
  cfg.plugins.source = "lines";
  cfg.plugins.encoders = {"lines"};
  cfg.plugins.transforms = {};
  const Listing l = list({kFixtures + "/good"}, &cfg);
  EXPECT_EQ(l.status, 1);
  ASSERT_EQ(l.lines.size(), 2u) << ::testing::PrintToString(l.lines);
  EXPECT_EQ(l.lines[1],
            "lines\tmissing\t-\t-\tnamed in plugins.source, but " + good() + " is of kind encoder");
}

TEST(ListPlugins, APluginTheConfigNamesThatIsMissingExitsOne) {
  config::AppConfig cfg;  // source: kafka, encoders: [sse, ndjson]
  cfg.plugins.encoders = {"lines", "text-plain"};
  cfg.plugins.transforms = {"strip-user-comments"};
  const std::string dirs = kFixtures + "/good";
  const Listing l = list({dirs}, &cfg);
  EXPECT_EQ(l.status, 1);
  ASSERT_EQ(l.lines.size(), 4u) << ::testing::PrintToString(l.lines);
  EXPECT_EQ(l.lines[0], "lines\tencoder\t1.0\t" + good() + "\ttext/x-lines");
  EXPECT_EQ(l.lines[1],
            "kafka\tmissing\t-\t-\tnamed in plugins.source, not found in [" + dirs + "]");
  EXPECT_EQ(l.lines[2],
            "text-plain\tmissing\t-\t-\tnamed in plugins.encoders, not found in [" + dirs + "]");
  EXPECT_EQ(l.lines[3],
            "strip-user-comments\tmissing\t-\t-\tnamed in plugins.transforms, not "
            "found in [" +
                dirs + "]");
}

TEST(ListPlugins, AnEncoderGetsItsConfigAndAFactoryThatFailsSaysWhy) {
  config::AppConfig cfg;
  cfg.plugins.source = "lines";
  YAML::Node fail;
  fail["fail"] = true;
  cfg.plugins.config["lines"] = fail;
  const Listing l = list({kFixtures + "/good"}, &cfg);
  ASSERT_GE(l.lines.size(), 1u);
  EXPECT_EQ(l.lines[0], "lines\tencoder\t1.0\t" + good() + "\t(factory failed: asked to fail)");
}

}  // namespace
}  // namespace eventstreams::plugin_loader
