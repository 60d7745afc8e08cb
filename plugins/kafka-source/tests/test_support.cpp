#include "test_support.h"

#include <poll.h>
#include <unistd.h>

#include <array>

namespace eventstreams::kafka::test {

namespace {

void count_failures(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<int*>(opaque);
}

}  // namespace

int produce(const std::string& bootstrap, const std::string& topic,
            const std::vector<TestMessage>& messages) {
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err.data(), err.size());
  rd_kafka_conf_set(conf, "linger.ms", "0", err.data(), err.size());
  int failures = 0;
  rd_kafka_conf_set_opaque(conf, &failures);
  rd_kafka_conf_set_dr_msg_cb(conf, &count_failures);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
  if (rk == nullptr) return static_cast<int>(messages.size());
  for (const auto& m : messages) {
    rd_kafka_resp_err_t e;
    if (m.key) {
      e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(m.partition),
                            RD_KAFKA_V_KEY(m.key->data(), m.key->size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()),
                            RD_KAFKA_V_TIMESTAMP(m.timestamp),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    } else {
      e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(m.partition),
                            RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()),
                            RD_KAFKA_V_TIMESTAMP(m.timestamp),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    }
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) ++failures;
    // One message per request keeps the produce order the offset order per partition even
    // across retries.
    rd_kafka_flush(rk, 10000);
  }
  if (rd_kafka_flush(rk, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) ++failures;
  rd_kafka_destroy(rk);
  return failures;
}

ReadResult read_events(SourceReader& reader, std::size_t want, std::chrono::milliseconds timeout,
                       std::size_t max_per_poll) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  ReadResult result;
  EventBatch batch;
  while (result.events.size() < want) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{reader.notify_fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    std::array<char, 64> buf{};
    while (::read(p.fd, buf.data(), buf.size()) > 0) {
    }
    for (;;) {
      batch.clear();
      SourceStatus s = reader.poll(batch, max_per_poll);
      ++result.polls;
      for (const auto& e : batch.events) {
        result.events.push_back(ReadEvent{std::string(batch.topic(e)), e.partition, e.offset,
                                          e.timestamp, e.has_key, std::string(batch.key(e)),
                                          std::string(batch.value(e))});
      }
      if (!s.ok()) {
        result.status = s;
        return result;
      }
      if (batch.events.size() < max_per_poll) break;
    }
  }
  return result;
}

std::string broker_config(const std::string& bootstrap, const std::string& extra) {
  std::string json =
      R"({"kafka":{"bootstrap.servers":")" + bootstrap + R"(","fetch.wait.max.ms":10)";
  if (!extra.empty()) json += "," + extra;
  return json + "}}";
}

}  // namespace eventstreams::kafka::test
