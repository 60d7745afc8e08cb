// Everything the HTTP routes share, owned by the application and outliving the server.
#pragma once

#include <atomic>
#include <string>

#include "config/app_config.h"
#include "config/catalog_holder.h"
#include "config/stream_config.h"
#include "plugin-loader/plugin_registry.h"
#include "services/json_logger.h"
#include "services/metrics_registry.h"
#include "http/connection_limiter.h"
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
  std::string version;
  std::atomic<std::uint64_t> next_request_id{1};
};

}  // namespace eventstreams::http
