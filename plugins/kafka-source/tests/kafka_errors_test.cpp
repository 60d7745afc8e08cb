#include "kafka_errors.h"

#include <gtest/gtest.h>

namespace eventstreams::kafka {
namespace {

using Code = SourceStatus::Code;

TEST(KafkaErrors, RequestErrorsMapToStatusCodes) {
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR__TIMED_OUT), Code::kTimeout);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT), Code::kTimeout);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR__TRANSPORT), Code::kUnavailable);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN), Code::kUnavailable);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED), Code::kUnavailable);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART), Code::kTopicNotFound);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION), Code::kTopicNotFound);
  EXPECT_EQ(request_error_code(RD_KAFKA_RESP_ERR_INVALID_MSG), Code::kError);
}

TEST(KafkaErrors, RequestErrorSaysWhatAndWhy) {
  const SourceStatus s = request_error(RD_KAFKA_RESP_ERR__TIMED_OUT, "metadata for topic t");
  EXPECT_EQ(s.code, Code::kTimeout);
  EXPECT_NE(s.message.find("metadata for topic t"), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("_TIMED_OUT"), std::string::npos) << s.message;
  // Never "ok" even for a zero code.
  EXPECT_FALSE(request_error(RD_KAFKA_RESP_ERR_NO_ERROR, "x").ok());
}

TEST(KafkaErrors, TransientConsumeErrors) {
  for (auto err :
       {RD_KAFKA_RESP_ERR__PARTITION_EOF, RD_KAFKA_RESP_ERR__TRANSPORT,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TIMED_OUT,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED}) {
    EXPECT_TRUE(is_transient_consume_error(err)) << rd_kafka_err2name(err);
  }
}

TEST(KafkaErrors, FatalConsumeErrors) {
  for (auto err : {RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
                   RD_KAFKA_RESP_ERR__AUTHENTICATION, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                   RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE, RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET,
                   RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR__BAD_MSG}) {
    EXPECT_FALSE(is_transient_consume_error(err)) << rd_kafka_err2name(err);
  }
}

}  // namespace
}  // namespace eventstreams::kafka
