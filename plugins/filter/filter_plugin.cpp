#include "filter_plugin.h"

#include <exception>
#include <utility>

#include "eventstreams/guarded_create.h"
#include "plugin_common/config_json.h"

namespace eventstreams::filter {
namespace {

using plugin_common::describe;
using plugin_common::NumberWording;
using plugin_common::parse_config_object;

constexpr std::string_view kErrorPrefix = "filter config: ";
constexpr std::string_view kKnownKeys = "drop_canary, reserved_parameters";
constexpr std::string_view kCounterHelp = "Events a transform of the filter plugin dropped";

std::string error_text(std::string_view detail) {
  return std::string(kErrorPrefix) + std::string(detail);
}

}  // namespace

std::optional<FilterConfig> parse_config(std::string_view config_json, std::string& error) {
  FilterConfig config;
  rapidjson::Document doc;
  if (!parse_config_object(config_json, kErrorPrefix, NumberWording::kKind, doc, error)) {
    return std::nullopt;
  }
  if (doc.IsNull()) return config;
  // Indexed rather than a range-for: RapidJSON 1.1's iterator comparison is ambiguous in C++20
  // (clang -Wambiguous-reversed-operator).
  const auto members = doc.MemberBegin();
  for (rapidjson::SizeType i = 0; i < doc.MemberCount(); ++i) {
    const auto& member = members[i];
    const std::string key(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (key == "drop_canary") {
      if (!value.IsBool()) {
        error = error_text("\"drop_canary\" must be a boolean, got " + describe(value));
        return std::nullopt;
      }
      config.drop_canary = value.GetBool();
    } else if (key == "reserved_parameters") {
      if (!value.IsArray()) {
        error = error_text("\"reserved_parameters\" must be an array of strings, got " +
                           describe(value));
        return std::nullopt;
      }
      for (rapidjson::SizeType k = 0; k < value.Size(); ++k) {
        const rapidjson::Value& name = value[k];
        if (!name.IsString() || name.GetStringLength() == 0) {
          error = error_text("\"reserved_parameters\" must hold non-empty strings, got " +
                             (name.IsString() ? std::string("an empty string") : describe(name)));
          return std::nullopt;
        }
        config.reserved.emplace(name.GetString(), name.GetStringLength());
      }
    } else {
      error =
          error_text("unknown key \"" + key + "\" (known keys: " + std::string(kKnownKeys) + ")");
      return std::nullopt;
    }
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
