#include "plugin_testing/fake_host.h"

#include "eventstreams/log_fields_json.h"
#include "eventstreams/prometheus_labels.h"

namespace eventstreams::testing {
namespace {

std::string series(std::string_view name, std::span<const Label> labels) {
  return std::string(name) + "{" + prometheus::label_text(labels) + "}";
}

}  // namespace

void FakeHost::log(LogLevel level, std::string_view message,
                   std::string_view fields_json) noexcept {
  try {
    std::lock_guard lock(mu_);
    logs_.push_back({level, std::string(message), std::string(fields_json)});
  } catch (...) {
  }
}

void FakeHost::log_fields(LogLevel level, std::string_view message,
                          std::span<const LogField> fields) noexcept {
  try {
    std::string text;
    if (!fields.empty()) {
      json::append_log_fields(text, fields);
      text[0] = '{';  // the first member's comma
      text.push_back('}');
    }
    std::lock_guard lock(mu_);
    logs_.push_back({level, std::string(message), std::move(text)});
  } catch (...) {
  }
}

Counter* FakeHost::counter(std::string_view name, std::string_view,
                           std::span<const Label> labels) noexcept {
  // A test double: out of memory here ends the test anyway.
  std::lock_guard lock(mu_);
  auto& c = counters_[series(name, labels)];
  if (!c) c = std::make_unique<FakeCounter>();
  return c.get();
}

Gauge* FakeHost::gauge(std::string_view name, std::string_view,
                       std::span<const Label> labels) noexcept {
  std::lock_guard lock(mu_);
  auto& g = gauges_[series(name, labels)];
  if (!g) g = std::make_unique<FakeGauge>();
  return g.get();
}

std::vector<LogRecord> FakeHost::logs() const {
  std::lock_guard lock(mu_);
  return logs_;
}

std::vector<LogRecord> FakeHost::logs_with(std::string_view needle) const {
  std::lock_guard lock(mu_);
  std::vector<LogRecord> out;
  for (const auto& r : logs_) {
    if (r.message.find(needle) != std::string::npos) out.push_back(r);
  }
  return out;
}

std::vector<std::string> FakeHost::messages() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(logs_.size());
  for (const auto& r : logs_) out.push_back(r.message);
  return out;
}

std::uint64_t FakeHost::value(const std::string& name_and_labels) const {
  std::lock_guard lock(mu_);
  auto c = counters_.find(name_and_labels);
  return c == counters_.end() ? 0 : c->second->value();
}

std::int64_t FakeHost::gauge_value(const std::string& name_and_labels) const {
  std::lock_guard lock(mu_);
  auto g = gauges_.find(name_and_labels);
  return g == gauges_.end() ? 0 : g->second->value();
}

}  // namespace eventstreams::testing
