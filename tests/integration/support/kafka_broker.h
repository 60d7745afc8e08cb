// The Kafka broker that a test binary's integration tests share, with topic helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

typedef struct rd_kafka_s rd_kafka_t;

namespace eventstreams::testing {

class KafkaBroker {
 public:
  using Duration = std::chrono::milliseconds;

  // The process-wide broker. On first use it starts one with scripts/kafka.sh in a temporary
  // directory (fetching the jars on the first run on a machine) and arranges that it stops when
  // the process exits (atexit; a watchdog kills it if the process dies otherwise). With
  // ES_KAFKA_BOOTSTRAP set in the environment it uses that broker instead and manages nothing;
  // likewise with ES_KAFKA_BOOTSTRAP_FILE naming an existing file that holds the address (the
  // ctest fixture of kafka_tests.cmake).
  // Throws std::runtime_error (with the broker's log tail) if the broker cannot be started;
  // later calls rethrow at once.
  static KafkaBroker& shared();

  // A broker of the caller's own (scripts/kafka.sh in a temporary directory, on free ports),
  // for tests that stop, kill and restart it; stopped and removed on destruction. Throws
  // std::runtime_error if it cannot be started.
  static std::unique_ptr<KafkaBroker> start_own();
  // Own broker only: SIGKILL to the broker process (no clean shutdown: the log is recovered
  // on the next start), returning once it is gone.
  void kill();
  // Own broker only: SIGTERM, returning once it has stopped (SIGKILL after 15 s).
  void stop_process();
  // Own broker only, after kill() or stop_process(): starts it again on the same data
  // directory and the same port, returning once it answers a metadata request.
  void restart();

  // "127.0.0.1:PORT".
  const std::string& bootstrap() const { return bootstrap_; }

  // A topic name no other test uses: `prefix` (made topic-safe) plus pid, counter and random.
  std::string unique_topic(std::string_view prefix = "test");

  // Creates a topic (replication factor 1) with optional topic configs (e.g. retention.ms),
  // then waits until the metadata shows a leader for every partition and each partition
  // answers an offsets query. Throws std::runtime_error on failure or timeout.
  void create_topic(const std::string& name, int partitions,
                    const std::map<std::string, std::string>& config = {},
                    Duration timeout = std::chrono::seconds(30));
  // unique_topic(prefix) + create_topic; returns the name.
  std::string create_unique_topic(std::string_view prefix, int partitions,
                                  const std::map<std::string, std::string>& config = {});
  // Deletes a topic and waits until the metadata no longer lists it.
  void delete_topic(const std::string& name, Duration timeout = std::chrono::seconds(30));
  // Deletes the records of topic/partition below `offset` (the log start becomes `offset`),
  // to simulate events aged out by retention.
  void delete_records(const std::string& topic, int32_t partition, int64_t offset,
                      Duration timeout = std::chrono::seconds(30));
  // {low, high} watermarks (log start offset, next offset) of topic/partition.
  std::pair<int64_t, int64_t> watermarks(const std::string& topic, int32_t partition,
                                         Duration timeout = std::chrono::seconds(10));

  ~KafkaBroker();
  KafkaBroker(const KafkaBroker&) = delete;
  KafkaBroker& operator=(const KafkaBroker&) = delete;

 private:
  KafkaBroker() = default;
  void start();
  // scripts/kafka.sh start in data_dir_ on `port` (0: free ports); sets bootstrap_.
  void launch(const std::string& port);
  void stop();
  rd_kafka_t* admin();
  static void stop_at_exit();

  std::string bootstrap_;
  std::string data_dir_;  // empty when the broker is external
  std::mutex mu_;
  rd_kafka_t* admin_ = nullptr;
};

}  // namespace eventstreams::testing
