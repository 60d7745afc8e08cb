// MetricsRegistry: the Prometheus text exposition, label escaping and sorting, counter / gauge
// kinds kept apart.
#include "services/metrics_registry.h"

#include <gtest/gtest.h>

#include <string>

namespace eventstreams::services {
namespace {

TEST(MetricsRegistry, CountersAndGaugesInTheExpositionFormat) {
  MetricsRegistry m;
  const Label labels[] = {{"stream", "recentchange"}, {"format", "sse"}};
  m.counter("x_sent_total", "Events sent", labels)->add(3);
  m.counter("x_sent_total", "Events sent")->add(1);
  Gauge* g = m.gauge("x_clients", "Clients now", std::span<const Label>{});
  g->add(5);
  g->add(-2);
  EXPECT_EQ(m.render_prometheus(),
            "# HELP x_clients Clients now\n"
            "# TYPE x_clients gauge\n"
            "x_clients 3\n"
            "# HELP x_sent_total Events sent\n"
            "# TYPE x_sent_total counter\n"
            "x_sent_total 1\n"
            "x_sent_total{format=\"sse\",stream=\"recentchange\"} 3\n");
}

TEST(MetricsRegistry, LabelValuesAreEscapedByPrometheusRules) {
  MetricsRegistry m;
  // Backslash, double quote and line feed are escaped; other bytes (a tab, UTF-8) are not.
  const Label labels[] = {{"stream", "a\\b\"c\nd\te\xc3\xa9"}};
  m.counter("y_total", "Y", labels)->add(1);
  const std::string text = m.render_prometheus();
  EXPECT_NE(text.find("y_total{stream=\"a\\\\b\\\"c\\nd\te\xc3\xa9\"} 1\n"), std::string::npos)
      << text;
  EXPECT_EQ(m.value("y_total", "stream=\"a\\\\b\\\"c\\nd\te\xc3\xa9\""), 1);
}

TEST(MetricsRegistry, LabelOrderDoesNotMakeANewSeries) {
  MetricsRegistry m;
  const Label ab[] = {{"a", "1"}, {"b", "2"}};
  const Label ba[] = {{"b", "2"}, {"a", "1"}};
  EXPECT_EQ(m.counter("z_total", "Z", ab), m.counter("z_total", "Z", ba));
}

TEST(MetricsRegistry, NamesAndHelpCannotBreakTheFormat) {
  MetricsRegistry m;
  const Label labels[] = {{"bad name-1", "v"}, {"9lives", "w"}};
  m.counter("my-metric total", "line one\nline two \\ end", labels)->add(1);
  EXPECT_EQ(m.render_prometheus(),
            "# HELP my_metric_total line one\\nline two \\\\ end\n"
            "# TYPE my_metric_total counter\n"
            "my_metric_total{_lives=\"w\",bad_name_1=\"v\"} 1\n");
}

TEST(MetricsRegistry, ANameIsEitherACounterOrAGauge) {
  MetricsRegistry m;
  m.counter("k_total", "K", std::span<const Label>{})->add(2);
  Gauge* wrong = m.gauge("k_total", "K", std::span<const Label>{});
  ASSERT_NE(wrong, nullptr);
  wrong->set(100);
  EXPECT_EQ(m.value("k_total"), 2);
  EXPECT_EQ(m.render_prometheus().find("100"), std::string::npos);
}

TEST(MetricsRegistry, TheTextFormReachesTheSameSeries) {
  MetricsRegistry m;
  const Label labels[] = {{"stream", "s"}};
  EXPECT_EQ(m.counter("t_total", "T", labels), m.counter("t_total", "T", "stream=\"s\""));
  Gauge* g = m.gauge("t_gauge", "G", labels);
  m.gauge("t_gauge", "G", "stream=\"s\"")->fetch_add(4);
  EXPECT_EQ(g->value(), 4);
}

}  // namespace
}  // namespace eventstreams::services
