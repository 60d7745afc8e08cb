#include "support/kafka_broker.h"

#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/deadline.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

#ifndef ES_SOURCE_DIR
#error "ES_SOURCE_DIR must be defined (the source tree, for scripts/kafka.sh)"
#endif

namespace eventstreams::testing {

namespace {

const std::string kScript = std::string(ES_SOURCE_DIR) + "/scripts/kafka.sh";

std::mutex g_instance_mu;
KafkaBroker* g_instance = nullptr;
std::string g_start_error;

std::string err_text(rd_kafka_resp_err_t err) {
  return rd_kafka_err2str(err);
}

// Per-call queue + options for an admin request; waits for the result event.
class AdminCall {
 public:
  AdminCall(rd_kafka_t* rk, rd_kafka_admin_op_t op, KafkaBroker::Duration timeout)
      : queue_(rd_kafka_queue_new(rk)),
        options_(rd_kafka_AdminOptions_new(rk, op)),
        timeout_(timeout) {
    char errstr[256];
    int ms = static_cast<int>(timeout.count());
    rd_kafka_AdminOptions_set_request_timeout(options_, ms, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(options_, ms, errstr, sizeof errstr);
  }
  ~AdminCall() {
    if (event_) rd_kafka_event_destroy(event_);
    rd_kafka_AdminOptions_destroy(options_);
    rd_kafka_queue_destroy(queue_);
  }
  rd_kafka_queue_t* queue() const { return queue_; }
  rd_kafka_AdminOptions_t* options() const { return options_; }
  // Waits for the result; throws on a request-level error.
  rd_kafka_event_t* wait(const std::string& what) {
    event_ = rd_kafka_queue_poll(queue_, static_cast<int>(timeout_.count()) + 5000);
    if (!event_) throw std::runtime_error(what + ": no answer from Kafka");
    if (rd_kafka_event_error(event_)) {
      throw std::runtime_error(what + ": " + rd_kafka_event_error_string(event_));
    }
    return event_;
  }

 private:
  rd_kafka_queue_t* queue_;
  rd_kafka_AdminOptions_t* options_;
  rd_kafka_event_t* event_ = nullptr;
  KafkaBroker::Duration timeout_;
};

// Number of partitions with a leader, or -1 if the topic is not in the metadata.
int partitions_with_leader(rd_kafka_t* rk, const std::string& topic, int* total) {
  const rd_kafka_metadata_t* md = nullptr;
  *total = 0;
  if (rd_kafka_metadata(rk, 1, nullptr, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  int result = -1;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) break;
    result = 0;
    *total = t.partition_cnt;
    for (int p = 0; p < t.partition_cnt; ++p) {
      if (t.partitions[p].leader >= 0 && t.partitions[p].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++result;
      }
    }
  }
  rd_kafka_metadata_destroy(md);
  return result;
}

// Metadata is polled: between attempts, a short pause (the broker applies it asynchronously).
void backoff() {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace

KafkaBroker& KafkaBroker::shared() {
  std::lock_guard lock(g_instance_mu);
  if (g_instance) return *g_instance;
  if (!g_start_error.empty()) throw std::runtime_error(g_start_error);
  auto* broker = new KafkaBroker();
  try {
    broker->start();
  } catch (const std::exception& e) {
    g_start_error = e.what();
    delete broker;
    throw;
  }
  g_instance = broker;
  std::atexit(&KafkaBroker::stop_at_exit);
  return *g_instance;
}

void KafkaBroker::stop_at_exit() {
  std::lock_guard lock(g_instance_mu);
  delete g_instance;
  g_instance = nullptr;
}

void KafkaBroker::start() {
  if (const char* external = std::getenv("ES_KAFKA_BOOTSTRAP"); external && *external) {
    bootstrap_ = external;
    return;
  }
  // The broker of the ctest fixture (kafka_tests.cmake), when it is up.
  if (const char* file = std::getenv("ES_KAFKA_BOOTSTRAP_FILE"); file && *file) {
    std::ifstream in(file);
    std::string line;
    if (in && std::getline(in, line) && !line.empty()) {
      bootstrap_ = line;
      return;
    }
    std::cerr << "[kafka] " << file << " is missing (fixture not run); starting a broker\n";
  }
  TempDir dir("es-kafka-");
  dir.keep();
  data_dir_ = dir.path();
  launch("0");
}

void KafkaBroker::launch(const std::string& port) {
  const auto started = Clock::now();
  RunResult r =
      run_capture({kScript, "start", data_dir_, port}, std::chrono::seconds(300),
                  {"KAFKA_OWNER_PID=" + std::to_string(::getpid()), "KAFKA_OWNER_CLEANUP=1"});
  const std::string marker = "bootstrap=";
  size_t pos = r.output.find(marker);
  if (r.exit_code != 0 || r.timed_out || pos == std::string::npos) {
    run_capture({kScript, "stop", data_dir_}, std::chrono::seconds(30));
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
    data_dir_.clear();
    throw std::runtime_error("scripts/kafka.sh start failed (exit " + std::to_string(r.exit_code) +
                             (r.timed_out ? ", timed out" : "") + "):\n" + r.output);
  }
  size_t end = r.output.find('\n', pos);
  bootstrap_ = r.output.substr(pos + marker.size(),
                               end == std::string::npos ? end : end - pos - marker.size());
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  std::cerr << "[kafka] broker " << bootstrap_ << " started in " << ms << " ms (" << data_dir_
            << ")\n";
}

std::unique_ptr<KafkaBroker> KafkaBroker::start_own() {
  std::unique_ptr<KafkaBroker> broker(new KafkaBroker());
  TempDir dir("es-kafka-own-");
  dir.keep();
  broker->data_dir_ = dir.path();
  broker->launch("0");
  return broker;
}

void KafkaBroker::kill() {
  if (data_dir_.empty()) throw std::runtime_error("kill: not a broker of this process's own");
  std::ifstream in(data_dir_ + "/pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0) throw std::runtime_error("kill: no broker pid in " + data_dir_);
  const std::string proc = "/proc/" + std::to_string(pid);
  auto ours = [&] {
    std::ifstream f(proc + "/cmdline");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return text.find(data_dir_ + "/server.properties") != std::string::npos;
  };
  // Gone once reaped, or a zombie: only then are its descriptors (the listening socket, the
  // log directory's lock) closed. Its command line goes earlier, with its memory.
  auto gone = [&] {
    std::ifstream f(proc + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');
    if (!f || paren == std::string::npos || paren + 2 >= stat.size()) return true;
    const char state = stat[paren + 2];
    return state == 'Z' || state == 'X';
  };
  if (!ours()) throw std::runtime_error("kill: the broker is not running");
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  const auto deadline = deadline_after(std::chrono::seconds(30));
  // The leader thread can be a zombie while the others still exit: also wait until nothing
  // listens on the broker's port any more.
  const int port = std::stoi(bootstrap_.substr(bootstrap_.rfind(':') + 1));
  auto listening = [&] {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return true;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return connected;
  };
  while (!gone() || listening()) {
    if (Clock::now() >= deadline) throw std::runtime_error("kill: the broker is still running");
    backoff();
  }
  // Lets the watchdog go and forgets the pid (the broker is no longer there to stop).
  run_capture({kScript, "stop", data_dir_}, std::chrono::seconds(30));
}

void KafkaBroker::stop_process() {
  if (data_dir_.empty())
    throw std::runtime_error("stop_process: not a broker of this process's own");
  RunResult r = run_capture({kScript, "stop", data_dir_}, std::chrono::seconds(60));
  if (r.exit_code != 0) throw std::runtime_error("scripts/kafka.sh stop failed: " + r.output);
}

void KafkaBroker::restart() {
  if (data_dir_.empty()) throw std::runtime_error("restart: not a broker of this process's own");
  const size_t colon = bootstrap_.rfind(':');
  launch(bootstrap_.substr(colon + 1));
}

void KafkaBroker::stop() {
  if (admin_) {
    rd_kafka_destroy(admin_);
    admin_ = nullptr;
  }
  if (data_dir_.empty()) return;
  RunResult r = run_capture({kScript, "stop", data_dir_}, std::chrono::seconds(60));
  if (r.exit_code != 0) std::cerr << "[kafka] stop failed: " << r.output << "\n";
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
  data_dir_.clear();
}

KafkaBroker::~KafkaBroker() {
  stop();
}

rd_kafka_t* KafkaBroker::admin() {
  if (admin_) return admin_;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("admin client config ") + k + ": " + errstr);
    }
  };
  set("bootstrap.servers", bootstrap_);
  set("client.id", "es-test-admin");
  set("log_level", "3");
  admin_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!admin_) throw std::runtime_error(std::string("admin client: ") + errstr);
  return admin_;
}

std::string KafkaBroker::unique_topic(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string name;
  for (char c : prefix) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    name += ok ? c : '-';
  }
  if (name.empty()) name = "test";
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, "-%d-%u-%06llx", static_cast<int>(::getpid()),
                counter.fetch_add(1), static_cast<unsigned long long>(rng() & 0xffffff));
  name = name.substr(0, 200) + suffix;
  return name;
}

