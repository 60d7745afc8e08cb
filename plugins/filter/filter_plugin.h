// The "filter" transform plugin (SPEC 2.3): drops the events a request's query parameters do
// not select, and canary events for everyone when configured.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "eventstreams/abi.h"
#include "eventstreams/config_keys.h"
#include "eventstreams/host_services.h"
#include "eventstreams/transform.h"
#include "filter_expression.h"
#include "filter_matcher.h"

namespace eventstreams::filter {

struct FilterConfig {
  // Drop events whose meta.domain is "canary" for every client.
  bool drop_canary = false;
  // Names that are never filters: the defaults plus `reserved_parameters` from the config.
  std::set<std::string, std::less<>> reserved = default_reserved_names();
};

// The plugin's config keys (exported in its descriptor; parse_config reads by them).
extern const ConfigTable kConfigTable;

// Parses the plugin configuration (a JSON object text; "" and "null" mean defaults).
// Returns nullopt and sets `error` on unknown keys, wrong types or malformed JSON.
std::optional<FilterConfig> parse_config(std::string_view config_json, std::string& error);

inline constexpr std::string_view kCounterName = "eventstreams_filtered_events_total";

class FilterTransform final : public Transform {
 public:
  // Counters may be null (no host services).
  FilterTransform(Matcher matcher, Counter* filtered, Counter* canary) noexcept
      : matcher_(std::move(matcher)), filtered_(filtered), canary_(canary) {}

  // Sets `dropped` on every event not dropped yet that the filter rejects.
  void apply(EventBatch& batch) noexcept override;

 private:
  Matcher matcher_;
  Counter* filtered_;
  Counter* canary_;
};

class FilterTransformFactory final : public TransformFactory {
 public:
  FilterTransformFactory(FilterConfig config, HostServices* host);

  // True for every name that is a well-formed filter (not a reserved name).
  bool accepts_parameter(const std::string& name) const noexcept override;

  // Null with `error` set for a malformed filter; null with no error when the request has no
  // filter and canary events are kept; else a transform keyed by the filter's canonical text.
  std::unique_ptr<Transform> create(const RequestInfo& request, std::string& group_key,
                                    std::string& error) noexcept override;

 private:
  FilterConfig config_;
  Counter* filtered_ = nullptr;
  Counter* canary_ = nullptr;
};

// What the plugin entry point calls. Does not throw: on failure returns null and sets `error`.
std::unique_ptr<TransformFactory> create_factory(const PluginContext& context,
                                                 std::string& error) noexcept;

}  // namespace eventstreams::filter
