// The Kafka SourceFactory: one long-lived metadata client, one consumer per reader (reused
// from a small pool of idle ones, consumer_pool.h), and in embedded mode an in-process mock
// cluster with a demo feed.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "eventstreams/abi.h"
#include "eventstreams/source.h"
#include "kafka_config.h"
#include "position_resolver.h"
#include "topic_describer.h"

namespace eventstreams::kafka {

class DemoFeed;
class EmbeddedCluster;
class LogSink;
struct ReaderShared;

class KafkaSourceFactory final : public SourceFactory {
 public:
  // Parses the config and creates the metadata client (and, in embedded mode, the mock
  // cluster). Never throws; null with the reason in `error`.
  static std::unique_ptr<KafkaSourceFactory> create(const PluginContext& context,
                                                    std::string& error) noexcept;

  // Stops the demo feed and destroys every client within kShutdownBound; readers still
  // alive keep what they need and tear down on their own thread.
  ~KafkaSourceFactory() override;

  static constexpr int kShutdownBoundMs = 3000;

  SourceStatus start(const std::vector<std::string>& topics) noexcept override;
  SourceStatus describe(const std::vector<std::string>& topics, std::vector<TopicPartitions>& out,
                        int timeout_ms) noexcept override;
  SourceStatus resolve(const std::vector<StartSpec>& specs, std::vector<StartPosition>& out,
                       int timeout_ms) noexcept override;
  SourceStatus open(const std::vector<StartPosition>& positions,
                    std::unique_ptr<SourceReader>& out) noexcept override;
  std::string cluster_id() const noexcept override;
  bool healthy(int timeout_ms) noexcept override;
  std::size_t open_readers() const noexcept override;

  // The mock cluster's bootstrap servers in embedded mode, else "" (for tests and logs).
  std::string embedded_bootstrap_servers() const;
  // Events the demo feed has produced (0 without one).
  std::uint64_t demo_events_produced() const noexcept;
  // Idle consumers in the pool, and released ones not yet kept or destroyed (for tests).
  std::size_t idle_consumers() const noexcept;
  std::size_t resetting_consumers() const noexcept;

 private:
  KafkaSourceFactory(KafkaConfig config, std::shared_ptr<ReaderShared> shared,
                     std::unique_ptr<EmbeddedCluster> cluster, rd_kafka_t* metadata);
  // Serves the metadata client's event queue (stats, errors) so it never grows.
  void serve_events() noexcept;

  KafkaConfig config_;
  std::shared_ptr<ReaderShared> shared_;
  std::unique_ptr<EmbeddedCluster> cluster_;
  rd_kafka_t* metadata_;
  TopicDescriber describer_;
  PositionResolver resolver_;
  std::string bootstrap_;  // embedded mode: the mock cluster's address

  mutable std::mutex start_mu_;
  bool started_ = false;
  std::unique_ptr<DemoFeed> feed_;

  mutable std::mutex cluster_id_mu_;
  mutable std::string cluster_id_;
};

}  // namespace eventstreams::kafka
