// Events per second through the redaction transform on one core, over a mix of the sample
// events (tests/fixtures/events) spread over ten wikis:
//
//   bench_redaction [seconds per case] [fixtures dir]
//
//   baseline  no event's domain is listed: the cost of finding meta.domain
//   small     one wiki in ten is listed (~10% of events), with ~10 titles; half of that wiki's
//             events are about a listed page and get redacted
//   100k      the same events, with 100 000 titles listed for that wiki
//   dom-parse for scale, not the plugin: a RapidJSON DOM parse of every event
//
// Only Transform::apply is timed, in thread CPU time (batches of 256 events, copied from a template
// before each call as the host copies a batch for a group with transforms). MB/s counts input
// bytes.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "redaction_transform.h"

namespace {

using namespace eventstreams;
using rapidjson::Value;

constexpr int kDomains = 10;
constexpr std::size_t kEvents = 10240;
constexpr std::size_t kBatch = 256;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string to_json(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  v.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string quoted(const std::string& s) {
  Value v(rapidjson::StringRef(s.data(), s.size()));
  return to_json(v);
}

void set_string(rapidjson::Document& doc, Value& object, const char* name, const std::string& s) {
  Value v(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), doc.GetAllocator());
  if (object.HasMember(name)) {
    object[name] = v;
  } else {
    object.AddMember(Value(name, doc.GetAllocator()), v, doc.GetAllocator());
  }
}

// CPU time of this thread: on a busy machine, time spent descheduled is not counted.
double thread_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string domain_name(int i) {
  return "wiki" + std::to_string(i) + ".example.org";
}

struct Workload {
  std::vector<std::string> events;  // compact payloads
  std::vector<std::string> titles;  // the fixtures' titles
  std::size_t bytes = 0;
};

Workload make_workload(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no fixtures in %s\n", dir.c_str());
    std::exit(2);
  }
  std::vector<std::unique_ptr<rapidjson::Document>> fixtures;
  Workload w;
  for (const auto& f : files) {
    auto doc = std::make_unique<rapidjson::Document>();
    const std::string text = read_file(f);
    doc->Parse(text.data(), text.size());
    if (doc->HasParseError() || !doc->IsObject()) continue;
    if (!doc->HasMember("meta"))
      doc->AddMember("meta", Value(rapidjson::kObjectType), doc->GetAllocator());
    fixtures.push_back(std::move(doc));
  }
  for (std::size_t i = 0; i < kEvents; ++i) {
    rapidjson::Document doc;
    const auto& fx = *fixtures[i % fixtures.size()];
    doc.CopyFrom(fx, doc.GetAllocator());
    const int d = static_cast<int>((i / fixtures.size()) % kDomains);
    set_string(doc, doc["meta"], "domain", domain_name(d));
    // Odd rounds of the listed wiki are about other pages.
    if (d == 0 && (i / fixtures.size() / kDomains) % 2 == 1) {
      for (const char* k : {"title", "page_title"}) {
        if (doc.HasMember(k)) set_string(doc, doc, k, "Some other page");
      }
      if (doc.HasMember("page") && doc["page"].HasMember("page_title")) {
        set_string(doc, doc["page"], "page_title", "Some other page");
      }
    }
    if (i < fixtures.size()) {
      for (const char* k : {"title", "page_title"}) {
        if (doc.HasMember(k) && doc[k].IsString()) w.titles.push_back(doc[k].GetString());
      }
      if (doc.HasMember("page") && doc["page"].HasMember("page_title")) {
        w.titles.push_back(doc["page"]["page_title"].GetString());
      }
    }
    w.events.push_back(to_json(doc));
    w.bytes += w.events.back().size();
  }
  return w;
}

std::string pages_config(const std::string& domain, const std::vector<std::string>& titles,
                         std::size_t extra) {
  std::string json =
      R"({"max_log_lines_per_second":0,"mediawiki_redacted_pages":{)" + quoted(domain) + ":[";
  bool first = true;
  for (const auto& t : titles) {
    json += (first ? "" : ",") + quoted(t);
    first = false;
  }
  for (std::size_t i = 0; i < extra; ++i) {
    json += (first ? "" : ",") + quoted("Listed page number " + std::to_string(i));
    first = false;
  }
  return json + "]}}";
}

