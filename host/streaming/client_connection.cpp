#include "streaming/client_connection.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace eventstreams::streaming {
namespace {

const SharedBytes& chunked_terminator() {
  static const SharedBytes bytes = std::make_shared<const std::string>("0\r\n\r\n");
  return bytes;
}

constexpr std::uint32_t kReadInterest = EPOLLIN | EPOLLRDHUP;

}  // namespace

ClientConnection::ClientConnection(EventLoop& loop, int fd, ClientInfo client,
                                   http::ConnectionSlot slot)
    : loop_(loop), fd_(fd), client_(std::move(client)), slot_(std::move(slot)) {
  last_send_ms_ = loop_.now_ms();
  if (loop_.watch(fd_, kReadInterest, this)) close("watch failed");
}

ClientConnection::~ClientConnection() {
  if (fd_ >= 0) {
    loop_.unwatch(fd_);
    ::close(fd_);
  }
}

void ClientConnection::enqueue(const SharedBytes& buffer, std::size_t offset, std::size_t length) {
  if (fd_ < 0 || finishing_ || length == 0) return;
  queue_.push_back({buffer, buffer->data() + offset, length});
  pending_bytes_ += length;
}

void ClientConnection::enqueue(const pipeline::CompressedChunk& piece) {
  if (fd_ < 0 || finishing_ || !piece.chunk.bytes) return;
  enqueue(piece.chunk);
  coded_.absorb(piece.sums);
}

void ClientConnection::flush() {
  if (fd_ < 0) return;
  constexpr int kMaxIov = 64;
  while (!queue_.empty()) {
    iovec iov[kMaxIov];
    int n = 0;
    for (auto it = queue_.begin(); it != queue_.end() && n < kMaxIov; ++it, ++n) {
      iov[n].iov_base = const_cast<char*>(it->data);
      iov[n].iov_len = it->length;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(n);
    const ssize_t written = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      close("write failed");
      return;
    }
    last_send_ms_ = loop_.now_ms();
    bytes_sent_ += static_cast<std::uint64_t>(written);
    pending_bytes_ -= static_cast<std::size_t>(written);
    std::size_t left = static_cast<std::size_t>(written);
    while (left > 0) {
      Slice& front = queue_.front();
      if (left >= front.length) {
        left -= front.length;
        queue_.pop_front();
      } else {
        front.data += left;
        front.length -= left;
        left = 0;
      }
    }
  }
  if (queue_.empty() && finishing_) {
    ::shutdown(fd_, SHUT_WR);
    close("finished");
    return;
  }
  update_interest();
  if (owner_ && pending_bytes_ <= marks_.low) owner_->on_drained(*this);
}

void ClientConnection::update_interest() {
  const bool want = !queue_.empty();
  if (want != want_write_) {
    want_write_ = want;
    if (loop_.rewatch(fd_, kReadInterest | (want ? EPOLLOUT : 0u), this)) close("rewatch failed");
  }
}

void ClientConnection::finish() {
  if (fd_ < 0 || finishing_) return;
  // A complete gzip member (or zlib stream), so decoders see the end as an end.
  if (coded_.compressed()) enqueue(pipeline::shared_chunk(coded_.trailer()));
  enqueue(chunked_terminator());
  finishing_ = true;
  flush();
}

void ClientConnection::close(const char* reason) {
  if (fd_ < 0) return;
  close_reason = reason;
  loop_.unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
  io_closed = true;
  queue_.clear();
  pending_bytes_ = 0;
  slot_.release();
  if (auto* owner = owner_) {
    owner_ = nullptr;
    owner->on_closed(*this);
  }
}

void ClientConnection::on_io(std::uint32_t events) {
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    // A stream client sends nothing after its request; anything it sends is read and
    // dropped, and end of file means it went away.
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) continue;
      if (n == 0) return close("client closed");
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return close("connection reset");
    }
    if (events & (EPOLLHUP | EPOLLERR)) return close("connection reset");
  }
  if ((events & EPOLLOUT) && fd_ >= 0) flush();
}

}  // namespace eventstreams::streaming
