// librdkafka's mock cluster, run in-process for demos and tests (`embedded: true`).
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

namespace eventstreams::kafka {

class LogSink;

class EmbeddedCluster {
 public:
  // One broker on a free localhost port. Null with a reason on failure.
  static std::unique_ptr<EmbeddedCluster> create(LogSink* sink, std::string& error);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // Where clients connect ("127.0.0.1:port").
  const std::string& bootstrap_servers() const noexcept { return bootstrap_; }

  // Creates `topic` with `partitions` partitions (replication 1). Creating an existing topic
  // is not an error.
  bool create_topic(const std::string& topic, int partitions, std::string& error);

  rd_kafka_mock_cluster_t* mock() const noexcept { return mcluster_; }

 private:
  EmbeddedCluster(rd_kafka_t* rk, rd_kafka_mock_cluster_t* mcluster);

  rd_kafka_t* rk_;  // the dedicated handle the mock cluster lives on
  rd_kafka_mock_cluster_t* mcluster_;
  std::string bootstrap_;
};

}  // namespace eventstreams::kafka
