#include "support/metrics_text.h"

#include <string>
#include <thread>

#include "support/deadline.h"
#include "support/http_client.h"

namespace eventstreams::testing {

namespace {

// Calls `f(labels, value)` for every sample line of `name`.
template <typename F>
void for_each_sample(std::string_view body, std::string_view name, F f) {
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() <= name.size() || line.substr(0, name.size()) != name) continue;
    std::string_view rest = line.substr(name.size());
    std::string_view labels;
    if (rest.front() == '{') {
      const size_t close = rest.find('}');
      if (close == std::string_view::npos) continue;
      labels = rest.substr(0, close + 1);
      rest = rest.substr(close + 1);
    }
    if (rest.empty() || rest.front() != ' ') continue;
    f(labels, std::stoll(std::string(rest.substr(1))));
  }
}

}  // namespace

std::optional<long long> metric_value(std::string_view body, std::string_view name) {
  std::optional<long long> found;
  for_each_sample(body, name, [&](std::string_view labels, long long v) {
    if (labels.empty() && !found) found = v;
  });
  return found;
}

std::optional<long long> metric_sum(std::string_view body, std::string_view name) {
  std::optional<long long> sum;
  for_each_sample(body, name, [&](std::string_view, long long v) { sum = sum.value_or(0) + v; });
  return sum;
}

::testing::AssertionResult wait_for_gauges(uint16_t port, const Gauges& expected,
                                           std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  std::string body;
  while (true) {
    body = get(port, "/metrics").body;
    bool all = true;
    for (const auto& [name, value] : expected) {
      if (metric_value(body, name) != value) all = false;
    }
    if (all) return ::testing::AssertionSuccess();
    if (Clock::now() >= deadline) break;
    // Bounded polling interval while the server's loops catch up; not a synchronisation sleep.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto failure = ::testing::AssertionFailure() << "gauges not reached within timeout:";
  for (const auto& [name, value] : expected) {
    const auto got = metric_value(body, name);
    failure << " " << name << "=" << (got ? std::to_string(*got) : "<absent>") << " (want " << value
            << ")";
  }
  return failure;
}

}  // namespace eventstreams::testing
