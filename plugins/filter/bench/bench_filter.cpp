// Throughput of the filter transform on one core, over the sample events.
//
//   bench_filter [seconds per case] [fixtures dir]
//
// The fixtures (tests/fixtures/events/*.json) are compacted, as the host hands them to
// transforms, and repeated into a batch of 1024 events in file-name order. Each case runs
// FilterTransform::apply on that batch (clearing `dropped` in between) for the given time and
// prints events per second of the thread's CPU time (so that a busy machine disturbs the
// figures less). For reference, the same three-clause filter is also evaluated with a
// RapidJSON DOM parse per event, and a SAX pass that reads every event to its end with no
// filter work gives the parsing floor.

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "filter_expression.h"
#include "filter_matcher.h"
#include "filter_plugin.h"

namespace {

using namespace eventstreams;
using namespace eventstreams::filter;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string compact(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return {};
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  doc.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

std::multimap<std::string, std::string> query_of(const std::string& text) {
  std::multimap<std::string, std::string> q;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t amp = std::min(text.find('&', pos), text.size());
    const std::string param = text.substr(pos, amp - pos);
    const std::size_t eq = param.find('=');
    if (!param.empty())
      q.emplace(param.substr(0, eq), eq == std::string::npos ? "" : param.substr(eq + 1));
    pos = amp + 1;
  }
  return q;
}

Filter filter_of(const std::string& text) {
  std::string error;
  auto f = parse_filter(query_of(text), default_reserved_names(), error);
  if (!f) {
    std::fprintf(stderr, "bad filter %s: %s\n", text.c_str(), error.c_str());
    std::exit(2);
  }
  return *f;
}

struct Result {
  double events_per_s = 0;
  std::size_t passed = 0;  // per batch
};

// CPU time of this thread: on a busy machine, time spent descheduled does not count.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

template <typename Fn>
Result run(double seconds, std::size_t batch_events, Fn&& once) {
  for (int i = 0; i < 20; ++i) once();  // warm up
  std::size_t rounds = 0;
  std::size_t passed = 0;
  const double start = thread_cpu_seconds();
  double elapsed = 0;
  do {
    for (int i = 0; i < 16; ++i, ++rounds) passed = once();
    elapsed = thread_cpu_seconds() - start;
  } while (elapsed < seconds);
  return {static_cast<double>(rounds * batch_events) / elapsed, passed};
}

void print(const char* label, const Result& r, double bytes_per_event, std::size_t batch) {
  std::printf("%-58s %11.0f events/s %8.1f MB/s %7.0f ns/event  (%zu/%zu pass)\n", label,
              r.events_per_s, r.events_per_s * bytes_per_event / 1e6, 1e9 / r.events_per_s,
              r.passed, batch);
}

// The filter evaluated on a DOM: parse all, then look each path up.
std::size_t dom_pass(const EventBatch& batch, const Filter& filter, rapidjson::Document& doc) {
  std::size_t passed = 0;
  for (const Event& e : batch.events) {
    const std::string_view v = batch.value(e);
    doc.Parse(v.data(), v.size());
    bool ok = !doc.HasParseError();
    for (const Clause& c : filter.clauses) {
      if (!ok) break;
      const rapidjson::Value* node = &doc;
      for (const std::string& seg : c.segments) {
        if (!node->IsObject()) {
          node = nullptr;
          break;
        }
        const auto it = node->FindMember(rapidjson::Value(
            rapidjson::StringRef(seg.data(), static_cast<rapidjson::SizeType>(seg.size()))));
        node = it == node->MemberEnd() ? nullptr : &it->value;
        if (node == nullptr) break;
      }
      FieldValue f;
      if (node == nullptr) {
        f.kind = FieldValue::Kind::kMissing;
      } else if (node->IsNull()) {
        f.kind = FieldValue::Kind::kNull;
      } else if (node->IsBool()) {
        f.kind = FieldValue::Kind::kBool;
        f.boolean = node->GetBool();
      } else if (node->IsString()) {
        f.kind = FieldValue::Kind::kString;
        f.string = std::string_view(node->GetString(), node->GetStringLength());
      } else if (node->IsNumber()) {
        f.kind = FieldValue::Kind::kNumber;
        if (node->IsInt64()) {
          f.number.i = node->GetInt64();
          f.number.d = static_cast<double>(f.number.i);
        } else {
          f.number.is_int = false;
          f.number.d = node->GetDouble();
        }
      } else {
        f.kind = FieldValue::Kind::kComposite;
      }
      ok = c.matches(f);
    }
    passed += ok;
  }
  return passed;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::filesystem::path dir = argc > 2 ? argv[2] : ES_EVENT_FIXTURES_DIR;

  // One core: pin to the CPU we start on (best effort).
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(sched_getcpu()), &set);
  sched_setaffinity(0, sizeof set, &set);

  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> mix;
  std::vector<std::string> recentchange;
  std::size_t mix_bytes = 0;
  for (const auto& f : files) {
    std::string c = compact(read_file(f));
    if (c.empty()) continue;
    mix_bytes += c.size();
    if (f.filename() == "recentchange.json") recentchange.push_back(c);
    mix.push_back(std::move(c));
  }
  if (mix.empty()) {
    std::fprintf(stderr, "no fixtures in %s\n", dir.c_str());
    return 2;
  }

