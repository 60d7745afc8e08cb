#include "http/openapi/openapi_spec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string_view>

#include "http/openapi/json_members.h"
#include "http/openapi/schema_adapter.h"

namespace eventstreams::http::openapi {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr const char* kGenericPath = "/v2/stream/{streams}";

// Small helpers over RapidJSON values that own their strings.
class Json {
 public:
  explicit Json(Allocator& a) : a_(a) {}
  Value str(std::string_view s) {
    return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a_);
  }
  static Value object() { return Value(rapidjson::kObjectType); }
  static Value array() { return Value(rapidjson::kArrayType); }
  void set(Value& o, std::string_view key, Value v) { o.AddMember(str(key), v, a_); }
  void set(Value& o, std::string_view key, std::string_view v) { set(o, key, str(v)); }
  void set(Value& o, std::string_view key, const char* v) { set(o, key, str(v)); }
  void set(Value& o, std::string_view key, bool v) { set(o, key, Value(v)); }
  void set(Value& o, std::string_view key, int v) { set(o, key, Value(v)); }
  void push(Value& list, Value v) { list.PushBack(v, a_); }
  void push(Value& list, std::string_view v) { push(list, str(v)); }
  Value copy(const Value& v) { return Value(v, a_); }
  Allocator& allocator() { return a_; }

  Value string_schema(std::string_view description = {}) {
    Value s = object();
    set(s, "type", "string");
    if (!description.empty()) set(s, "description", description);
    return s;
  }
  Value problem_ref() {
    Value s = object();
    set(s, "$ref", "#/components/schemas/problem");
    return s;
  }
  // {"description": ..., "content": {"application/json": {"schema": problem}}}
  Value problem_response(std::string_view description, bool retry_after = false) {
    Value r = object();
    set(r, "description", description);
    if (retry_after) {
      Value headers = object();
      Value h = object();
      set(h, "description", "Seconds after which to try again");
      Value schema = object();
      set(schema, "type", "integer");
      set(h, "schema", std::move(schema));
      set(headers, "Retry-After", std::move(h));
      set(r, "headers", std::move(headers));
    }
    Value content = object();
    Value media = object();
    set(media, "schema", problem_ref());
    set(content, "application/json", std::move(media));
    set(r, "content", std::move(content));
    return r;
  }

 private:
  Allocator& a_;
};

// x-amples as service-checker and the original's spec test read them: a request (here only
// a query) and the expected status, headers (prefix match) and body fields (`/regex/`).
struct Example {
  std::string title;
  std::vector<std::pair<std::string, std::string>> query;
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> body;
};

Value x_amples(Json& j, const std::vector<Example>& examples) {
  Value list = Json::array();
  for (const auto& ex : examples) {
    Value e = Json::object();
    j.set(e, "title", ex.title);
    Value request = Json::object();
    if (!ex.query.empty()) {
      Value query = Json::object();
      for (const auto& [name, value] : ex.query) j.set(query, name, value);
      j.set(request, "query", std::move(query));
    }
    j.set(e, "request", std::move(request));
    Value response = Json::object();
    j.set(response, "status", ex.status);
    if (!ex.content_type.empty()) {
      Value headers = Json::object();
      j.set(headers, "content-type", ex.content_type);
      j.set(response, "headers", std::move(headers));
    }
    if (!ex.body.empty()) {
      Value body = Json::object();
      for (const auto& [name, pattern] : ex.body) j.set(body, name, pattern);
      j.set(response, "body", std::move(body));
    }
    j.set(e, "response", std::move(response));
    j.push(list, std::move(e));
  }
  return list;
}

