#include "support/producer.h"

#include <librdkafka/rdkafka.h>

#include <stdexcept>

#include "support/deadline.h"
#include "support/kafka_broker.h"

namespace eventstreams::testing {

Producer::Producer() : Producer(KafkaBroker::shared().bootstrap()) {}

Producer::Producer(const std::string& bootstrap) : Producer(bootstrap, {}) {}

Producer::Producer(const std::string& bootstrap, const std::map<std::string, std::string>& config) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* k, const char* v) {
    if (rd_kafka_conf_set(conf, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("producer config ") + k + ": " + errstr);
    }
  };
  set("bootstrap.servers", bootstrap.c_str());
  set("client.id", "es-test-producer");
  set("acks", "all");
  set("linger.ms", "0");
  set("enable.idempotence", "true");  // keeps order, no duplicates on retry
  set("message.timeout.ms", "30000");
  set("log_level", "3");
  for (const auto& [k, v] : config) set(k.c_str(), v.c_str());
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* rk, const rd_kafka_message_t* msg,
                                       void* opaque) { on_delivery(rk, msg, opaque); });
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk_) throw std::runtime_error(std::string("producer: ") + errstr);
}

Producer::~Producer() {
  if (rk_) {
    rd_kafka_flush(rk_, 10000);
    rd_kafka_destroy(rk_);
  }
}

int64_t Producer::produce(const std::string& topic, int32_t partition, std::string_view value,
                          std::optional<std::string_view> key, std::optional<int64_t> timestamp_ms,
                          Duration timeout) {
  ProduceMessage m{topic, partition, std::string(value),
                   key ? std::optional<std::string>(std::string(*key)) : std::nullopt,
                   timestamp_ms};
  return produce_many_detailed({m}, timeout).front().offset;
}

std::vector<int64_t> Producer::produce_many(const std::vector<ProduceMessage>& messages,
                                            Duration timeout) {
  std::vector<int64_t> offsets;
  for (const Delivery& d : produce_many_detailed(messages, timeout)) offsets.push_back(d.offset);
  return offsets;
}

void Producer::on_delivery(rd_kafka_t*, const void* message, void* opaque) {
  const auto* msg = static_cast<const rd_kafka_message_t*>(message);
  auto* self = static_cast<Producer*>(opaque);
  auto it = self->pending_.find(reinterpret_cast<uintptr_t>(msg->_private));
  if (it == self->pending_.end()) return;
  Pending& p = it->second;
  p.delivered = true;
  p.err = msg->err;
  p.delivery.partition = msg->partition;
  p.delivery.offset = msg->offset;
  rd_kafka_timestamp_type_t type;
  p.delivery.timestamp_ms = rd_kafka_message_timestamp(msg, &type);
}

std::vector<Delivery> Producer::produce_many_detailed(const std::vector<ProduceMessage>& messages,
                                                      Duration timeout) {
  return send(messages, false, timeout);
}

int64_t Producer::produce_tombstone(const std::string& topic, int32_t partition,
                                    std::optional<std::string_view> key, Duration timeout) {
  ProduceMessage m{topic, partition, "",
                   key ? std::optional<std::string>(std::string(*key)) : std::nullopt,
                   std::nullopt};
  return send({m}, true, timeout).front().offset;
}

std::vector<Delivery> Producer::send(const std::vector<ProduceMessage>& messages, bool null_values,
                                     Duration timeout) {
  const auto deadline = deadline_after(timeout);
  std::vector<uint64_t> ids;
  struct Forget {  // whatever happens, these ids are no longer awaited afterwards
    Producer* self;
    std::vector<uint64_t>* ids;
    ~Forget() {
      for (uint64_t id : *ids) self->pending_.erase(id);
    }
  } forget{this, &ids};

  for (const ProduceMessage& m : messages) {
    const uint64_t id = next_id_++;
    pending_[id];
    ids.push_back(id);
    const void* key = m.key ? m.key->data() : nullptr;
    const size_t key_len = m.key ? m.key->size() : 0;
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk_, RD_KAFKA_V_TOPIC(m.topic.c_str()), RD_KAFKA_V_PARTITION(m.partition),
          RD_KAFKA_V_VALUE(null_values ? nullptr : const_cast<char*>(m.value.data()),
                           null_values ? 0 : m.value.size()),
          RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_TIMESTAMP(m.timestamp_ms.value_or(0)),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(id))), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && Clock::now() < deadline) {
        rd_kafka_poll(rk_, 100);
        continue;
      }
      if (err) {
        throw std::runtime_error("produce to " + m.topic + "/" + std::to_string(m.partition) +
                                 ": " + rd_kafka_err2str(err));
      }
      break;
    }
  }
  // Delivery reports are served inside rd_kafka_flush, on this thread.
  while (rd_kafka_flush(rk_, poll_timeout_ms(deadline)) == RD_KAFKA_RESP_ERR__TIMED_OUT &&
         Clock::now() < deadline) {
  }
  std::vector<Delivery> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const Pending& p = pending_[ids[i]];
    const std::string where = messages[i].topic + "/" + std::to_string(messages[i].partition);
    if (!p.delivered) throw std::runtime_error("produce to " + where + ": not delivered in time");
    if (p.err) {
      throw std::runtime_error("produce to " + where + ": " +
                               rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(p.err)));
    }
    out.push_back(p.delivery);
  }
  return out;
}

}  // namespace eventstreams::testing
