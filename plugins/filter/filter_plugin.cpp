#include "filter_plugin.h"

#include <exception>
#include <utility>

#include "eventstreams/guarded_create.h"
#include "plugin_common/config_table.h"

namespace eventstreams::filter {

constexpr ConfigKey kConfigKeys[] = {
    {"drop_canary", ConfigType::kBoolean, "false",
     "drop events whose meta.domain is \"canary\" for every client"},
    {"reserved_parameters", ConfigType::kStringList, "[]",
     "query parameters that are never filters, besides the built-in ones (README.md)"},
};
const ConfigTable kConfigTable = config_table(kConfigKeys);

namespace {

using plugin_common::NumberWording;

constexpr std::string_view kErrorPrefix = "filter config: ";
constexpr std::string_view kCounterHelp = "Events a transform of the filter plugin dropped";

std::string error_text(std::string_view detail) {
  return std::string(kErrorPrefix) + std::string(detail);
}

}  // namespace

std::optional<FilterConfig> parse_config(std::string_view config_json, std::string& error) {
  plugin_common::ConfigValues values;
  if (!plugin_common::load_config(config_json, kConfigTable, kErrorPrefix, NumberWording::kKind,
                                  values, error)) {
    return std::nullopt;
  }
  FilterConfig config;
  config.drop_canary = values.get("drop_canary").GetBool();
  const rapidjson::Value& reserved = values.get("reserved_parameters");
  for (rapidjson::SizeType k = 0; k < reserved.Size(); ++k) {
    const rapidjson::Value& name = reserved[k];
    if (name.GetStringLength() == 0) {
      error =
          error_text("\"reserved_parameters\" must hold non-empty strings, got an empty string");
      return std::nullopt;
    }
    config.reserved.emplace(name.GetString(), name.GetStringLength());
  }
  return config;
}

void FilterTransform::apply(EventBatch& batch) noexcept {
  std::uint64_t filtered = 0;
  std::uint64_t canary = 0;
  for (Event& e : batch.events) {
    if (e.dropped) continue;
    Matcher::Verdict verdict;
    try {
      verdict = matcher_.evaluate(batch.value(e));
    } catch (...) {
      // Out of memory while parsing: an event the filter could not judge is not sent.
      verdict = Matcher::Verdict::kFiltered;
    }
    if (verdict == Matcher::Verdict::kPass) continue;
    e.dropped = true;
    ++(verdict == Matcher::Verdict::kCanary ? canary : filtered);
  }
  if (filtered > 0 && filtered_ != nullptr) filtered_->add(filtered);
  if (canary > 0 && canary_ != nullptr) canary_->add(canary);
}

FilterTransformFactory::FilterTransformFactory(FilterConfig config, HostServices* host)
    : config_(std::move(config)) {
  if (host != nullptr) {
    const Label filter[] = {{"reason", "filter"}};
    filtered_ = host->counter(kCounterName, kCounterHelp, filter);
    if (config_.drop_canary) {
      const Label canary[] = {{"reason", "canary"}};
      canary_ = host->counter(kCounterName, kCounterHelp, canary);
    }
  }
}

bool FilterTransformFactory::accepts_parameter(const std::string& name) const noexcept {
  if (config_.reserved.count(name)) return false;
  std::string error;
  return check_name(name, error);
}

std::unique_ptr<Transform> FilterTransformFactory::create(const RequestInfo& request,
                                                          std::string& group_key,
                                                          std::string& error) noexcept {
  group_key.clear();
  try {
    std::optional<Filter> filter = parse_filter(request.query, config_.reserved, error);
    if (!filter) return nullptr;
    if (filter->empty() && !config_.drop_canary) return nullptr;
    group_key = filter->canonical_key();
    return std::make_unique<FilterTransform>(Matcher(*filter, config_.drop_canary), filtered_,
                                             canary_);
  } catch (const std::exception& e) {
    group_key.clear();
    error = std::string("filter: ") + e.what();
  } catch (...) {
    group_key.clear();
    error = "filter: unknown error";
  }
  return nullptr;
}

std::unique_ptr<TransformFactory> create_factory(const PluginContext& context,
                                                 std::string& error) noexcept {
  return guarded_create(kErrorPrefix, error, [&]() -> std::unique_ptr<TransformFactory> {
    std::optional<FilterConfig> config = parse_config(context.config_json, error);
    if (!config) return nullptr;
    return std::make_unique<FilterTransformFactory>(std::move(*config), context.host);
  });
}

}  // namespace eventstreams::filter
