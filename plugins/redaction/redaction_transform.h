// The "redaction" transform plugin (SPEC 3): removes user / performer fields from events about
// listed pages, logs and counts every redaction.
//
// The transform is the same for every request, so all requests of a hub group share one
// instance (group key ""). It reads no query parameters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "eventstreams/abi.h"
#include "eventstreams/host_services.h"
#include "eventstreams/log_every.h"
#include "eventstreams/transform.h"
#include "redaction_config.h"
#include "redactor.h"

namespace eventstreams::redaction {

// Logging shared by every instance of a factory (instances run on several event loop threads):
// log lines are limited to `max_per_second` per second (LogEvery); the next line logged after
// some were held back says how many ("suppressed"). Counting is never limited.
struct Reporter {
  Reporter(HostServices* h, std::uint64_t max_per_second) noexcept
      : host(h), lines(max_per_second, 1000) {}

  HostServices* host;
  LogEvery lines;
};

class RedactionTransform final : public Transform {
 public:
  RedactionTransform(std::shared_ptr<const RedactionConfig> config,
                     std::shared_ptr<Reporter> reporter, std::string client);

  // Redacts events about listed pages in place; other events keep their bytes. An event of a
  // listed domain that cannot be read (never produced by the host, which validates payloads)
  // is dropped rather than delivered unredacted.
  void apply(EventBatch& batch) noexcept override;

 private:
  void report(const EventBatch& batch, const Event& event, const Match& match) noexcept;
  void report_failure(const EventBatch& batch, const Event& event) noexcept;
  Counter* redactions_counter(std::string_view domain, std::string_view stream);

  std::shared_ptr<const RedactionConfig> config_;
  std::shared_ptr<Reporter> reporter_;
  std::string client_;  // of the request that created this instance
  Redactor redactor_;
  std::string out_;
  Match match_;
  // Counter per domain and stream (key: "<domain length>:<domain><stream>"); an instance runs
  // on one thread, so no lock.
  std::unordered_map<std::string, Counter*> counters_;
  Counter* failures_ = nullptr;
};

class RedactionFactory final : public TransformFactory {
 public:
  RedactionFactory(std::shared_ptr<const RedactionConfig> config, HostServices* host);

  bool accepts_parameter(const std::string&) const noexcept override { return false; }
  // Returns the shared transform (group key ""), or null with no error when no page is listed.
  std::unique_ptr<Transform> create(const RequestInfo& request, std::string& group_key,
                                    std::string& error) noexcept override;

 private:
  std::shared_ptr<const RedactionConfig> config_;
  std::shared_ptr<Reporter> reporter_;
};

// What the plugin entry point calls. Does not throw: on failure returns null and sets `error`.
std::unique_ptr<TransformFactory> create_factory(const PluginContext& context,
                                                 std::string& error) noexcept;

}  // namespace eventstreams::redaction
