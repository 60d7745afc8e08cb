// One client's socket once its response headers are out: a queue of byte slices written with
// vectored I/O, coalescing whatever accumulated since the last write into one system call.
//
// Slices point into buffers shared with every other client of the same group (the bytes of
// an event are encoded once); the shared_ptr keeps a buffer alive until every client that
// queued it has written it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "streaming/event_loop.h"
#include "streaming/stream_plan.h"

namespace eventstreams::streaming {

class ClientConnection;

// Told when a connection drains or ends; implemented by the hub that feeds it.
class ConnectionOwner {
 public:
  // After a write that left at most the connection's drain mark unsent.
  virtual void on_drained(ClientConnection& c) = 0;
  virtual void on_closed(ClientConnection& c) = 0;

 protected:
  ~ConnectionOwner() = default;
};

using SharedBytes = std::shared_ptr<const std::string>;

class ClientConnection final : public IoWatcher {
 public:
  // Takes ownership of `fd` (a connected, already non-blocking socket).
  ClientConnection(EventLoop& loop, int fd, ClientInfo client, http::ConnectionSlot slot);
  ~ClientConnection() override;

  void set_owner(ConnectionOwner* owner) { owner_ = owner; }
  // The owner hears on_drained() once no more than `bytes` wait unsent (default 0). A mark
  // above zero lets a producer refill before the socket runs dry.
  void set_drain_mark(std::size_t bytes) { drain_mark_ = bytes; }

  // Queues bytes [offset, offset + length) of `buffer`.
  void enqueue(const SharedBytes& buffer, std::size_t offset, std::size_t length);
  void enqueue(const SharedBytes& buffer) { enqueue(buffer, 0, buffer->size()); }
  // Writes as much as the socket takes now; the rest goes when it is writable.
  void flush();
  // Sends the end of the chunked body after what is queued, then closes.
  void finish();
  // Closes now, dropping what is queued; tells the owner once.
  void close(const char* reason);

  void on_io(std::uint32_t events) override;

  bool open() const { return fd_ >= 0; }
  std::size_t pending_bytes() const { return pending_bytes_; }
  std::int64_t last_send_ms() const { return last_send_ms_; }
  const ClientInfo& client() const { return client_; }

  // Bookkeeping for the hub.
  std::uint64_t events_sent = 0;
  std::size_t group_index = 0;  // position in its group's member list
  void* group = nullptr;        // the group it belongs to
  const char* close_reason = "";

 private:
  struct Slice {
    SharedBytes owner;
    const char* data;
    std::size_t length;
  };
  void update_interest();

  EventLoop& loop_;
  int fd_;
  ClientInfo client_;
  http::ConnectionSlot slot_;
  ConnectionOwner* owner_ = nullptr;
  std::deque<Slice> queue_;
  std::size_t pending_bytes_ = 0;
  std::size_t drain_mark_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::int64_t last_send_ms_ = 0;
  bool want_write_ = false;
  bool finishing_ = false;
};

}  // namespace eventstreams::streaming
