// One client's socket once its response headers are out: a queue of byte slices written with
// vectored I/O, coalescing whatever accumulated since the last write into one system call.
//
// Slices point into buffers shared with every other client of the same group (the bytes of
// an event are encoded once); the shared_ptr keeps a buffer alive until every client that
// queued it has written it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "pipeline/content_coding.h"
#include "pipeline/group_compressor.h"
#include "pipeline/shared_chunk.h"
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

using pipeline::SharedBytes;

// Back-pressure, in one place: two marks of unsent bytes on each connection.
// - Above `high`, the hub that feeds the connection reacts. A live hub drops it (the client
//   resumes with its last id): one slow reader must not hold back a stream shared by many. A
//   private hub pauses its reader instead: it serves this client alone, so it waits.
// - Once a write leaves at most `low` unsent, the owner hears on_drained(), and a paused
//   reader reads on. A low mark above zero lets it refill before the socket runs dry.
struct Watermarks {
  std::size_t high = SIZE_MAX;
  std::size_t low = 0;

  // A live client may have client_buffer_bytes unsent before it is dropped.
  static Watermarks live(std::size_t client_buffer_bytes) { return {client_buffer_bytes, 0}; }
  // A catch-up client's reader pauses at half of client_buffer_bytes unsent (plus at most one
  // batch) and reads on at a quarter.
  static Watermarks catch_up(std::size_t client_buffer_bytes) {
    return {client_buffer_bytes / 2, client_buffer_bytes / 4};
  }
};

class ClientConnection final : public IoWatcher {
 public:
  // Takes ownership of `fd` (a connected, already non-blocking socket).
  ClientConnection(EventLoop& loop, int fd, ClientInfo client, http::ConnectionSlot slot);
  ~ClientConnection() override;

  void set_owner(ConnectionOwner* owner) { owner_ = owner; }
  void set_watermarks(Watermarks marks) { marks_ = marks; }
  bool above_high_watermark() const { return pending_bytes_ > marks_.high; }
  bool at_or_below_low_watermark() const { return pending_bytes_ <= marks_.low; }

  // Queues bytes [offset, offset + length) of `buffer`.
  void enqueue(const SharedBytes& buffer, std::size_t offset, std::size_t length);
  void enqueue(const SharedBytes& buffer) { enqueue(buffer, 0, buffer->size()); }
  void enqueue(const pipeline::Chunk& chunk) { enqueue(chunk.bytes, chunk.start, chunk.length); }

  // A compressed body (Accept-Encoding): its header and preamble are already sent; from then
  // on it is sent compressed pieces, whose checksums it keeps, and finish() ends it with its
  // own trailer.
  void set_coding(const pipeline::CodedStream& coded) { coded_ = coded; }
  bool compressed() const { return coded_.compressed(); }
  // Queues a compressed piece (a compressed connection only).
  void enqueue(const pipeline::CompressedChunk& piece);
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
  Watermarks marks_;
  pipeline::CodedStream coded_;
  std::uint64_t bytes_sent_ = 0;
  std::int64_t last_send_ms_ = 0;
  bool want_write_ = false;
  bool finishing_ = false;
};

}  // namespace eventstreams::streaming