// A HostServices that counts and discards, like the host's but without I/O.
class NullHost final : public HostServices {
 public:
  class NullCounter final : public Counter {
   public:
    void add(std::uint64_t n) noexcept override { value_ += n; }
    std::uint64_t value() const noexcept override { return value_; }
    std::uint64_t value_ = 0;
  };
  class NullGauge final : public Gauge {
   public:
    void set(std::int64_t) noexcept override {}
    void add(std::int64_t) noexcept override {}
    std::int64_t value() const noexcept override { return 0; }
  };
  void log(LogLevel, std::string_view, std::string_view) noexcept override {}
  void log_fields(LogLevel, std::string_view, std::span<const LogField>) noexcept override {}
  Counter* counter(std::string_view, std::string_view, std::span<const Label>) noexcept override {
    return &counter_;
  }
  Gauge* gauge(std::string_view, std::string_view, std::span<const Label>) noexcept override {
    return &gauge_;
  }
  std::int64_t now_ms() const noexcept override { return 0; }
  NullCounter counter_;
  NullGauge gauge_;
};

void run_case(const char* name, const Workload& w, const std::string& config, double seconds) {
  NullHost host;
  PluginContext context;
  context.config_json = config;
  context.host = &host;
  std::string error, key;
  const auto load_start = std::chrono::steady_clock::now();
  auto factory = redaction::create_factory(context, error);
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start)
          .count();
  if (!factory) {
    std::fprintf(stderr, "%s: %s\n", name, error.c_str());
    std::exit(1);
  }
  auto transform = factory->create(RequestInfo{}, key, error);

  // Templates of every batch, built once.
  std::vector<EventBatch> templates;
  for (std::size_t i = 0; i < w.events.size(); i += kBatch) {
    EventBatch b;
    b.topics.push_back("eqiad.mediawiki.recentchange");
    for (std::size_t k = i; k < std::min(i + kBatch, w.events.size()); ++k) {
      Event e;
      e.offset = static_cast<std::int64_t>(k);
      e.value = b.store(w.events[k]);
      b.events.push_back(e);
    }
    templates.push_back(std::move(b));
  }

  EventBatch batch;
  std::uint64_t events = 0, bytes = 0;
  double busy = 0;
  while (busy < seconds) {
    for (const EventBatch& t : templates) {
      batch.topics = t.topics;
      batch.events = t.events;
      batch.arena = t.arena;
      const double start = thread_seconds();
      if (transform) transform->apply(batch);
      busy += thread_seconds() - start;
      events += batch.events.size();
    }
    bytes += w.bytes;
  }
  const double redacted = static_cast<double>(host.counter_.value_) / static_cast<double>(events);
  std::printf("%-9s %8.2f M events/s  %7.0f MB/s  %5.1f%% redacted  (config load %.1f ms)\n", name,
              static_cast<double>(events) / busy / 1e6, static_cast<double>(bytes) / busy / 1e6,
              redacted * 100, load_ms);
}

// For scale: what a full RapidJSON DOM parse of every event costs just to read meta.domain.
void run_dom_reference(const Workload& w, double seconds) {
  std::uint64_t events = 0, bytes = 0, found = 0;
  double busy = 0;
  rapidjson::Document doc;
  while (busy < seconds) {
    const double start = thread_seconds();
    for (const std::string& e : w.events) {
      doc.Parse(e.data(), e.size());
      if (doc.IsObject() && doc.HasMember("meta") && doc["meta"].HasMember("domain")) ++found;
    }
    busy += thread_seconds() - start;
    events += w.events.size();
    bytes += w.bytes;
  }
  std::printf("%-9s %8.2f M events/s  %7.0f MB/s  (RapidJSON DOM parse per event, for scale; %s)\n",
              "dom-parse", static_cast<double>(events) / busy / 1e6,
              static_cast<double>(bytes) / busy / 1e6, found ? "ok" : "?");
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::string dir = argc > 2 ? argv[2] : ES_REDACTION_FIXTURES_DIR;
  const Workload w = make_workload(dir);
  std::printf("%zu events, %.0f bytes on average, %d wikis (wiki0 listed: %.0f%% of events)\n",
              w.events.size(), static_cast<double>(w.bytes) / static_cast<double>(w.events.size()),
              kDomains, 100.0 / kDomains);
  run_case("baseline", w, pages_config("nowhere.example.org", w.titles, 0), seconds);
  run_case("small", w, pages_config(domain_name(0), w.titles, 4), seconds);
  run_case("100k", w, pages_config(domain_name(0), w.titles, 100000), seconds);
  run_dom_reference(w, seconds);
  return 0;
}
