// No silent firehose (issue 9 item 7), on the embedded demo cluster: with the default config
// the filter plugin is loaded and `?type=edit` selects edits; where a site turns the
// transforms off, a request with filter parameters is a 400 that says so, while the
// parameters the host reads itself (since, lastEventId, _) are still fine.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

std::string config_for(const TempDir& dir, const std::string& plugins_yaml) {
  const std::string streams =
      dir.write("streams.yaml", "rc: {topics: [eqiad.mediawiki.recentchange]}\n");
  return "interface: 127.0.0.1\nstream_config_uri: " + ServerProcess::quote(streams) +
         "\nkafka: {embedded: true, embedded_events_per_second: 50}\n" + plugins_yaml;
}

TEST(FilterByDefault, TheDefaultConfigFiltersWithoutAskingForIt) {
  TempDir dir("es-filter-default-");
  ServerProcess server(config_for(dir, ""));
  StreamClient client(server.port(), "/v2/stream/rc?type=edit");
  ASSERT_EQ(client.status(), 200);
  for (int i = 0; i < 5; ++i) {
    auto event = client.next_event(10s);
    ASSERT_TRUE(event) << i;
    EXPECT_NE(event->data.find("\"type\":\"edit\""), std::string::npos) << event->data;
  }
}

TEST(FilterByDefault, WithFilteringOffAFilterParameterIsRefusedNotIgnored) {
  TempDir dir("es-filter-off-");
  ServerProcess server(config_for(dir, "plugins: {transforms: []}\n"));
  const auto refused = get(server.port(), "/v2/stream/rc?type=edit&bot=false");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("\"type\":\"filtering_not_enabled\""), std::string::npos)
      << refused.body;
  EXPECT_NE(refused.body.find("'bot', 'type'"), std::string::npos) << refused.body;
  // What the host reads itself is no filter.
  StreamClient plain(server.port(), "/v2/stream/rc?since=1700000000000&_=123");
  EXPECT_EQ(plain.status(), 200);
  EXPECT_TRUE(plain.next_event(10s));
}

}  // namespace
}  // namespace eventstreams::testing
