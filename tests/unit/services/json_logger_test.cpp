// JsonLogger: one JSON object per line whatever the caller passes as fields, in either form.
#include "services/json_logger.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "eventstreams/json_escape.h"
#include "log_capture.h"

namespace eventstreams::services {
namespace {

// The line as a validated JSON object (UTF-8 checked); a test failure if it is not one.
rapidjson::Document parse(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
  EXPECT_FALSE(doc.HasParseError()) << line;
  EXPECT_TRUE(doc.IsObject()) << line;
  return doc;
}

std::string str(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : "<not a string>";
}

TEST(JsonLogger, FieldsAsPairsAreEscaped) {
  testing::LogCapture capture;
  const LogField fields[] = {{"title", "say \"hi\"\n\xff"},
                             {"we\"ird\\key", "v"},
                             {"offset", std::int64_t{-42}},
                             {"partition", 3},
                             {"paused", true}};
  capture.logger().log_fields(LogLevel::kWarn, "msg \"quoted\" \xc3", fields);
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto doc = parse(lines[0]);
  EXPECT_EQ(str(doc["level"]), "warn");
  EXPECT_EQ(str(doc["message"]), "msg \"quoted\" \xef\xbf\xbd");
  EXPECT_EQ(str(doc["title"]), "say \"hi\"\n\xef\xbf\xbd");
  EXPECT_EQ(str(doc["we\"ird\\key"]), "v");
  EXPECT_EQ(doc["offset"].GetInt64(), -42);
  EXPECT_EQ(doc["partition"].GetInt64(), 3);
  EXPECT_TRUE(doc["paused"].GetBool());
}

TEST(JsonLogger, AValidJsonObjectIsSplicedIn) {
  testing::LogCapture capture;
  capture.logger().log(LogLevel::kInfo, "m", R"( {"a":1,"b":{"c":[true,"x"]}} )");
  capture.logger().log(LogLevel::kInfo, "m", "{ }");
  capture.logger().log(LogLevel::kInfo, "m", "");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 3u);
  const auto doc = parse(lines[0]);
  EXPECT_EQ(doc["a"].GetInt(), 1);
  EXPECT_TRUE(doc["b"]["c"][0].GetBool());
  EXPECT_EQ(parse(lines[1]).MemberCount(), 3u);  // time, level, message
  EXPECT_EQ(parse(lines[2]).MemberCount(), 3u);
}

TEST(JsonLogger, RawFieldsThatAreNotAJsonObjectBecomeAStringField) {
  const std::string bad[] = {
      R"({"a":"unterminated})",
      R"({"a":1} {"b":2})",  // trailing text
      R"({"a":1}, "b":2})",  // would close the line early if spliced
      R"(["not", "an object"])",
      "{\"a\":\"\xff\"}",  // not UTF-8
      R"({"quote":"x"}")",       "not json at all",
  };
  for (const std::string& fields : bad) {
    testing::LogCapture capture;
    capture.logger().log(LogLevel::kError, "m", fields);
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 1u) << fields;
    const auto doc = parse(lines[0]);
    ASSERT_TRUE(doc.HasMember("fields_text")) << lines[0];
    EXPECT_EQ(doc.MemberCount(), 4u) << lines[0];
    if (json::is_valid_utf8(fields)) {
      EXPECT_EQ(str(doc["fields_text"]), fields);
    }
  }
}

TEST(JsonLogger, BelowTheMinimumLevelNothingIsWritten) {
  testing::LogCapture capture;
  capture.logger().set_min_level(LogLevel::kWarn);
  capture.logger().log(LogLevel::kInfo, "quiet");
  const LogField fields[] = {{"k", "v"}};
  capture.logger().log_fields(LogLevel::kDebug, "quiet", fields);
  capture.logger().log(LogLevel::kError, "loud");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(str(parse(lines[0])["message"]), "loud");
}

}  // namespace
}  // namespace eventstreams::services
