// Stream-config reload (SPEC 1): re-reads stream_config_uri every stream_config_ttl seconds and
// whenever asked (SIGHUP), and swaps the catalog that new requests see. A reload that fails
// (unreachable, unparseable, no stream left) keeps the previous catalog, logs why and is
// counted (eventstreams_stream_config_reloads_total{result}); it never ends the process.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "config/app_config.h"
#include "config/catalog_holder.h"
#include "services/json_logger.h"
#include "services/metrics_registry.h"

namespace eventstreams::config {

class StreamConfigReloader {
 public:
  // Called after each successful swap, on the reloader's thread (e.g. to rebuild what is
  // derived from the catalog).
  using OnReload = std::function<void(const StreamCatalog&)>;

  StreamConfigReloader(const AppConfig& config, CatalogHolder& catalogs,
                       services::JsonLogger& logger, services::MetricsRegistry& metrics,
                       OnReload on_reload = {});
  ~StreamConfigReloader();

  // Starts the thread that reloads on the ttl (when set) and on request().
  void start();
  // Any thread, also a signal handler's waiting thread: reload soon, once however often
  // asked before it runs.
  void request();
  // Ends the thread; a reload under way completes first.
  void stop();

  // Reloads now on the caller's thread; true when the catalog was swapped.
  bool reload_now(const char* reason);

 private:
  void run();

  const AppConfig& config_;
  CatalogHolder& catalogs_;
  services::JsonLogger& logger_;
  OnReload on_reload_;
  Counter* succeeded_;
  Counter* failed_;

  std::mutex mutex_;  // guards the flags below; reload_now() serialises on reload_mutex_
  std::mutex reload_mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eventstreams::config