// A monitoring route: one GET whose examples service-checker runs.
Value monitoring_path(Json& j, std::string_view tag, std::string_view description,
                      std::string_view content_type, const std::vector<Example>& examples) {
  Value get = Json::object();
  Value tags = Json::array();
  j.push(tags, tag);
  j.set(get, "tags", std::move(tags));
  j.set(get, "description", description);
  Value responses = Json::object();
  Value ok = Json::object();
  j.set(ok, "description", "OK");
  if (!content_type.empty()) {
    Value content = Json::object();
    j.set(content, content_type, Json::object());
    j.set(ok, "content", std::move(content));
  }
  j.set(responses, "200", std::move(ok));
  j.set(responses, "default", j.problem_response("Error"));
  j.set(get, "responses", std::move(responses));
  j.set(get, "x-amples", x_amples(j, examples));
  Value path = Json::object();
  j.set(path, "get", std::move(get));
  return path;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Every media type a stream can be answered in: the two of SPEC 2, then the encoders'.
std::vector<std::string> media_types(const SpecInputs& inputs) {
  std::vector<std::string> out{"text/event-stream", "application/json"};
  for (const auto& m : inputs.encoder_media_types) {
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

Value streams_parameter(Json& j, const config::StreamCatalog& catalog) {
  Value p = Json::object();
  j.set(p, "name", "streams");
  j.set(p, "in", "path");
  j.set(p, "required", true);
  j.set(p, "description",
        "Comma-separated stream names (URL-decoded first, so %2C works too). The response "
        "holds the events of every topic of every named stream.");
  j.set(p, "style", "simple");
  j.set(p, "explode", false);
  Value schema = Json::object();
  j.set(schema, "type", "array");
  j.set(schema, "minItems", 1);
  Value items = Json::object();
  j.set(items, "type", "string");
  Value names = Json::array();
  for (const auto& [name, def] : catalog.streams) j.push(names, name);  // the map is sorted
  j.set(items, "enum", std::move(names));
  j.set(schema, "items", std::move(items));
  j.set(p, "schema", std::move(schema));
  return p;
}

Value since_parameter(Json& j) {
  Value p = Json::object();
  j.set(p, "name", "since");
  j.set(p, "in", "query");
  j.set(p, "required", false);
  j.set(p, "description",
        "Start at this time instead of at the newest events: milliseconds since the UNIX "
        "epoch (UTC), or a date-time (ISO 8601 with or without zone, RFC 1123 and the other "
        "forms JavaScript's Date.parse() accepts; no zone means UTC). Each partition starts at "
        "the first event at or after it, or at the end where there is none. Entries of "
        "Last-Event-ID take precedence for the partitions they name. Kafka keeps events for a "
        "limited time: a start before the oldest retained event begins there and the response "
        "says so in X-Replay-Truncated.");
  Value schema = j.string_schema();
  Value examples = Json::object();
  Value ms = Json::object();
  j.set(ms, "value", "1700000000000");
  j.set(examples, "milliseconds", std::move(ms));
  Value iso = Json::object();
  j.set(iso, "value", "2026-11-28T07:00:00Z");
  j.set(examples, "date-time", std::move(iso));
  j.set(p, "schema", std::move(schema));
  j.set(p, "examples", std::move(examples));
  return p;
}

Value last_event_id_parameter(Json& j) {
  Value p = Json::object();
  j.set(p, "name", "Last-Event-ID");
  j.set(p, "in", "header");
  j.set(p, "required", false);
  j.set(p, "description",
        "Where to resume, as EventSource clients send it on reconnect: a JSON array of "
        "{topic, partition, timestamp} or {topic, partition, offset} objects (offset -1: the "
        "end, -2: the beginning). Send back the id of the last event received; it names every "
        "partition of the request. Topics must belong to the requested streams; partitions it "
        "does not name start as without it. Empty means absent.");
  j.set(p, "schema", j.string_schema());
  j.set(p, "example", R"([{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42}])");
  return p;
}

Value filter_parameter(Json& j, const SpecInputs& inputs) {
  Value p = Json::object();
  j.set(p, "name", "filters");
  j.set(p, "in", "query");
  j.set(p, "required", false);
  std::string description =
      "Server-side filtering by event field (SPEC 2.3): every other query parameter is a "
      "clause. Its name is a dotted path into the event (type, meta.domain, length.new); its "
      "value a comma-separated list of accepted values, any of which matches; all clauses must "
      "match. A trailing ! on the name negates (bot!=true). Values compare as JSON scalars "
      "(true, false, null, numbers; \"quoted\" for a string that looks like one), and * in a "
      "string matches any run of characters (meta.domain=*.wikipedia.org). Bad syntax is a "
      "400 invalid_filter. Ids still cover the events a filter skipped.";
  if (!inputs.reserved_parameters.empty()) {
    description += " Reserved, never filters: " + join(inputs.reserved_parameters, ", ") + ".";
  }
  j.set(p, "description", description);
  j.set(p, "style", "form");
  j.set(p, "explode", true);
  Value schema = Json::object();
  j.set(schema, "type", "object");
  j.set(schema, "additionalProperties", j.string_schema());
  j.set(p, "schema", std::move(schema));
  Value example = Json::object();
  j.set(example, "meta.domain", "*.wikipedia.org");
  j.set(example, "type", "edit");
  j.set(example, "bot!", "true");
  j.set(p, "example", std::move(example));
  return p;
}

Value stream_responses(Json& j, const SpecInputs& inputs) {
  Value responses = Json::object();
  Value ok = Json::object();
  j.set(ok, "description",
        "A stream that does not end: SSE (text/event-stream, the default) or, for Accept: "
        "application/json, one JSON event per line. SSE ids name every partition of the "
        "request; send the last back as Last-Event-ID to resume.");
  Value headers = Json::object();
  Value truncated = Json::object();
  j.set(truncated, "description",
        "topic/partition pairs whose requested start lay before the oldest retained event");
  j.set(truncated, "schema", j.string_schema());
  j.set(headers, "X-Replay-Truncated", std::move(truncated));
  j.set(ok, "headers", std::move(headers));
  Value content = Json::object();
  for (const auto& type : media_types(inputs)) {
    Value media = Json::object();
    if (type == "text/event-stream") {
      j.set(media, "schema", j.string_schema("event: message, id: <resume id>, data: <event>"));
    } else {
      Value schema = Json::object();
      j.set(schema, "type", "object");
      j.set(media, "schema", std::move(schema));
    }
    j.set(content, type, std::move(media));
  }
  j.set(ok, "content", std::move(content));
  j.set(responses, "200", std::move(ok));

  std::string bad =
      "Bad Request: invalid_timestamp (since), invalid_last_event_id "
      "(Last-Event-ID malformed or naming a topic outside the streams), "
      "bad_request (query not valid URL encoding)";
  if (inputs.field_filters) bad += ", invalid_filter (filter syntax)";
  j.set(responses, "400", j.problem_response(bad));
  j.set(responses, "404", j.problem_response("not_found: an unknown or empty stream name"));
  j.set(responses, "429",
        j.problem_response("too_many_requests: the per-client connection limit", true));
  j.set(responses, "502", j.problem_response("kafka_error: Kafka unreachable"));
  j.set(responses, "503",
        j.problem_response("topic_not_available: a configured topic does not exist in Kafka; "
                           "service_unavailable: the server-wide connection limit",
                           true));
  j.set(responses, "504",
        j.problem_response("kafka_error: Kafka timed out while resolving start positions"));
  j.set(responses, "default",
        j.problem_response("Other errors, e.g. 405 method_not_allowed for methods other than "
                           "GET, HEAD and OPTIONS"));
  return responses;
}

Value generic_stream_path(Json& j, const config::StreamCatalog& catalog, const SpecInputs& inputs) {
  Value get = Json::object();
  Value tags = Json::array();
  j.push(tags, "Streams");
  j.set(get, "tags", std::move(tags));
  j.set(get, "summary", "Subscribe to one or more streams");
  j.set(get, "description",
        "Streams the events of a comma-separated list of streams, from now on, from `since`, "
        "or from where a Last-Event-ID says. Headers are sent once every partition's start is "
        "known; an error before that is a JSON problem.");
  Value params = Json::array();
  j.push(params, streams_parameter(j, catalog));  // first: clients read parameters[0]
  j.push(params, since_parameter(j));
  j.push(params, last_event_id_parameter(j));
  if (inputs.field_filters) j.push(params, filter_parameter(j, inputs));
  j.set(get, "parameters", std::move(params));
  j.set(get, "responses", stream_responses(j, inputs));
  j.set(get, "x-monitor", false);  // a stream never ends: not for service-checker
  Value path = Json::object();
  j.set(path, "get", std::move(get));
  return path;
}

// The stream's own path: the generic one without the streams parameter, with its
// description, schema and example.
Value stream_path(Json& j, const Value& generic, const config::StreamDef& stream,
                  const SpecInputs& inputs) {
  Value path = j.copy(generic);
  Value& get = path["get"];
  Value& params = get["parameters"];
  params.Erase(params.Begin());
  get["summary"] = j.str(stream.name + " events");
  std::string description = stream.description;
  if (!stream.schema_title.empty()) description += "\n\nSchema title: " + stream.schema_title;
  get["description"] = j.str(description);

  auto schema_text = inputs.schemas.find(stream.name);
  if (schema_text == inputs.schemas.end()) return path;
  rapidjson::Document parsed;
  parsed.Parse(schema_text->second.c_str(), schema_text->second.size());
  if (parsed.HasParseError() || !parsed.IsObject()) return path;
  Value schema = j.copy(parsed);
  Value example;
  if (const Value* examples = find_member(schema, "examples");
      examples && examples->IsArray() && !examples->Empty()) {
    example = j.copy((*examples)[0]);
  }
  adapt_schema(schema, j.allocator());
  for_each_member(get["responses"]["200"]["content"], [&](auto& media) {
    media.value["schema"] = j.copy(schema);
    if (!example.IsNull()) j.set(media.value, "example", j.copy(example));
  });
  return path;
}

Value problem_schema(Json& j) {
  Value s = Json::object();
  j.set(s, "type", "object");
  Value required = Json::array();
  for (const char* r : {"status", "type", "title"}) j.push(required, r);
  j.set(s, "required", std::move(required));
  Value props = Json::object();
  auto prop = [&](const char* name, const char* type, const char* description) {
    Value p = Json::object();
    j.set(p, "type", type);
    j.set(p, "description", description);
    j.set(props, name, std::move(p));
  };
  prop("status", "integer", "the HTTP status");
  prop("type", "string", "what went wrong, e.g. not_found, invalid_timestamp");
  prop("title", "string", "the reason phrase or a short title");
  prop("detail", "string", "what exactly, for a person");
  prop("method", "string", "the request's method");
  prop("uri", "string", "the request's URI");
  j.set(s, "properties", std::move(props));
  return s;
}

}  // namespace

std::string build_openapi_spec(const config::AppConfig& config,
                               const config::StreamCatalog& catalog, const SpecInputs& inputs) {
  rapidjson::Document doc(rapidjson::kObjectType);
  Json j(doc.GetAllocator());
  j.set(doc, "openapi", "3.0.3");

  Value info = Json::object();
  j.set(info, "title", config.info_name.empty() ? "eventstreams" : config.info_name);
  j.set(info, "description", config.info_description);
  j.set(info, "version", inputs.version.empty() ? "unknown" : inputs.version);
  j.set(doc, "info", std::move(info));
  if (!config.info_home.empty()) {
    Value docs = Json::object();
    j.set(docs, "url", config.info_home);
    j.set(doc, "externalDocs", std::move(docs));
  }

  Value tags = Json::array();
  for (const char* name : {"Streams", "Root", "Service information", "Monitoring"}) {
    Value t = Json::object();
    j.set(t, "name", name);
    j.push(tags, std::move(t));
  }
  j.set(doc, "tags", std::move(tags));

  Value paths = Json::object();
  Value generic = generic_stream_path(j, catalog, inputs);
  Value stream_paths = Json::object();
  for (const auto& [name, stream] : catalog.streams) {
    j.set(stream_paths, "/v2/stream/" + name, stream_path(j, generic, stream, inputs));
  }
  // In reading order: the real route, then one per stream (sorted), then the rest.
  j.set(paths, kGenericPath, std::move(generic));
  for_each_member(stream_paths,
                  [&](auto& m) { paths.AddMember(m.name, m.value, doc.GetAllocator()); });

  // A field the site left empty is still answered, but cannot match /.+/.
  const auto pattern = [](const std::string& value) { return value.empty() ? "/^$/" : "/.+/"; };
  const std::vector<std::pair<std::string, std::string>> info_fields{
      {"name", pattern(config.info_name)},
      {"description", pattern(config.info_description)},
      {"version", pattern(inputs.version)},
      {"home", pattern(config.info_home)}};
  // "/" answers the spec and the doc, and sends a visitor with no query to the UI page.
  j.set(paths, "/",
        monitoring_path(j, "Root", "The OpenAPI spec (?spec) or the page made of it (?doc)",
                        "application/json",
                        {{"spec from root",
                          {{"spec", "true"}},
                          200,
                          "application/json",
                          {{"openapi", "/^3\\.0\\.\\d+$/"}}},
                         {"doc from root", {{"doc", "true"}}, 200, "text/html", {}},
                         {"root redirects to the UI", {}, 303, "", {}}}));
  paths["/"]["get"]["responses"]["200"]["content"].AddMember("text/html", Json::object(),
                                                             doc.GetAllocator());
  j.set(paths, "/v2/ui",
        monitoring_path(j, "UI", "A live page of the streams, shown through EventSource",
                        "text/html", {{"the UI page", {}, 200, "text/html", {}}}));
  j.set(paths, "/_info",
        monitoring_path(j, "Service information", "Gets information about the service",
                        "application/json",
                        {{"retrieve service info", {}, 200, "application/json", info_fields}}));
  j.set(
      paths, "/_info/name",
      monitoring_path(j, "Service information", "Gets the name of the service", "application/json",
                      {{"retrieve service name", {}, 200, "application/json", {info_fields[0]}}}));
  j.set(paths, "/_info/version",
        monitoring_path(
            j, "Service information", "Gets the running version of the service", "application/json",
            {{"retrieve service version", {}, 200, "application/json", {info_fields[2]}}}));
  j.set(paths, "/robots.txt",
        monitoring_path(j, "Root", "Gets robots.txt: no indexing", "text/plain",
                        {{"robots.txt check", {}, 200, "text/plain", {}}}));
  j.set(paths, "/healthz",
        monitoring_path(j, "Monitoring", "200 when Kafka metadata is reachable, 503 otherwise",
                        "application/json",
                        {{"kafka is reachable", {}, 200, "application/json", {{"status", "ok"}}}}));
  j.set(paths, "/metrics",
        monitoring_path(j, "Monitoring", "Prometheus metrics (text exposition format)",
                        "text/plain", {{"metrics", {}, 200, "text/plain", {}}}));
  j.set(doc, "paths", std::move(paths));

  Value components = Json::object();
  Value schemas = Json::object();
  j.set(schemas, "problem", problem_schema(j));
  j.set(components, "schemas", std::move(schemas));
  j.set(doc, "components", std::move(components));

  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  doc.Accept(writer);
  return {out.GetString(), out.GetSize()};
}

}  // namespace eventstreams::http::openapi
