#include "config/stream_config_reloader.h"

#include <chrono>

#include "config/config_error.h"
#include "services/json_text.h"

namespace eventstreams::config {

StreamConfigReloader::StreamConfigReloader(const AppConfig& config, CatalogHolder& catalogs,
                                           services::JsonLogger& logger,
                                           services::MetricsRegistry& metrics, OnReload on_reload)
    : config_(config), catalogs_(catalogs), logger_(logger), on_reload_(std::move(on_reload)) {
  constexpr const char* kHelp = "Stream config reloads, by result";
  const Label success[] = {{"result", "success"}};
  const Label failure[] = {{"result", "failure"}};
  succeeded_ = metrics.counter("eventstreams_stream_config_reloads_total", kHelp, success);
  failed_ = metrics.counter("eventstreams_stream_config_reloads_total", kHelp, failure);
}

StreamConfigReloader::~StreamConfigReloader() {
  stop();
}

void StreamConfigReloader::start() {
  thread_ = std::thread([this] { run(); });
}

void StreamConfigReloader::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

void StreamConfigReloader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StreamConfigReloader::run() {
  const auto ttl = std::chrono::seconds(config_.stream_config_ttl);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const char* reason = "requested";
    if (ttl.count() > 0) {
      if (!wake_.wait_for(lock, ttl, [&] { return stopping_ || requested_; })) reason = "ttl";
    } else {
      wake_.wait(lock, [&] { return stopping_ || requested_; });
    }
    if (stopping_) break;
    requested_ = false;
    lock.unlock();
    reload_now(reason);
    lock.lock();
  }
}

bool StreamConfigReloader::reload_now(const char* reason) {
  std::lock_guard serial(reload_mutex_);
  std::shared_ptr<const StreamCatalog> next;
  try {
    next = std::make_shared<const StreamCatalog>(load_stream_catalog(config_));
  } catch (const ConfigError& e) {
    failed_->add();
    logger_.log(LogLevel::kWarn, "stream config reload failed; the previous streams stay",
                "{\"reason\":" + services::json_string(reason) +
                    ",\"error\":" + services::json_string(e.what()) + "}");
    return false;
  }
  const std::size_t before = catalogs_.current()->streams.size();
  catalogs_.replace(next);
  succeeded_->add();
  logger_.log(LogLevel::kInfo, "stream config reloaded",
              "{\"reason\":" + services::json_string(reason) +
                  ",\"streams\":" + std::to_string(next->streams.size()) +
                  ",\"streams_before\":" + std::to_string(before) + "}");
  if (on_reload_) on_reload_(*next);
  return true;
}

}  // namespace eventstreams::config
