// A source for engine and hub tests: its readers deliver whatever the test pushes, honour the
// positions they are opened at, wake the loop through an eventfd, and can be made to fail.
// Topic "t" has one partition; any other topic does not exist.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "eventstreams/source.h"

namespace eventstreams::streaming::testing_support {

struct RawMessage {
  std::string topic;
  std::int32_t partition;
  std::int64_t offset;
  std::int64_t timestamp;
  std::string value;
};

// A source whose readers deliver whatever the test pushes, and can be made to fail.
class FakeSource final : public SourceFactory {
 public:
  class Reader final : public SourceReader {
   public:
    Reader(FakeSource& src, std::vector<StartPosition> starts)
        : src_(src), starts_(std::move(starts)), fd_(eventfd(0, EFD_NONBLOCK)) {
      ++src_.open_;
    }
    ~Reader() override {
      std::lock_guard lock(src_.mutex_);
      std::erase(src_.readers_, this);
      close(fd_);
      --src_.open_;
    }
    int notify_fd() const noexcept override { return fd_; }
    SourceStatus poll(EventBatch& batch, std::size_t max) noexcept override {
      std::lock_guard lock(src_.mutex_);
      if (!src_.error_.empty()) return {SourceStatus::Code::kError, src_.error_};
      while (next_ < src_.log_.size() && batch.events.size() < max) {
        const RawMessage& m = src_.log_[next_++];
        if (before_start(m)) continue;
        Event e;
        auto it = std::find(batch.topics.begin(), batch.topics.end(), m.topic);
        if (it == batch.topics.end()) {
          batch.topics.push_back(m.topic);
          it = batch.topics.end() - 1;
        }
        e.topic = static_cast<std::uint32_t>(it - batch.topics.begin());
        e.partition = m.partition;
        e.offset = m.offset;
        e.timestamp = m.timestamp;
        e.value = batch.store(m.value);
        batch.events.push_back(e);
      }
      return {};
    }
    bool at_head() const noexcept override {
      std::lock_guard lock(src_.mutex_);
      return next_ >= src_.log_.size();
    }
    void notify() {
      const std::uint64_t one = 1;
      [[maybe_unused]] auto n = write(fd_, &one, sizeof one);
    }

   private:
    bool before_start(const RawMessage& m) const {
      for (const auto& s : starts_) {
        if (s.topic == m.topic && s.partition == m.partition) return m.offset < s.offset;
      }
      return true;  // not a partition it reads
    }
    FakeSource& src_;
    std::vector<StartPosition> starts_;
    int fd_;
    std::size_t next_ = 0;
  };

  SourceStatus start(const std::vector<std::string>&) noexcept override { return {}; }
  // Topic "t" has one partition; any other topic does not exist.
  SourceStatus describe(const std::vector<std::string>& topics, std::vector<TopicPartitions>& out,
                        int) noexcept override {
    for (const auto& t : topics) {
      if (t != "t") return {SourceStatus::Code::kTopicNotFound, "no topic " + t};
      out.push_back({t, 1});
    }
    return {};
  }
  // The end is the offset after the last pushed event; a timestamp finds the first event at
  // or after it; offsets before the first event are truncated to it.
  SourceStatus resolve(const std::vector<StartSpec>& specs, std::vector<StartPosition>& out,
                       int) noexcept override {
    std::lock_guard lock(mutex_);
    ++resolves_;
    for (const auto& s : specs) {
      std::int64_t first = -1, end = 0, at_time = -1;
      for (const auto& m : log_) {
        if (m.topic != s.topic || m.partition != s.partition) continue;
        if (first < 0) first = m.offset;
        end = m.offset + 1;
        if (at_time < 0 && m.timestamp >= s.value) at_time = m.offset;
      }
      if (first < 0) first = 0;
      StartPosition p{s.topic, s.partition, end, false};
      switch (s.kind) {
        case StartSpec::Kind::kLatest:
          break;
        case StartSpec::Kind::kEarliest:
          p.offset = first;
          break;
        case StartSpec::Kind::kOffset:
          p.offset = std::clamp(s.value, first, end);
          p.truncated = s.value < first;
          break;
        case StartSpec::Kind::kTimestamp:
          p.offset = at_time < 0 ? end : at_time;
          break;
      }
      out.push_back(p);
    }
    return {};
  }
  SourceStatus open(const std::vector<StartPosition>& positions,
                    std::unique_ptr<SourceReader>& out) noexcept override {
    auto r = std::make_unique<Reader>(*this, positions);
    std::lock_guard lock(mutex_);
    readers_.push_back(r.get());
    out = std::move(r);
    return {};
  }
  std::string cluster_id() const noexcept override { return "fake"; }
  bool healthy(int) noexcept override { return true; }
  std::size_t open_readers() const noexcept override { return open_.load(); }
  // How often a start position was asked of the source.
  int resolves() {
    std::lock_guard lock(mutex_);
    return resolves_;
  }

  void push(RawMessage m) {
    std::lock_guard lock(mutex_);
    log_.push_back(std::move(m));
    notify_all();
  }
  void fail(std::string message) {
    std::lock_guard lock(mutex_);
    error_ = std::move(message);
    notify_all();
  }

 private:
  // Under the mutex, which a reader takes to leave the list: a destroyed one is never
  // notified (the engine drops readers it does not need, e.g. of a hub created meanwhile).
  void notify_all() {
    for (auto* r : readers_) r->notify();
  }
  std::mutex mutex_;
  std::vector<RawMessage> log_;
  std::vector<Reader*> readers_;
  std::string error_;
  int resolves_ = 0;
  std::atomic<int> open_{0};
};

}  // namespace eventstreams::streaming::testing_support
