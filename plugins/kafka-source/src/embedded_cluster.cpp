#include "embedded_cluster.h"

#include <cstdint>

#include "client_config.h"
#include "kafka_errors.h"

namespace eventstreams::kafka {
namespace {

constexpr std::int16_t kMetadataApiKey = 3;

}  // namespace

std::unique_ptr<EmbeddedCluster> EmbeddedCluster::create(LogSink* sink, std::string& error) {
  // The handle only hosts the cluster; it never connects anywhere, so no broker list, and
  // quiet about that.
  ConfPtr conf =
      make_conf({{"client.id", "eventstreams-embedded-cluster"}, {"log_level", "3"}}, sink, error);
  if (!conf) return nullptr;
  rd_kafka_t* rk = new_client(RD_KAFKA_PRODUCER, std::move(conf), error);
  if (rk == nullptr) return nullptr;
  rd_kafka_mock_cluster_t* mcluster = rd_kafka_mock_cluster_new(rk, 1);
  if (mcluster == nullptr) {
    rd_kafka_destroy(rk);
    error = "kafka: could not start the embedded (mock) cluster";
    return nullptr;
  }
  // The mock advertises Metadata v0-2 by default, and before v4 a request cannot say
  // "do not create": every topic a client asks about would spring into existence. It
  // handles v4, where clients send allow.auto.create.topics=false like to a real broker.
  rd_kafka_mock_set_apiversion(mcluster, kMetadataApiKey, 0, 4);
  return std::unique_ptr<EmbeddedCluster>(new EmbeddedCluster(rk, mcluster));
}

EmbeddedCluster::EmbeddedCluster(rd_kafka_t* rk, rd_kafka_mock_cluster_t* mcluster)
    : rk_(rk), mcluster_(mcluster), bootstrap_(rd_kafka_mock_cluster_bootstraps(mcluster)) {}

EmbeddedCluster::~EmbeddedCluster() {
  rd_kafka_mock_cluster_destroy(mcluster_);
  rd_kafka_destroy(rk_);
}

bool EmbeddedCluster::create_topic(const std::string& topic, int partitions, std::string& error) {
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(mcluster_, topic.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    error = "kafka: embedded cluster could not create topic " + topic + ": " + error_text(err);
    return false;
  }
  return true;
}

}  // namespace eventstreams::kafka
