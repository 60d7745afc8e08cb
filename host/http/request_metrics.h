// eventstreams_request_duration_seconds{route,code}: how long a request waited for its
// response headers, from the moment its head was read (SPEC 5). For a stream that is the
// start-up (topic lookup, start positions) until its 200 head is handed to the socket, not the
// life of the stream. Problems answered are counted by type in eventstreams_errors_total.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "common/problem.h"
#include "services/metrics_registry.h"

namespace eventstreams::http {

class RequestMetrics {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RequestMetrics(services::MetricsRegistry& metrics) : metrics_(metrics) {}

  // The headers of a `status` answer to a request of `route` went out.
  void answered(std::string_view route, int status, Clock::time_point started);
  // A problem was answered: its duration, and one error of its type.
  void refused(std::string_view route, const Problem& problem, Clock::time_point started);

  static const std::vector<double>& buckets();

 private:
  services::MetricsRegistry& metrics_;
};

}  // namespace eventstreams::http
