#include "kafka_source_factory.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "client_config.h"
#include "consumer_pool.h"
#include "demo_feed.h"
#include "embedded_cluster.h"
#include "eventstreams/guarded_create.h"
#include "handle_reaper.h"
#include "kafka_reader.h"
#include "log_sink.h"

namespace eventstreams::kafka {
namespace {

constexpr std::chrono::milliseconds kMetadataCacheTtl{5000};

SourceStatus internal_error(const char* what) {
  return {SourceStatus::Code::kError, std::string("kafka source: ") + what};
}

ConsumerPool::Metrics pool_metrics(HostServices* host) {
  ConsumerPool::Metrics m;
  if (host == nullptr) return m;
  m.created = host->counter("eventstreams_kafka_consumers_created_total",
                            "Kafka consumers created for readers");
  m.reused = host->counter("eventstreams_kafka_consumers_reused_total",
                           "Readers served by an idle Kafka consumer instead of a new one");
  m.idle = host->gauge("eventstreams_kafka_consumers_idle",
                       "Idle Kafka consumers kept for the next readers (kafka.consumer_pool_size)");
  m.expired =
      host->counter("eventstreams_kafka_consumers_expired_total",
                    "Idle Kafka consumers destroyed after kafka.consumer_pool_idle_ms unused");
  return m;
}

}  // namespace

std::unique_ptr<KafkaSourceFactory> KafkaSourceFactory::create(const PluginContext& context,
                                                               std::string& error) noexcept {
  return guarded_create(
      "kafka source: ", "unexpected error", error, [&]() -> std::unique_ptr<KafkaSourceFactory> {
        std::optional<KafkaConfig> config = parse_kafka_config(context.config_json, error);
        if (!config) return nullptr;

        auto shared = std::make_shared<ReaderShared>();
        shared->log = std::make_shared<LogSink>(context.host);
        shared->reaper = std::make_shared<HandleReaper>();
        // Validate the reader configuration now, so a bad property fails start-up rather than
        // every request.
        std::unique_ptr<EmbeddedCluster> cluster;
        std::string bootstrap;
        if (config->embedded) {
          cluster = EmbeddedCluster::create(shared->log.get(), error);
          if (!cluster) return nullptr;
          bootstrap = cluster->bootstrap_servers();
        }
        const Properties reader = client_properties(*config, ClientRole::kReader, bootstrap);
        if (!make_conf(reader, nullptr, error)) return nullptr;
        ConsumerPool::Timing timing;
        timing.idle_ttl = std::chrono::milliseconds(config->consumer_pool_idle_ms);
        timing.rest = fetch_wait(reader);
        shared->pool = std::make_shared<ConsumerPool>(
            static_cast<std::size_t>(config->consumer_pool_size), timing, shared->reaper,
            shared->log, pool_metrics(context.host));
        ConfPtr conf = make_conf(client_properties(*config, ClientRole::kMetadata, bootstrap),
                                 shared->log.get(), error);
        if (!conf) return nullptr;
        rd_kafka_t* metadata = new_client(RD_KAFKA_CONSUMER, std::move(conf), error);
        if (metadata == nullptr) return nullptr;
        return std::unique_ptr<KafkaSourceFactory>(new KafkaSourceFactory(
            std::move(*config), std::move(shared), std::move(cluster), metadata));
      });
}

KafkaSourceFactory::KafkaSourceFactory(KafkaConfig config, std::shared_ptr<ReaderShared> shared,
                                       std::unique_ptr<EmbeddedCluster> cluster,
                                       rd_kafka_t* metadata)
    : config_(std::move(config)),
      shared_(std::move(shared)),
      cluster_(std::move(cluster)),
      metadata_(metadata),
      describer_(metadata, kMetadataCacheTtl),
      resolver_(metadata) {
  if (cluster_) bootstrap_ = cluster_->bootstrap_servers();
}

KafkaSourceFactory::~KafkaSourceFactory() {
  feed_.reset();  // local cluster: quick
  // Idle consumers go with the factory; readers still alive destroy theirs when they end.
  shared_->pool->close();
  rd_kafka_t* metadata = metadata_;
  shared_->reaper->submit([metadata, log = shared_->log] { rd_kafka_destroy(metadata); });
  const bool clean = shared_->reaper->shutdown(std::chrono::milliseconds(kShutdownBoundMs));
  if (!clean) {
    shared_->log->log(LogLevel::kWarn,
                      "kafka source: some Kafka clients did not finish closing within " +
                          std::to_string(kShutdownBoundMs) + " ms; left to close in background");
  }
  cluster_.reset();
  // Clients that are still closing must not call into a host that is going away.
  shared_->log->detach();
}

SourceStatus KafkaSourceFactory::start(const std::vector<std::string>& topics) noexcept {
  try {
    std::lock_guard lock(start_mu_);
    if (started_) return internal_error("start() called twice");
    started_ = true;
    if (!cluster_) return SourceStatus::Ok();  // missing topics are reported per request

    std::vector<std::string> unique;
    for (const auto& t : topics) {
      if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
    }
    std::string error;
    for (const auto& t : unique) {
      if (!cluster_->create_topic(t, config_.embedded_partitions, error)) {
        return {SourceStatus::Code::kError, error};
      }
    }
    if (config_.embedded_events_per_second > 0 && !unique.empty()) {
      DemoFeedOptions options;
      options.bootstrap_servers = bootstrap_;
      options.topics = unique;
      options.events_per_second = config_.embedded_events_per_second;
      feed_ = DemoFeed::start(options, shared_->log.get(), error);
      if (!feed_) return {SourceStatus::Code::kError, error};
    }
    shared_->log->log(LogLevel::kInfo, "kafka source: embedded cluster at " + bootstrap_ +
                                           " with " + std::to_string(unique.size()) +
                                           " topic(s), demo feed " + (feed_ ? "on" : "off"));
    return SourceStatus::Ok();
  } catch (...) {
    return internal_error("start failed (out of memory)");
  }
}

SourceStatus KafkaSourceFactory::describe(const std::vector<std::string>& topics,
                                          std::vector<TopicPartitions>& out,
                                          int timeout_ms) noexcept {
  try {
    serve_events();
    SourceStatus s = describer_.describe(topics, out, timeout_ms);
    if (s.ok()) (void)cluster_id();  // metadata arrived: remember the cluster id
    return s;
  } catch (...) {
    return internal_error("describe failed (out of memory)");
  }
}

SourceStatus KafkaSourceFactory::resolve(const std::vector<StartSpec>& specs,
                                         std::vector<StartPosition>& out, int timeout_ms) noexcept {
  try {
    serve_events();
    return resolver_.resolve(specs, out, timeout_ms);
  } catch (...) {
    return internal_error("resolve failed (out of memory)");
  }
}

SourceStatus KafkaSourceFactory::open(const std::vector<StartPosition>& positions,
                                      std::unique_ptr<SourceReader>& out) noexcept {
  try {
    if (positions.empty()) return {SourceStatus::Code::kError, "no partitions to read"};
    if (auto idle = shared_->pool->acquire()) {
      return KafkaReader::reuse(*idle, metadata_, positions, shared_, out);
    }
    std::string error;
    ConfPtr conf = make_conf(client_properties(config_, ClientRole::kReader, bootstrap_),
                             shared_->log.get(), error);
    if (!conf) return {SourceStatus::Code::kError, error};
    return KafkaReader::open(std::move(conf), positions, shared_, out);
  } catch (...) {
    return internal_error("open failed (out of memory)");
  }
}

std::string KafkaSourceFactory::cluster_id() const noexcept {
  try {
    std::lock_guard lock(cluster_id_mu_);
    if (cluster_id_.empty()) {
      // Non-blocking: answers from metadata already received.
      char* id = rd_kafka_clusterid(metadata_, 0);
      if (id != nullptr) {
        cluster_id_ = id;
        rd_kafka_mem_free(metadata_, id);
      }
    }
    return cluster_id_;
  } catch (...) {
    return {};
  }
}

bool KafkaSourceFactory::healthy(int timeout_ms) noexcept {
  serve_events();
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(metadata_, 0, nullptr, &md, std::max(timeout_ms, 1));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  const bool has_brokers = md->broker_cnt > 0;
  rd_kafka_metadata_destroy(md);
  if (has_brokers) (void)cluster_id();
  return has_brokers;
}

std::size_t KafkaSourceFactory::open_readers() const noexcept {
  return shared_->open_readers.load(std::memory_order_relaxed);
}

std::string KafkaSourceFactory::embedded_bootstrap_servers() const {
  return bootstrap_;
}

std::uint64_t KafkaSourceFactory::demo_events_produced() const noexcept {
  std::lock_guard lock(start_mu_);
  return feed_ ? feed_->produced() : 0;
}

std::size_t KafkaSourceFactory::idle_consumers() const noexcept {
  return shared_->pool->idle();
}

std::size_t KafkaSourceFactory::resetting_consumers() const noexcept {
  return shared_->pool->resetting();
}

void KafkaSourceFactory::serve_events() noexcept {
  rd_kafka_poll(metadata_, 0);
}

}  // namespace eventstreams::kafka
