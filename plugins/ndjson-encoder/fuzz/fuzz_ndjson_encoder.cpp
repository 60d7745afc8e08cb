// libFuzzer harness for the NDJSON framing over arbitrary payload bytes.
//
// Input: a few events (dropped flag, payload) decoded with FuzzedDataProvider. Checks that
//  - there is one frame per kept event, in order, contiguous, covering all the output;
//  - each frame is one line: it ends with "\n" and holds no other "\n" nor any "\r", so a
//    client splitting on line breaks gets exactly one line per event;
//  - a payload of printable ASCII arrives unchanged;
//  - a heartbeat is a lone "\n" and an error is one line too.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ndjson_encoder.h"

namespace {

using eventstreams::EncodedFrame;
using eventstreams::Event;
using eventstreams::EventBatch;

[[noreturn]] void fail(const char* what, std::string_view frame) {
  std::fprintf(stderr, "check failed: %s\nframe (%zu bytes): %.*s\n", what, frame.size(),
               static_cast<int>(frame.size()), frame.data());
  std::abort();
}

#define CHECK(cond, frame)           \
  do {                               \
    if (!(cond)) fail(#cond, frame); \
  } while (false)

bool printable_ascii(std::string_view text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// `frame` is one line; when `payload` is printable ASCII, that line is `before payload after`.
void check_line(std::string_view frame, std::string_view payload, std::string_view before = {},
                std::string_view after = {}) {
  CHECK(!frame.empty() && frame.back() == '\n', frame);
  CHECK(frame.find('\n') == frame.size() - 1, frame);
  CHECK(frame.find('\r') == std::string_view::npos, frame);
  if (printable_ascii(payload)) {
    CHECK(frame == std::string(before).append(payload).append(after).append("\n"), frame);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  EventBatch batch;
  const int count = input.ConsumeIntegralInRange(1, 8);
  for (int i = 0; i < count; ++i) {
    Event e;
    e.dropped = input.ConsumeBool();
    e.value = batch.store(i + 1 == count ? input.ConsumeRemainingBytesAsString()
                                         : input.ConsumeRandomLengthString(4096));
    batch.events.push_back(e);
  }

  eventstreams::ndjson::NdjsonEncoder encoder;
  std::string out = "x";  // output already there is left alone
  std::vector<EncodedFrame> frames;
  encoder.encode(batch, out, frames);
  CHECK(out[0] == 'x', out);

  std::size_t pos = 1;
  std::size_t frame_no = 0;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    if (e.dropped) continue;
    CHECK(frame_no < frames.size(), out);
    const EncodedFrame& f = frames[frame_no++];
    CHECK(f.event_index == i, out);
    CHECK(f.offset == pos, out);
    CHECK(f.offset + f.length <= out.size(), out);
    check_line(std::string_view(out).substr(f.offset, f.length), batch.value(e));
    pos += f.length;
  }
  CHECK(frame_no == frames.size(), out);
  CHECK(pos == out.size(), out);

  std::string heartbeat;
  encoder.heartbeat(heartbeat);
  CHECK(heartbeat == "\n", heartbeat);
  std::string error;
  const std::string_view error_json = batch.value(batch.events.back());
  encoder.error(error_json, error);
  check_line(error, error_json, "{\"error\":", "}");
  return 0;
}
