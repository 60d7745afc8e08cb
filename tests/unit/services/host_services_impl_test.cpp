// HostServicesImpl: what a plugin's calls turn into on the log and on /metrics.
#include "services/host_services_impl.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "log_capture.h"

namespace eventstreams::services {
namespace {

TEST(HostServicesImpl, APluginsLogFieldsNeverMakeALineInvalidJson) {
  testing::LogCapture capture;
  MetricsRegistry metrics;
  HostServicesImpl impl(capture.logger(), metrics);
  HostServices& host = impl;  // as plugins see it
  const LogField fields[] = {{"key", "\"},\"x\":\"\xfe\xff"}, {"n", 7}};
  host.log_fields(LogLevel::kInfo, "from a plugin", fields);
  host.log(LogLevel::kInfo, "raw", "{\"key\":\"v\"},\"injected\":1,\"x\":{");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
    ASSERT_FALSE(doc.HasParseError()) << line;
    ASSERT_TRUE(doc.IsObject()) << line;
    EXPECT_FALSE(doc.HasMember("injected")) << line;
    EXPECT_FALSE(doc.HasMember("x")) << line;
  }
}

TEST(HostServicesImpl, CountersAndGaugesWithLabelsReachTheRegistry) {
  testing::LogCapture capture;
  MetricsRegistry metrics;
  HostServicesImpl impl(capture.logger(), metrics);
  HostServices& host = impl;
  const Label labels[] = {{"domain", "a\"b"}, {"reason", "x\ny"}};
  host.counter("p_total", "P", labels)->add(2);
  host.gauge("p_depth", "Depth")->set(-3);
  EXPECT_EQ(metrics.value("p_total", "domain=\"a\\\"b\",reason=\"x\\ny\""), 2);
  EXPECT_EQ(metrics.value("p_depth"), -3);
  EXPECT_NE(metrics.render_prometheus().find("# TYPE p_depth gauge\np_depth -3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace eventstreams::services
