#include "composition_root.h"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <pthread.h>
#include <signal.h>

#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "config/catalog_holder.h"
#include "config/config_error.h"
#include "config/stream_config.h"
#include "config/stream_config_reloader.h"
#include "http/http_server.h"
#include "http/overload_responder.h"
#include "http/router.h"
#include "plugin-loader/plugin_config.h"
#include "plugin-loader/plugin_listing.h"
#include "plugin-loader/plugin_registry.h"
#include "services/host_services_impl.h"
#include "services/json_text.h"
#include "streaming/stream_engine.h"

namespace eventstreams::app {
namespace {

LogLevel parse_level(const std::string& s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

// The kernel silently caps a listen backlog at net.core.somaxconn; 0 when unknown.
int somaxconn() {
  std::ifstream in("/proc/sys/net/core/somaxconn");
  int v = 0;
  return (in >> v) ? v : 0;
}

int default_loops() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(cores, 4u));
}

// --list-plugins [--config FILE]: the config's plugin directories (or the default ones) and
// the plugins it names; nothing is started.
int list_plugins(const CommandLine& cl) {
  std::optional<config::AppConfig> config;
  try {
    if (!cl.config_path.empty()) config = config::load_app_config(cl.config_path);
  } catch (const config::ConfigError& e) {
    std::cerr << "eventstreams: " << e.what() << "\n";
    return 2;
  }
  const auto directories = config && !config->plugins.directories.empty()
                               ? config->plugins.directories
                               : plugin_loader::PluginRegistry::default_directories();
  return plugin_loader::list_plugins(directories, config ? &*config : nullptr, std::cout);
}

}  // namespace

int print_plugin_help(const CommandLine& cl) {
  try {
    std::vector<std::string> directories;
    if (!cl.config_path.empty())
      directories = config::load_app_config(cl.config_path).plugins.directories;
    if (directories.empty()) directories = plugin_loader::PluginRegistry::default_directories();
    plugin_loader::PluginRegistry registry;
    registry.scan(directories);
    const plugin_loader::PluginLibrary* lib = registry.library(cl.help_plugin);
    if (lib == nullptr) {
      std::string known;
      for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
      std::cerr << "eventstreams: no plugin '" << cl.help_plugin
                << "' (found: " << (known.empty() ? "none" : known) << ")\n";
      return 2;
    }
    std::cout << plugin_loader::describe_plugin_config(lib->descriptor(), lib->path());
    return 0;
  } catch (const config::ConfigError& e) {
    std::cerr << "eventstreams: " << e.what() << "\n";
    return 2;
  }
}

namespace {

// Gauges read from their owners when /metrics is scraped. The server, the only reader, stops
// before any of these owners ends.
void register_sampled_gauges(services::MetricsRegistry& metrics, const http::ServerContext& ctx) {
  metrics.sampled_gauge(
      "eventstreams_source_readers", "Source readers (Kafka consumers) open now",
      [&ctx] { return static_cast<double>(ctx.plugins->source->open_readers()); });
  metrics.sampled_gauge("eventstreams_live_hubs", "Shared live-head readers running now",
                        [&ctx] { return static_cast<double>(ctx.engine->live_hubs()); });
  metrics.sampled_gauge("eventstreams_private_hubs", "Catch-up readers serving one client each",
                        [&ctx] { return static_cast<double>(ctx.engine->private_hubs()); });
  metrics.sampled_gauge("eventstreams_connections", "Client connections counted by the limiter",
                        [&ctx] { return static_cast<double>(ctx.limiter->total()); });
}

}  // namespace

