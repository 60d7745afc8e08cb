// Everything the HTTP routes share, owned by the application and outliving the server.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "config/app_config.h"
#include "config/catalog_holder.h"
#include "config/stream_config.h"
#include "http/connection_limiter.h"
#include "http/openapi/spec_documents.h"
#include "http/request_metrics.h"
#include "plugin-loader/plugin_registry.h"
#include "services/json_logger.h"
#include "services/metrics_registry.h"
#include "streaming/stream_engine.h"

namespace eventstreams::http {

struct ServerContext {
  const config::AppConfig* config = nullptr;
  // The streams new requests see; swapped whole by a stream-config reload.
  const config::CatalogHolder* catalogs = nullptr;
  plugin_loader::LoadedPlugins* plugins = nullptr;
  streaming::StreamEngine* engine = nullptr;
  http::ConnectionLimiter* limiter = nullptr;
  services::JsonLogger* logger = nullptr;
  services::MetricsRegistry* metrics = nullptr;
  // Request durations and problems by type; null: not measured.
  RequestMetrics* requests = nullptr;
  std::string version;
  std::atomic<std::uint64_t> next_request_id{1};

  // The documents of GET /?spec and /?doc. A request takes the pointer once and answers from
  // it; set_spec swaps in documents built from a new catalog. THE SWAP POINT: the composition
  // root calls it at start-up, and a stream-config reload calls it again after
  // openapi::build_spec_documents() for the new catalog (requests in flight keep the old ones).
  std::shared_ptr<const openapi::SpecDocuments> spec() const {
    std::lock_guard<std::mutex> lock(spec_mutex_);
    return spec_;
  }
  void set_spec(std::shared_ptr<const openapi::SpecDocuments> documents) {
    std::lock_guard<std::mutex> lock(spec_mutex_);
    spec_ = std::move(documents);
  }

 private:
  mutable std::mutex spec_mutex_;
  std::shared_ptr<const openapi::SpecDocuments> spec_;
};

}  // namespace eventstreams::http
