// The fixture of the Kafka source tests on librdkafka's mock cluster: one cluster per test
// suite (tearing one down takes the mock about a second), pointed at like a real broker, and
// two topics per test named after it, so that tests do not see each other's events.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "embedded_cluster.h"

namespace eventstreams::kafka::test {

class MockClusterFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    cluster_ = EmbeddedCluster::create(nullptr, error).release();
    ASSERT_NE(cluster_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  // t1_ ("<prefix>1-<test>", 1 partition) and t2_ ("<prefix>2-<test>", 2 partitions).
  void make_topics(const std::string& prefix) {
    ASSERT_NE(cluster_, nullptr);
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    t1_ = prefix + "1-" + name;
    t2_ = prefix + "2-" + name;
    std::string error;
    ASSERT_TRUE(cluster_->create_topic(t1_, 1, error)) << error;
    ASSERT_TRUE(cluster_->create_topic(t2_, 2, error)) << error;
  }
  static const std::string& bootstrap() { return cluster_->bootstrap_servers(); }

  inline static EmbeddedCluster* cluster_ = nullptr;
  std::string t1_;
  std::string t2_;
};

}  // namespace eventstreams::kafka::test
