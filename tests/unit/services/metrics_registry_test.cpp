// MetricsRegistry: the Prometheus text exposition (prometheus-cpp's serializer), label escaping
// and sorting, counter / gauge kinds kept apart, histograms, gauges sampled at scrape time.
#include "services/metrics_registry.h"

#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "services/histogram_batch.h"

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

TEST(MetricsRegistry, HistogramsHaveCumulativeBucketsSumAndCount) {
  MetricsRegistry m;
  const Label labels[] = {{"route", "info"}};
  auto* h = m.histogram("h_seconds", "H", {0.1, 1}, labels);
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(5);
  EXPECT_EQ(h, m.histogram("h_seconds", "H", {0.1, 1}, labels)) << "one series per label set";
  const std::string text = m.render_prometheus();
  EXPECT_NE(text.find("# TYPE h_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{route=\"info\",le=\"0.1\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("h_seconds_bucket{route=\"info\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{route=\"info\",le=\"+Inf\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("h_seconds_count{route=\"info\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_sum{route=\"info\"} 5.55\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, ABatchOfObservationsCountsLikeOneByOne) {
  MetricsRegistry m;
  const std::vector<double> bounds = {1, 10};
  auto* one_by_one = m.histogram("a_seconds", "A", bounds);
  auto* batched = m.histogram("b_seconds", "B", bounds);
  HistogramBatch batch(bounds);
  for (double v : {0.5, 1.0, 3.0, 10.0, 99.0}) {
    one_by_one->Observe(v);
    batch.observe(v);
  }
  batch.flush(batched);
  batch.flush(batched);  // nothing new: adds nothing
  const std::string text = m.render_prometheus();
  for (const char* le : {"1", "10", "+Inf"}) {
    const std::string a = "a_seconds_bucket{le=\"" + std::string(le) + "\"} ";
    const std::string b = "b_seconds_bucket{le=\"" + std::string(le) + "\"} ";
    const auto value_after = [&](const std::string& prefix) {
      const auto at = text.find(prefix);
      return at == std::string::npos
                 ? std::string("absent")
                 : text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size());
    };
    EXPECT_EQ(value_after(a), value_after(b)) << le << "\n" << text;
  }
  EXPECT_NE(text.find("b_seconds_count 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("b_seconds_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, SampledGaugesAndCollectablesAreReadAtEachScrape) {
  MetricsRegistry m;
  double readers = 2;
  m.sampled_gauge("s_readers", "Readers", [&readers] { return readers; });
  EXPECT_NE(m.render_prometheus().find("s_readers 2\n"), std::string::npos);
  readers = 7;
  EXPECT_NE(m.render_prometheus().find("s_readers 7\n"), std::string::npos);

  class Board final : public ::prometheus::Collectable {
   public:
    std::vector<::prometheus::MetricFamily> Collect() const override {
      ::prometheus::MetricFamily f;
      f.name = "c_board";
      f.help = "Board";
      f.type = ::prometheus::MetricType::Gauge;
      f.metric.emplace_back();
      f.metric.back().gauge.value = 4;
      return {f};
    }
  };
  auto board = std::make_shared<Board>();
  m.add_collectable(board);
  EXPECT_NE(m.render_prometheus().find("c_board 4\n"), std::string::npos);
  board.reset();  // gone: no longer shown, and no dangling read
  EXPECT_EQ(m.render_prometheus().find("c_board"), std::string::npos);
}

TEST(MetricsRegistry, ErrorsAreCountedByType) {
  MetricsRegistry m;
  count_error(m, "not_found");
  count_error(m, "not_found");
  count_error(m, "client_too_slow");
  EXPECT_EQ(m.value("eventstreams_errors_total", "type=\"not_found\""), 2);
  EXPECT_EQ(m.value("eventstreams_errors_total", "type=\"client_too_slow\""), 1);
}

}  // namespace
}  // namespace eventstreams::services
