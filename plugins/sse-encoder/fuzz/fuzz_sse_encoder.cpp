// libFuzzer harness for the SSE framing.
//
// Input: a few events (dropped flag, id, payload) decoded with FuzzedDataProvider. Checks for
// every frame that
//  - frames are in order, contiguous, cover all new output and name exactly the kept events;
//  - the frame holds no "\r" at all and its only blank line is the one that ends it;
//  - it is "event: message", then "id: <id>" when the id is not empty, then only data lines;
//  - the data lines joined by "\n" give the payload with every line break ("\r\n", "\r",
//    "\n") normalised to "\n".
// The same checks apply to error() frames.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sse_encoder.h"

namespace {

using eventstreams::EncodedFrame;
using eventstreams::Event;
using eventstreams::EventBatch;

[[noreturn]] void fail(const char* what, std::string_view frame) {
  std::fprintf(stderr, "check failed: %s\nframe (%zu bytes): ", what, frame.size());
  for (unsigned char c : frame) {
    if (c >= 0x20 && c < 0x7f) {
      std::fputc(c, stderr);
    } else {
      std::fprintf(stderr, "\\x%02x", c);
    }
  }
  std::fputc('\n', stderr);
  std::abort();
}

#define CHECK(cond, frame)           \
  do {                               \
    if (!(cond)) fail(#cond, frame); \
  } while (false)

// Reference normalisation, written independently of the encoder's scanner.
std::string normalise_breaks(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

// Checks one frame; `first_line` is "event: message" or "event: error".
void check_frame(std::string_view frame, std::string_view first_line, std::string_view id,
                 std::string_view payload) {
  CHECK(frame.find('\r') == std::string_view::npos, frame);
  CHECK(frame.size() >= 2 && frame.substr(frame.size() - 2) == "\n\n", frame);
  CHECK(frame.find("\n\n") == frame.size() - 2, frame);

  std::vector<std::string_view> lines;
  std::string_view body = frame.substr(0, frame.size() - 1);  // every line ends with "\n"
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    lines.push_back(body.substr(0, end));
    body.remove_prefix(end + 1);
  }
  std::size_t next = 0;
  CHECK(next < lines.size() && lines[next] == first_line, frame);
  ++next;
  if (!id.empty()) {
    CHECK(next < lines.size() && lines[next] == "id: " + one_line(id), frame);
    ++next;
  }
  CHECK(next < lines.size(), frame);  // at least one data line
  std::string data;
  for (std::size_t i = next; i < lines.size(); ++i) {
    CHECK(lines[i].substr(0, 6) == "data: ", frame);
    if (i > next) data.push_back('\n');
    data.append(lines[i].substr(6));
  }
  CHECK(data == normalise_breaks(payload), frame);
}

eventstreams::Encoder& encoder() {
  // Built from SseConfig directly: parsing config JSON is not what is fuzzed here, and
  // RapidJSON 1.1's parser trips UBSan ("applying non-zero offset to null pointer" in
  // internal/stack.h) on its first push.
  static std::unique_ptr<eventstreams::Encoder> instance = [] {
    eventstreams::sse::SseConfig config;
    config.retry_ms = 2000;
    auto encoder = eventstreams::sse::SseEncoderFactory(config).create();
    if (!encoder) std::abort();
    return encoder;
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  EventBatch batch;
  const int count = input.ConsumeIntegralInRange(1, 8);
  for (int i = 0; i < count; ++i) {
    Event e;
    e.dropped = input.ConsumeBool();
    e.id = batch.store(input.ConsumeRandomLengthString(64));
    e.value = batch.store(i + 1 == count ? input.ConsumeRemainingBytesAsString()
                                         : input.ConsumeRandomLengthString(4096));
    batch.events.push_back(e);
  }

  std::string out = ":ok\n\nretry: 2000\n\n";  // the host sends the factory's preamble first
  const std::size_t start = out.size();
  std::vector<EncodedFrame> frames;
  encoder().encode(batch, out, frames);

  std::size_t pos = start;
  std::size_t frame_no = 0;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    if (e.dropped) continue;
    CHECK(frame_no < frames.size(), out);
    const EncodedFrame& f = frames[frame_no++];
    CHECK(f.event_index == i, out);
    CHECK(f.offset == pos, out);
    CHECK(f.offset + f.length <= out.size(), out);
    check_frame(std::string_view(out).substr(f.offset, f.length), "event: message", batch.id(e),
                batch.value(e));
    pos += f.length;
  }
  CHECK(frame_no == frames.size(), out);
  CHECK(pos == out.size(), out);

  // The last payload doubles as an error text.
  std::string error_out;
  const std::string_view error_json = batch.value(batch.events.back());
  encoder().error(error_json, error_out);
  check_frame(error_out, "event: error", {}, error_json);
  return 0;
}
