// YAML -> JSON, the form in which plugin config crosses the boundary.
#include "config/yaml_json.h"

#include <gtest/gtest.h>

namespace eventstreams::config {
namespace {

TEST(YamlJson, Scalars) {
  EXPECT_EQ(yaml_to_json(YAML::Load("{a: 1, b: 1.5, c: true, d: x, e: ~, f: '12', g: 007}")),
            R"({"a":1,"b":1.5,"c":true,"d":"x","e":null,"f":"12","g":"007"})");
}

// What YAML (and strtod) take for a number but JSON does not stays a string; the fuzzer
// found ".0" going out as a bare number.
TEST(YamlJson, OnlyJsonNumbersGoOutAsNumbers) {
  EXPECT_EQ(yaml_to_json(YAML::Load("[.0, 1., -.5, +1, 0x1F, 1e999, 01, -, 1e, .inf, nan]")),
            R"([".0","1.","-.5","+1","0x1F","1e999","01","-","1e",".inf","nan"])");
  EXPECT_EQ(yaml_to_json(YAML::Load("[0, -0, 10, 1.5, -0.25, 2e3, 2E-3, 1.5e+2]")),
            "[0,-0,10,1.5,-0.25,2e3,2E-3,1.5e+2]");
}

TEST(YamlJson, NestedAndEscaped) {
  EXPECT_EQ(yaml_to_json(YAML::Load("{l: [1, \"q\\\"\"], m: {k: v}}")),
            R"({"l":[1,"q\""],"m":{"k":"v"}})");
}

TEST(YamlJson, DeepMergeOverlays) {
  const auto merged =
      deep_merge(YAML::Load("{a: {x: 1, y: 2}, b: 1}"), YAML::Load("{a: {y: 3}, c: 4}"));
  EXPECT_EQ(yaml_to_json(merged), R"({"a":{"x":1,"y":3},"b":1,"c":4})");
}

}  // namespace
}  // namespace eventstreams::config