int run_server(const CommandLine& cl) {
  if (!cl.help_plugin.empty()) return print_plugin_help(cl);
  if (cl.list_plugins) return list_plugins(cl);
  // Signals are taken by sigwait() below; every thread started from here inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reloads the stream config, never ends the process
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  services::JsonLogger logger;
  services::MetricsRegistry metrics;
  services::HostServicesImpl host(logger, metrics);

  config::AppConfig config;
  config::StreamCatalog catalog;
  plugin_loader::PluginRegistry registry;  // outlives the plugins made from it
  plugin_loader::LoadedPlugins plugins;
  try {
    config = config::load_app_config(cl.config_path);
    if (cl.port) config.port = *cl.port;
    logger.set_min_level(parse_level(config.log_level));
    for (const auto& w : config.warnings) {
      logger.log(LogLevel::kWarn, "config setting not used",
                 "{\"warning\":" + services::json_string(w) + "}");
    }
    catalog = config::load_stream_catalog(config);
    registry.scan(config.plugins.directories.empty()
                      ? plugin_loader::PluginRegistry::default_directories()
                      : config.plugins.directories);
    plugins = registry.instantiate(config, host);
  } catch (const config::ConfigError& e) {
    std::cerr << "eventstreams: " << e.what() << "\n";
    return 2;
  }
  if (cl.check_config) {
    std::cout << "config OK: " << catalog.streams.size() << " streams, source '"
              << plugins.source_name << "', encoders";
    for (const auto& n : plugins.encoder_names) std::cout << " '" << n << "'";
    std::cout << "\n";
    return 0;
  }

  if (auto s = plugins.source->start(catalog.all_topics()); !s.ok()) {
    std::cerr << "eventstreams: source '" << plugins.source_name
              << "' failed to start: " << s.message << "\n";
    return 3;
  }

  streaming::EngineOptions engine_options;
  engine_options.loops = config.event_loops > 0 ? config.event_loops : default_loops();
  engine_options.heartbeat_interval_ms = config.heartbeat_interval_ms;
  engine_options.client_buffer_bytes = static_cast<std::size_t>(config.client_buffer_bytes);
  engine_options.live_hub_clients = static_cast<std::size_t>(config.live_hub_clients);
  engine_options.live_hub_linger_ms = config.live_hub_linger_ms;
  engine_options.live_replay_bytes = static_cast<std::size_t>(config.live_replay_bytes);
  engine_options.catch_up_replay_bytes = static_cast<std::size_t>(config.catch_up_replay_bytes);
  engine_options.start_timeout_ms = static_cast<int>(config.start_timeout_ms);
  std::vector<streaming::EncoderEntry> encoders;
  for (std::size_t i = 0; i < plugins.encoders.size(); ++i) {
    encoders.push_back({plugins.encoders[i].get(), plugins.encoder_names[i]});
  }
  streaming::StreamEngine engine(engine_options, *plugins.source, encoders, logger, metrics);
  engine.start();
  http::ConnectionLimiter limiter(config.max_connections, config.client_ip_connection_limit);

  config::CatalogHolder catalogs(std::make_shared<const config::StreamCatalog>(catalog));
  http::ServerContext ctx;
  ctx.config = &config;
  ctx.catalogs = &catalogs;
  ctx.plugins = &plugins;
  ctx.engine = &engine;
  ctx.limiter = &limiter;
  ctx.logger = &logger;
  ctx.metrics = &metrics;
  http::RequestMetrics request_metrics(metrics);
  ctx.requests = &request_metrics;
  ctx.version = ES_VERSION;
  register_sampled_gauges(metrics, ctx);
  // GET /?spec and /?doc: built here (schema fetches are bounded and never fatal), and again
  // by every stream-config reload for the new catalog, on the reloader's thread.
  ctx.set_spec(http::openapi::build_spec_documents(config, catalog, plugins, ctx.version, logger));
  config::StreamConfigReloader reloader(
      config, catalogs, logger, metrics, [&](const config::StreamCatalog& reloaded) {
        ctx.set_spec(
            http::openapi::build_spec_documents(config, reloaded, plugins, ctx.version, logger));
      });
  reloader.start();

  // POCO's pool asserts min <= max: http_threads may be 1.
  Poco::ThreadPool pool(std::min(2, config.http_threads), config.http_threads);
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(config.http_threads);
  params->setMaxQueued(config.http_max_queued);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(30, 0));
  // Declared before the server, which holds a filter that refers to it.
  http::OverloadResponder overload(config, logger, metrics);
  // POCO's HTTPServer, but heads its parser refuses get a problem body (http_server.h).
  std::unique_ptr<http::HttpServer> server;
  int port = 0;
  const int backlog_cap = somaxconn();
  if (backlog_cap > 0 && config.listen_backlog > backlog_cap) {
    logger.log(LogLevel::kWarn, "listen backlog capped by net.core.somaxconn",
               "{\"listen_backlog\":" + std::to_string(config.listen_backlog) +
                   ",\"somaxconn\":" + std::to_string(backlog_cap) + "}");
  }
  try {
    // Not POCO's (address, backlog) constructor: it sets SO_REUSEPORT along with
    // SO_REUSEADDR, so a second server on the same port started and silently took half of
    // the connections of the first. A port in use is an error.
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(config.interface, static_cast<Poco::UInt16>(config.port)),
                /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(config.listen_backlog);
    port = socket.address().port();
    server = std::make_unique<http::HttpServer>(new http::Router(ctx), pool, socket, params, config,
                                                metrics, overload);
    metrics.sampled_gauge(
        "eventstreams_http_heads_awaited",
        "New connections waiting, off the HTTP pool, for their first request head",
        [s = server.get()] { return static_cast<double>(s->heads_awaited()); });
    overload.start();
    server->start();
  } catch (const Poco::Exception& e) {
    std::cerr << "eventstreams: cannot listen on " << config.interface << ":" << config.port << ": "
              << e.displayText() << "\n";
    reloader.stop();
    engine.stop();
    return 4;
  }
  logger.log(LogLevel::kInfo, "listening",
             "{\"interface\":" + services::json_string(config.interface) + ",\"port\":" +
                 std::to_string(port) + ",\"streams\":" + std::to_string(catalog.streams.size()) +
                 ",\"version\":\"" ES_VERSION "\"}");

  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
    logger.log(LogLevel::kInfo, "SIGHUP: reloading the stream config");
    reloader.request();
  }
  logger.log(LogLevel::kInfo, "shutting down", "{\"signal\":" + std::to_string(sig) + "}");
  reloader.stop();
  // Stop accepting, end every stream, then let go of the readers and the plugins.
  server->stopAll(true);
  overload.stop();
  engine.stop();
  pool.joinAll();
  logger.log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace eventstreams::app