  constexpr std::size_t kBatch = 1024;
  const auto make_batch = [](const std::vector<std::string>& events) {
    EventBatch b;
    b.topics.push_back("bench");
    for (std::size_t i = 0; i < kBatch; ++i) {
      Event e;
      e.offset = static_cast<std::int64_t>(i);
      e.value = b.store(events[i % events.size()]);
      b.events.push_back(e);
    }
    return b;
  };
  EventBatch batch = make_batch(mix);
  const double mix_avg = static_cast<double>(mix_bytes) / static_cast<double>(mix.size());

  std::printf(
      "fixtures: %zu files from %s, %.0f bytes per compact event on average; batch of %zu; "
      "%.1f s of CPU time per case; one core, events per CPU second\n",
      mix.size(), dir.c_str(), mix_avg, kBatch, seconds);

  const auto transform_case = [&](const char* label, const std::string& query, bool canary,
                                  EventBatch& b, double bytes) {
    FilterTransform t(Matcher(filter_of(query), canary), nullptr, nullptr);
    const Result r = run(seconds, b.events.size(), [&] {
      for (Event& e : b.events) e.dropped = false;
      t.apply(b);
      std::size_t kept = 0;
      for (const Event& e : b.events) kept += !e.dropped;
      return kept;
    });
    const std::string name = std::string(label) + (query.empty() ? "" : ": " + query);
    print(name.c_str(), r, bytes, b.events.size());
  };

  const std::string three = "meta.domain=*.wikipedia.org&type=edit&bot!=true";
  std::printf("\nmix of every fixture:\n");
  transform_case("filter", three, false, batch, mix_avg);
  transform_case("filter + drop_canary", three, true, batch, mix_avg);
  transform_case("filter", "type=edit", false, batch, mix_avg);
  transform_case("filter", "bot!=true", false, batch, mix_avg);
  transform_case("filter", "meta.domain=*.wikipedia.org", false, batch, mix_avg);
  transform_case("drop_canary only", "", true, batch, mix_avg);
  {
    const Filter f = filter_of(three);
    rapidjson::Document doc;
    print(("DOM parse per event: " + three).c_str(),
          run(seconds, batch.events.size(), [&] { return dom_pass(batch, f, doc); }), mix_avg,
          batch.events.size());
  }
  {
    // The parsing floor: the matcher's flags (recursive below 8 KiB), then its iterative form
    // (larger payloads).
    rapidjson::Reader reader;
    rapidjson::BaseReaderHandler<> handler;
    const auto floor = [&](auto flags) {
      return run(seconds, batch.events.size(), [&] {
        std::size_t ok = 0;
        for (const Event& e : batch.events) {
          const std::string_view v = batch.value(e);
          rapidjson::MemoryStream s(v.data(), v.size());
          ok += !reader.Parse<decltype(flags)::value>(s, handler).IsError();
        }
        return ok;
      });
    };
    using Recursive = std::integral_constant<unsigned, rapidjson::kParseNumbersAsStringsFlag>;
    using Iterative = std::integral_constant<unsigned, rapidjson::kParseNumbersAsStringsFlag |
                                                           rapidjson::kParseIterativeFlag>;
    print("SAX pass to the end, no filter work (floor)", floor(Recursive{}), mix_avg,
          batch.events.size());
    print("  the same with the iterative parser", floor(Iterative{}), mix_avg, batch.events.size());
  }

  if (!recentchange.empty()) {
    EventBatch rc = make_batch(recentchange);
    const double rc_bytes = static_cast<double>(recentchange.front().size());
    std::printf("\nrecentchange.json only (every event passes, %.0f bytes):\n", rc_bytes);
    transform_case("filter", three, false, rc, rc_bytes);
    const Filter f = filter_of(three);
    rapidjson::Document doc;
    print(("DOM parse per event: " + three).c_str(),
          run(seconds, rc.events.size(), [&] { return dom_pass(rc, f, doc); }), rc_bytes,
          rc.events.size());
  }
  return 0;
}
