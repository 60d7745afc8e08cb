// Reading the server's /metrics (Prometheus text format) in tests, through HTTP only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace eventstreams::testing {

// The value of the unlabelled sample "NAME VALUE" in a Prometheus text body.
std::optional<long long> metric_value(std::string_view body, std::string_view name);
// The sum of every sample of NAME, labelled or not ("NAME{...} VALUE" and "NAME VALUE");
// nullopt when there is none.
std::optional<long long> metric_sum(std::string_view body, std::string_view name);

using Gauges = std::map<std::string, long long>;

// Polls GET /metrics until every unlabelled sample named in `expected` has its value; on
// timeout, a failure that shows the values last seen.
::testing::AssertionResult wait_for_gauges(
    uint16_t port, const Gauges& expected,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace eventstreams::testing
