#include "redaction_transform.h"

#include <exception>
#include <utility>

#include "eventstreams/guarded_create.h"

namespace eventstreams::redaction {
namespace {

constexpr std::string_view kRedactionsName = "eventstreams_redactions_total";
constexpr std::string_view kRedactionsHelp =
    "Events about listed pages whose user fields were redacted (SPEC 3)";
constexpr std::string_view kFailuresName = "eventstreams_redaction_failures_total";
constexpr std::string_view kFailuresHelp =
    "Events of listed domains dropped because they could not be redacted";

std::string_view topic_of(const EventBatch& batch, const Event& event) {
  return event.topic < batch.topics.size() ? batch.topic(event) : std::string_view();
}

}  // namespace

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
  // The domain's length first, so that no two (domain, stream) pairs make the same key.
  std::string key = std::to_string(domain.size());
  key.append(1, ':').append(domain).append(stream);
  auto it = counters_.find(key);
  if (it != counters_.end()) return it->second;
  const Label labels[] = {{"domain", domain}, {"stream", stream}};
  Counter* c = reporter_->host->counter(kRedactionsName, kRedactionsHelp, labels);
  counters_.emplace(std::move(key), c);
  return c;
}

void RedactionTransform::report(const EventBatch& batch, const Event& event,
                                const Match& match) noexcept {
  HostServices* host = reporter_->host;
  if (host == nullptr) return;
  try {
    if (Counter* c = redactions_counter(match.domain, match.stream)) c->add(1);
    const LogField fields[] = {{"domain", match.domain},       {"stream", match.stream},
                               {"page", match.title},          {"client", client_},
                               {"rule", match.rule},           {"topic", topic_of(batch, event)},
                               {"partition", event.partition}, {"offset", event.offset}};
    reporter_->lines.log(*host, LogLevel::kInfo, "redacted an event about a listed page", fields);
  } catch (...) {
    // Logging is best effort; the event is already redacted.
  }
}

void RedactionTransform::report_failure(const EventBatch& batch, const Event& event) noexcept {
  HostServices* host = reporter_->host;
  if (host == nullptr) return;
  if (failures_ == nullptr) failures_ = host->counter(kFailuresName, kFailuresHelp);
  failures_->add(1);
  const LogField fields[] = {{"client", client_},
                             {"topic", topic_of(batch, event)},
                             {"partition", event.partition},
                             {"offset", event.offset}};
  reporter_->lines.log(*host, LogLevel::kWarn,
                       "dropped an event of a listed domain that could not be redacted", fields);
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
          const LogField fields[] = {
              {"domains", shared->pages.size()},
              {"titles", shared->title_count()},
              {"rules", shared->rules.size()},
              {"max_log_lines_per_second", shared->max_log_lines_per_second}};
          context.host->log_fields(
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
