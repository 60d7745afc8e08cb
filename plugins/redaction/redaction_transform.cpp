#include "redaction_transform.h"

#include <exception>
#include <utility>

#include "eventstreams/guarded_create.h"
#include "plugin_common/json_string.h"

namespace eventstreams::redaction {
namespace {

using plugin_common::append_json_string;

constexpr std::string_view kRedactionsName = "eventstreams_redactions_total";
constexpr std::string_view kRedactionsHelp =
    "Events about listed pages whose user fields were redacted (SPEC 3)";
constexpr std::string_view kFailuresName = "eventstreams_redaction_failures_total";
constexpr std::string_view kFailuresHelp =
    "Events of listed domains dropped because they could not be redacted";

void append_position(std::string& fields, const EventBatch& batch, const Event& event) {
  fields += ",\"topic\":";
  append_json_string(fields, event.topic < batch.topics.size() ? batch.topic(event) : "");
  fields += ",\"partition\":" + std::to_string(event.partition);
  fields += ",\"offset\":" + std::to_string(event.offset);
}

}  // namespace

void append_label_value(std::string& out, std::string_view s) {
  for (const char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

bool Reporter::admit(std::uint64_t& suppressed) noexcept {
  if (host_ == nullptr) return false;
  const std::int64_t second = host_->now_ms() / 1000;
  std::lock_guard<std::mutex> lock(mu_);
  if (second != window_) {
    window_ = second;
    lines_in_window_ = 0;
  }
  if (lines_in_window_ >= max_per_second_) {
    ++suppressed_;
    return false;
  }
  ++lines_in_window_;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

RedactionTransform::RedactionTransform(std::shared_ptr<const RedactionConfig> config,
                                       std::shared_ptr<Reporter> reporter, std::string client)
    : config_(config),
      reporter_(std::move(reporter)),
      client_(std::move(client)),
      redactor_(std::move(config)) {}

void RedactionTransform::apply(EventBatch& batch) noexcept {
  for (Event& e : batch.events) {
    if (e.dropped || e.value.length == 0) continue;
    try {
      // The view into the arena is not used after store(), which may move the arena.
      switch (redactor_.process(batch.value(e), out_, match_)) {
        case Redactor::Outcome::kUntouched:
          break;
        case Redactor::Outcome::kRedacted:
          e.value = batch.store(out_);
          report(batch, e, match_);
          break;
        case Redactor::Outcome::kMalformed:
          e.dropped = true;
          report_failure(batch, e);
          break;
      }
    } catch (...) {
      // Out of memory: not knowing whether the event needs redacting, do not deliver it.
      e.dropped = true;
      report_failure(batch, e);
    }
  }
}

Counter* RedactionTransform::redactions_counter(std::string_view domain, std::string_view stream) {
  std::string labels = "domain=\"";
  append_label_value(labels, domain);
  labels += "\",stream=\"";
  append_label_value(labels, stream);
  labels += '"';
  auto it = counters_.find(labels);
  if (it != counters_.end()) return it->second;
  Counter* c = reporter_->host()->counter(kRedactionsName, kRedactionsHelp, labels);
  counters_.emplace(std::move(labels), c);
  return c;
}

void RedactionTransform::report(const EventBatch& batch, const Event& event,
                                const Match& match) noexcept {
  HostServices* host = reporter_->host();
  if (host == nullptr) return;
  try {
    if (Counter* c = redactions_counter(match.domain, match.stream)) c->add(1);
    std::uint64_t suppressed = 0;
    if (!reporter_->admit(suppressed)) return;
    std::string fields = "{\"domain\":";
    append_json_string(fields, match.domain);
    fields += ",\"stream\":";
    append_json_string(fields, match.stream);
    fields += ",\"page\":";
    append_json_string(fields, match.title);
    fields += ",\"client\":";
    append_json_string(fields, client_);
    fields += ",\"rule\":" + std::to_string(match.rule);
    append_position(fields, batch, event);
    if (suppressed > 0) fields += ",\"suppressed\":" + std::to_string(suppressed);
    fields += '}';
    host->log(LogLevel::kInfo, "redacted an event about a listed page", fields);
  } catch (...) {
    // Logging is best effort; the event is already redacted.
  }
}

void RedactionTransform::report_failure(const EventBatch& batch, const Event& event) noexcept {
  HostServices* host = reporter_->host();
  if (host == nullptr) return;
  try {
    if (failures_ == nullptr) failures_ = host->counter(kFailuresName, kFailuresHelp);
    if (failures_ != nullptr) failures_->add(1);
    std::uint64_t suppressed = 0;
    if (!reporter_->admit(suppressed)) return;
    std::string fields = "{\"client\":";
    append_json_string(fields, client_);
    append_position(fields, batch, event);
    if (suppressed > 0) fields += ",\"suppressed\":" + std::to_string(suppressed);
    fields += '}';
    host->log(LogLevel::kWarn, "dropped an event of a listed domain that could not be redacted",
              fields);
  } catch (...) {
  }
}

RedactionFactory::RedactionFactory(std::shared_ptr<const RedactionConfig> config,
                                   HostServices* host)
    : config_(std::move(config)),
      reporter_(std::make_shared<Reporter>(host, config_->max_log_lines_per_second)) {}

std::unique_ptr<Transform> RedactionFactory::create(const RequestInfo& request,
                                                    std::string& group_key,
                                                    std::string& error) noexcept {
  group_key.clear();
  error.clear();
  if (config_->pages.empty()) return nullptr;
  try {
    return std::make_unique<RedactionTransform>(config_, reporter_, request.client);
  } catch (const std::exception& e) {
    error = std::string("redaction: ") + e.what();
  } catch (...) {
    error = "redaction: cannot create the transform";
  }
  return nullptr;
}

std::unique_ptr<TransformFactory> create_factory(const PluginContext& context,
                                                 std::string& error) noexcept {
  return guarded_create(
      "redaction: ", "cannot create the factory", error,
      [&]() -> std::unique_ptr<TransformFactory> {
        auto config = parse_config(context.config_json, error);
        if (!config) return nullptr;
        auto shared = std::make_shared<const RedactionConfig>(std::move(*config));
        if (context.host != nullptr) {
          std::string fields =
              "{\"domains\":" + std::to_string(shared->pages.size()) +
              ",\"titles\":" + std::to_string(shared->title_count()) +
              ",\"rules\":" + std::to_string(shared->rules.size()) +
              ",\"max_log_lines_per_second\":" + std::to_string(shared->max_log_lines_per_second) +
              "}";
          context.host->log(
              shared->pages.empty() ? LogLevel::kWarn : LogLevel::kInfo,
              shared->pages.empty()
                  ? "redaction: no page listed (mediawiki_redacted_pages), nothing to do"
                  : "redaction: pages loaded",
              fields);
        }
        return std::make_unique<RedactionFactory>(std::move(shared), context.host);
      });
}

}  // namespace eventstreams::redaction