void KafkaBroker::create_topic(const std::string& name, int partitions,
                               const std::map<std::string, std::string>& config, Duration timeout) {
  std::lock_guard lock(mu_);
  rd_kafka_t* rk = admin();
  const auto deadline = deadline_after(timeout);
  char errstr[512];
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(name.c_str(), partitions, 1, errstr, sizeof errstr);
  if (!topic) throw std::runtime_error("create_topic " + name + ": " + errstr);
  for (const auto& [k, v] : config) {
    rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(topic, k.c_str(), v.c_str());
    if (err) {
      rd_kafka_NewTopic_destroy(topic);
      throw std::runtime_error("create_topic " + name + ": config " + k + ": " + err_text(err));
    }
  }
  {
    AdminCall call(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
    rd_kafka_CreateTopics(rk, &topic, 1, call.options(), call.queue());
    rd_kafka_NewTopic_destroy(topic);
    rd_kafka_event_t* ev = call.wait("create_topic " + name);
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
      if (rd_kafka_topic_result_error(results[i])) {
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        throw std::runtime_error("create_topic " + name + ": " +
                                 (msg ? msg : err_text(rd_kafka_topic_result_error(results[i]))));
      }
    }
  }
  // Wait for every partition's leader, then for each partition to answer an offsets query.
  for (;;) {
    int total = 0;
    int led = partitions_with_leader(rk, name, &total);
    if (total == partitions && led == partitions) break;
    if (Clock::now() >= deadline) {
      throw std::runtime_error("create_topic " + name + ": only " + std::to_string(led) + " of " +
                               std::to_string(partitions) + " partitions have a leader");
    }
    backoff();
  }
  for (int p = 0; p < partitions; ++p) {
    for (;;) {
      int64_t lo = 0, hi = 0;
      rd_kafka_resp_err_t err =
          rd_kafka_query_watermark_offsets(rk, name.c_str(), p, &lo, &hi, 5000);
      if (!err) break;
      if (Clock::now() >= deadline) {
        throw std::runtime_error("create_topic " + name + ": partition " + std::to_string(p) +
                                 " offsets: " + err_text(err));
      }
      backoff();
    }
  }
}

