#include "request/query.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using eventstreams::request::parse_query;
using Pairs = std::vector<std::pair<std::string, std::string>>;

std::optional<Pairs> query(std::string_view q) {
  const auto parsed = parse_query(q);
  if (!parsed) return std::nullopt;
  return Pairs(parsed->begin(), parsed->end());
}

TEST(Query, Empty) {
  EXPECT_EQ(query(""), Pairs{});
}

TEST(Query, NamesAndValuesDecoded) {
  EXPECT_EQ(query("since=2026-11-20T12%3A00%3A01Z&meta.domain=en.wikipedia.org%2Cde+x"),
            (Pairs{{"meta.domain", "en.wikipedia.org,de x"}, {"since", "2026-11-20T12:00:01Z"}}));
  EXPECT_EQ(query("a%3Db=c"), (Pairs{{"a=b", "c"}}));
  EXPECT_EQ(query("+a+=+"), (Pairs{{" a ", " "}}));
  EXPECT_EQ(query("p=%2B"), (Pairs{{"p", "+"}}));
}

TEST(Query, ParameterWithoutEquals) {
  EXPECT_EQ(query("flag"), (Pairs{{"flag", ""}}));
  EXPECT_EQ(query("flag&a=1"), (Pairs{{"a", "1"}, {"flag", ""}}));
  EXPECT_EQ(query("a="), (Pairs{{"a", ""}}));
}

TEST(Query, SplitsOnFirstEquals) {
  EXPECT_EQ(query("a=b=c"), (Pairs{{"a", "b=c"}}));
  EXPECT_EQ(query("bot!=true"), (Pairs{{"bot!", "true"}}));
  EXPECT_EQ(query("=x"), (Pairs{{"", "x"}}));
}

TEST(Query, RepeatedNamesKeptInOrder) {
  EXPECT_EQ(query("a=1&b=0&a=2&a=3"), (Pairs{{"a", "1"}, {"a", "2"}, {"a", "3"}, {"b", "0"}}));
}

TEST(Query, EmptyParametersSkipped) {
  EXPECT_EQ(query("&&a=1&"), (Pairs{{"a", "1"}}));
  EXPECT_EQ(query("&"), Pairs{});
}

TEST(Query, BadPercentEncoding) {
  EXPECT_EQ(query("a=%zz"), std::nullopt);
  EXPECT_EQ(query("%zz=1"), std::nullopt);
  EXPECT_EQ(query("a=1&b=%2"), std::nullopt);
  EXPECT_EQ(query("flag%"), std::nullopt);
}

}  // namespace
