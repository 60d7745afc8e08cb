#include "http/request_metrics.h"

#include <string>

namespace eventstreams::http {

const std::vector<double>& RequestMetrics::buckets() {
  // Static routes answer in well under a millisecond; a stream start may wait for Kafka up
  // to start_timeout_ms (10 s by default).
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

void RequestMetrics::answered(std::string_view route, int status, Clock::time_point started) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const std::string code = std::to_string(status);
  const Label labels[] = {{"route", route}, {"code", code}};
  metrics_
      .histogram("eventstreams_request_duration_seconds",
                 "Seconds from a request's head read to its response headers sent", buckets(),
                 labels)
      ->Observe(seconds);
}

void RequestMetrics::refused(std::string_view route, const Problem& problem,
                             Clock::time_point started) {
  answered(route, problem.status, started);
  services::count_error(metrics_, problem.type);
}

}  // namespace eventstreams::http
