// Throughput of rewrite_event on the recentchange sample event, next to the obvious
// alternative: a RapidJSON DOM parse, set the meta members, write it back compact.
//
//   bench_meta_rewriter [iterations] [event.json]
//
// Runs each on the pretty-printed file as is and on its compact form (what Kafka usually
// carries). MB/s counts input bytes.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "pipeline/meta_rewriter.h"

namespace {

using eventstreams::pipeline::MetaFields;
using eventstreams::pipeline::rewrite_event;

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string compact(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  doc.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

// The member called `name`, or null. (By index: clang's C++20 mode finds RapidJSON's
// non-const member iterator comparisons ambiguous.)
rapidjson::Value* find_member(rapidjson::Value& object, const char* name) {
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    auto& member = object.MemberBegin()[i];
    if (member.name == name) return &member.value;
  }
  return nullptr;
}

// The same job done with a DOM, as a reference point.
bool rewrite_with_dom(const std::string& input, const MetaFields& meta,
                      rapidjson::StringBuffer& buf) {
  rapidjson::Document doc;
  doc.Parse(input.data(), input.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto& alloc = doc.GetAllocator();
  rapidjson::Value* m = find_member(doc, "meta");
  if (m == nullptr) {
    doc.AddMember("meta", rapidjson::Value(rapidjson::kObjectType), alloc);
    m = find_member(doc, "meta");
  }
  if (!m->IsObject()) return false;
  const auto set = [&](const char* name, rapidjson::Value value) {
    if (rapidjson::Value* member = find_member(*m, name)) {
      *member = value;
    } else {
      m->AddMember(rapidjson::StringRef(name), value, alloc);
    }
  };
  set("topic", rapidjson::Value(meta.topic.data(),
                                static_cast<rapidjson::SizeType>(meta.topic.size()), alloc));
  set("partition", rapidjson::Value(meta.partition));
  set("offset", rapidjson::Value(static_cast<int64_t>(meta.offset)));
  if (meta.key != nullptr) {
    set("key", rapidjson::Value(meta.key->data(),
                                static_cast<rapidjson::SizeType>(meta.key->size()), alloc));
  }
  buf.Clear();
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  return doc.Accept(writer);
}

template <typename Fn>
void measure(const char* label, const std::string& input, long iterations, Fn&& fn) {
  std::size_t sink = 0;
  for (long i = 0; i < iterations / 10; ++i) sink += fn();  // warm up
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) sink += fn();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double events = static_cast<double>(iterations) / secs;
  std::printf("%-34s %12.0f events/s %9.1f MB/s  (%.0f ns/event, checksum %zu)\n", label, events,
              events * static_cast<double>(input.size()) / 1e6, 1e9 / events, sink);
}

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 1000000;
  const std::string path = argc > 2 ? argv[2] : ES_EVENT_FIXTURES_DIR "/recentchange.json";
  const std::string pretty = read_file(path.c_str());
  const std::string compact_form = compact(pretty);
  const std::string_view key = "{\"id\":\"c6f1f0a2-3b4d-4e5f-8a9b-0c1d2e3f4a5b\"}";
  const MetaFields meta{"eqiad.mediawiki.recentchange", 3, 5123456790, &key};

  std::printf("%s: %zu bytes pretty, %zu bytes compact, %ld iterations\n", path.c_str(),
              pretty.size(), compact_form.size(), iterations);
  for (const auto* input : {&compact_form, &pretty}) {
    const bool is_pretty = input == &pretty;
    std::string out;
    measure(is_pretty ? "rewrite_event, pretty input" : "rewrite_event, compact input", *input,
            iterations, [&] {
              out.clear();  // keeps the capacity, as a reused per-connection buffer would
              if (!rewrite_event(*input, meta, out)) std::abort();
              return out.size();
            });
    rapidjson::StringBuffer buf;
    measure(is_pretty ? "RapidJSON DOM, pretty input" : "RapidJSON DOM, compact input", *input,
            iterations, [&] {
              if (!rewrite_with_dom(*input, meta, buf)) std::abort();
              return buf.GetSize();
            });
  }
  return 0;
}