std::string KafkaBroker::create_unique_topic(std::string_view prefix, int partitions,
                                             const std::map<std::string, std::string>& config) {
  std::string name = unique_topic(prefix);
  create_topic(name, partitions, config);
  return name;
}

void KafkaBroker::delete_topic(const std::string& name, Duration timeout) {
  std::lock_guard lock(mu_);
  rd_kafka_t* rk = admin();
  const auto deadline = deadline_after(timeout);
  {
    rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(name.c_str());
    AdminCall call(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout);
    rd_kafka_DeleteTopics(rk, &topic, 1, call.options(), call.queue());
    rd_kafka_DeleteTopic_destroy(topic);
    rd_kafka_event_t* ev = call.wait("delete_topic " + name);
    const rd_kafka_DeleteTopics_result_t* res = rd_kafka_event_DeleteTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_DeleteTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
      if (rd_kafka_topic_result_error(results[i])) {
        throw std::runtime_error("delete_topic " + name + ": " +
                                 err_text(rd_kafka_topic_result_error(results[i])));
      }
    }
  }
  for (;;) {
    int total = 0;
    if (partitions_with_leader(rk, name, &total) < 0) return;
    if (Clock::now() >= deadline) {
      throw std::runtime_error("delete_topic " + name + ": still in the metadata");
    }
    backoff();
  }
}

void KafkaBroker::delete_records(const std::string& topic, int32_t partition, int64_t offset,
                                 Duration timeout) {
  std::lock_guard lock(mu_);
  rd_kafka_t* rk = admin();
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(offsets, topic.c_str(), partition)->offset = offset;
  rd_kafka_DeleteRecords_t* del = rd_kafka_DeleteRecords_new(offsets);
  rd_kafka_topic_partition_list_destroy(offsets);
  AdminCall call(rk, RD_KAFKA_ADMIN_OP_DELETERECORDS, timeout);
  rd_kafka_DeleteRecords(rk, &del, 1, call.options(), call.queue());
  rd_kafka_DeleteRecords_destroy(del);
  const std::string what =
      "delete_records " + topic + "/" + std::to_string(partition) + " < " + std::to_string(offset);
  rd_kafka_event_t* ev = call.wait(what);
  const rd_kafka_topic_partition_list_t* res =
      rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
  for (int i = 0; res && i < res->cnt; ++i) {
    if (res->elems[i].err) throw std::runtime_error(what + ": " + err_text(res->elems[i].err));
  }
}

std::pair<int64_t, int64_t> KafkaBroker::watermarks(const std::string& topic, int32_t partition,
                                                    Duration timeout) {
  std::lock_guard lock(mu_);
  int64_t lo = 0, hi = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      admin(), topic.c_str(), partition, &lo, &hi, static_cast<int>(timeout.count()));
  if (err) {
    throw std::runtime_error("watermarks " + topic + "/" + std::to_string(partition) + ": " +
                             err_text(err));
  }
  return {lo, hi};
}

}  // namespace eventstreams::testing
