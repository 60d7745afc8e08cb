// JSON Schema -> OpenAPI 3.0 Schema Object rewriting (schema_adapter.h).
#include "http/openapi/schema_adapter.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace eventstreams::http::openapi {
namespace {

std::string adapted(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  EXPECT_FALSE(doc.HasParseError()) << json;
  adapt_schema(doc, doc.GetAllocator());
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  doc.Accept(w);
  return b.GetString();
}

TEST(SchemaAdapter, RemovesSchemaIdCommentAndExamplesAtEveryLevel) {
  EXPECT_EQ(adapted(R"({"$schema":"s","$id":"/a","$comment":"c","examples":[1],"type":"object",
                        "properties":{"p":{"$id":"#p","type":"string","examples":["x"]}}})"),
            R"({"type":"object","properties":{"p":{"type":"string"}}})");
}

TEST(SchemaAdapter, ConstBecomesAOneValueEnum) {
  EXPECT_EQ(adapted(R"({"type":"string","const":"edit"})"), R"({"type":"string","enum":["edit"]})");
}

TEST(SchemaAdapter, NullableTypeListsBecomeNullable) {
  EXPECT_EQ(adapted(R"({"type":["string","null"]})"), R"({"type":"string","nullable":true})");
  EXPECT_EQ(adapted(R"({"type":["string","integer"]})"), R"({"x-type":["string","integer"]})");
}

TEST(SchemaAdapter, NumericExclusiveBoundsBecomeThe30Pair) {
  EXPECT_EQ(adapted(R"({"type":"integer","exclusiveMinimum":0})"),
            R"({"type":"integer","exclusiveMinimum":true,"minimum":0})");
  EXPECT_EQ(adapted(R"({"maximum":5,"exclusiveMaximum":true})"),
            R"({"maximum":5,"exclusiveMaximum":true})");
}

TEST(SchemaAdapter, UnknownKeywordsAndForeignRefsBecomeExtensions) {
  EXPECT_EQ(adapted(R"({"type":"object","patternProperties":{"^a":{}},"definitions":{},
                        "items":{"$ref":"#/definitions/x"},"x-kept":1})"),
            R"({"type":"object","x-patternProperties":{"^a":{}},"x-definitions":{},)"
            R"("items":{"x-$ref":"#/definitions/x"},"x-kept":1})");
  EXPECT_EQ(adapted(R"({"$ref":"#/components/schemas/problem"})"),
            R"({"$ref":"#/components/schemas/problem"})");
}

TEST(SchemaAdapter, EmptyListsAndTuplesGo) {
  EXPECT_EQ(adapted(R"({"required":[],"enum":[],"items":[{"type":"string"}]})"),
            R"({"x-items":[{"type":"string"}]})");
}

TEST(SchemaAdapter, RecursesIntoCombinatorsAndAdditionalProperties) {
  EXPECT_EQ(adapted(R"({"allOf":[{"const":1}],"anyOf":[{"$id":"a"}],"oneOf":[{"examples":[]}],
                        "not":{"const":2},"additionalProperties":{"const":3}})"),
            R"({"allOf":[{"enum":[1]}],"anyOf":[{}],"oneOf":[{}],"not":{"enum":[2]},)"
            R"("additionalProperties":{"enum":[3]}})");
}

}  // namespace
}  // namespace eventstreams::http::openapi
