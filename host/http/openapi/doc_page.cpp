#include "http/openapi/doc_page.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string_view>

namespace eventstreams::http::openapi {
namespace {

using rapidjson::Value;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string text_of(const Value& object, const char* key) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : "";
}

std::string pretty(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  v.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// Paragraphs at blank lines, so "description\n\nSchema title: x" reads as two.
std::string paragraphs(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find("\n\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view part = text.substr(start, end - start);
    if (!part.empty()) out += "<p>" + escape(part) + "</p>";
    start = end + 2;
  }
  return out;
}

// "string", "array of string (one of a, b)", "object" ...
std::string schema_summary(const Value& schema) {
  if (!schema.IsObject()) return "";
  std::string type = text_of(schema, "type");
  const Value* enum_of = nullptr;
  if (type == "array" && schema.HasMember("items") && schema["items"].IsObject()) {
    type = "array of " + text_of(schema["items"], "type");
    if (schema["items"].HasMember("enum")) enum_of = &schema["items"]["enum"];
  } else if (schema.HasMember("enum")) {
    enum_of = &schema["enum"];
  }
  if (type == "object" && schema.HasMember("additionalProperties")) type = "name=value pairs";
  std::string out = "<code>" + escape(type) + "</code>";
  if (enum_of && enum_of->IsArray()) {
    out += ", one of:<ul class=\"enum\">";
    for (const auto& v : enum_of->GetArray()) {
      if (v.IsString()) out += "<li><code>" + escape(v.GetString()) + "</code></li>";
    }
    out += "</ul>";
  }
  return out;
}

void render_parameters(const Value& operation, std::string& out) {
  if (!operation.HasMember("parameters") || !operation["parameters"].IsArray() ||
      operation["parameters"].Empty()) {
    return;
  }
  out +=
      "<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>type</th>"
      "<th>description</th></tr>";
  for (const auto& p : operation["parameters"].GetArray()) {
    const bool required = p.HasMember("required") && p["required"].IsTrue();
    out += "<tr><td><code>" + escape(text_of(p, "name")) + "</code>" +
           (required ? " <span class=\"required\">required</span>" : "") + "</td><td>" +
           escape(text_of(p, "in")) + "</td><td>" +
           (p.HasMember("schema") ? schema_summary(p["schema"]) : "") + "</td><td>" +
           paragraphs(text_of(p, "description")) + "</td></tr>";
  }
  out += "</table>";
}

void render_responses(const Value& operation, std::string& out) {
  if (!operation.HasMember("responses") || !operation["responses"].IsObject()) return;
  out +=
      "<h3>Responses</h3><table><tr><th>status</th><th>description</th><th>media types</th>"
      "</tr>";
  const Value* ok_content = nullptr;
  for (const auto& r : operation["responses"].GetObject()) {
    const std::string status(r.name.GetString(), r.name.GetStringLength());
    out += "<tr><td>" + escape(status) + "</td><td>" + paragraphs(text_of(r.value, "description")) +
           "</td><td>";
    if (r.value.HasMember("content") && r.value["content"].IsObject()) {
      for (const auto& m : r.value["content"].GetObject()) {
        out += "<code>" + escape(m.name.GetString()) + "</code> ";
      }
      if (status == "200") ok_content = &r.value["content"];
    }
    out += "</td></tr>";
  }
  out += "</table>";
  // The event schema and example are the same for every media type: show the first.
  if (!ok_content || ok_content->MemberCount() == 0) return;
  const Value& media = ok_content->MemberBegin()->value;
  if (media.HasMember("schema") && media["schema"].IsObject() &&
      media["schema"].HasMember("properties")) {
    out += "<details><summary>Event schema</summary><pre>" + escape(pretty(media["schema"])) +
           "</pre></details>";
  }
  if (media.HasMember("example")) {
    out += "<details><summary>Example event</summary><pre>" + escape(pretty(media["example"])) +
           "</pre></details>";
  }
}

std::string anchor(std::size_t index) {
  return "path-" + std::to_string(index);
}

}  // namespace

std::string render_doc_page(const std::string& spec_json) {
  rapidjson::Document parsed;
  parsed.Parse(spec_json.c_str(), spec_json.size());
  const rapidjson::Document& spec = parsed;  // const: its member iterators compare cleanly
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (parsed.HasParseError() || !spec.IsObject() || !spec.HasMember("paths") ||
      !spec["paths"].IsObject()) {
    return out +
           "<title>API</title></head><body><p>The API description is not available.</p>"
           "</body></html>\n";
  }
  const Value& info = spec.HasMember("info") ? spec["info"] : spec;
  const std::string title = text_of(info, "title");
  out += "<title>" + escape(title) + " API</title><link rel=\"stylesheet\" href=\"" +
         kDocStylesheetPath + "\"></head><body><header><h1>" + escape(title) + " <small>" +
         escape(text_of(info, "version")) + "</small></h1>" +
         paragraphs(text_of(info, "description")) +
         "<p><a href=\"/?spec\">OpenAPI document (JSON)</a>";
  if (spec.HasMember("externalDocs")) {
    const std::string url = text_of(spec["externalDocs"], "url");
    out += " · <a href=\"" + escape(url) + "\">" + escape(url) + "</a>";
  }
  out += "</p></header><nav><h2>Paths</h2><ul>";
  std::size_t index = 0;
  for (const auto& path : spec["paths"].GetObject()) {
    for (const auto& op : path.value.GetObject()) {
      out += "<li><a href=\"#" + anchor(index++) + "\"><span class=\"method\">" +
             escape(op.name.GetString()) + "</span> <code>" + escape(path.name.GetString()) +
             "</code></a> " + escape(text_of(op.value, "summary")) + "</li>";
    }
  }
  out += "</ul></nav><main>";
  index = 0;
  for (const auto& path : spec["paths"].GetObject()) {
    for (const auto& op : path.value.GetObject()) {
      out += "<section id=\"" + anchor(index++) + "\"><h2><span class=\"method\">" +
             escape(op.name.GetString()) + "</span> <code>" + escape(path.name.GetString()) +
             "</code></h2>";
      const std::string summary = text_of(op.value, "summary");
      if (!summary.empty()) out += "<p class=\"summary\">" + escape(summary) + "</p>";
      out += paragraphs(text_of(op.value, "description"));
      render_parameters(op.value, out);
      render_responses(op.value, out);
      out += "</section>";
    }
  }
  out += "</main></body></html>\n";
  return out;
}

const std::string& doc_stylesheet() {
  static const std::string css =
      "body{font-family:system-ui,sans-serif;max-width:70em;margin:0 auto;padding:1em;"
      "line-height:1.4;color:#222}\n"
      "h1 small{font-size:.5em;color:#666}\n"
      "section{border-top:1px solid #ccc;padding:.5em 0}\n"
      ".method{display:inline-block;background:#36c;color:#fff;border-radius:3px;"
      "padding:0 .4em;font-size:.8em;text-transform:uppercase}\n"
      ".summary{font-weight:bold}\n"
      ".required{color:#b32;font-size:.8em}\n"
      "table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
      "th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}\n"
      "th{background:#f4f4f4}\n"
      "ul.enum{margin:.2em 0;padding-left:1.2em;max-height:12em;overflow:auto}\n"
      "pre{background:#f8f8f8;padding:.5em;overflow:auto;max-height:30em}\n"
      "nav ul{columns:2}\n";
  return css;
}

}  // namespace eventstreams::http::openapi
