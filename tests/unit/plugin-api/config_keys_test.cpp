// config_keys.h: the nearest known key for a typo, type names, key lists.
#include "eventstreams/config_keys.h"

#include <gtest/gtest.h>

namespace eventstreams {
namespace {

constexpr ConfigKey kKeys[] = {
    {"retry_ms", ConfigType::kUnsigned, nullptr, "r"},
    {"heartbeat_comment", ConfigType::kString, R"("heartbeat")", "h"},
    {"drop_canary", ConfigType::kBoolean, "false", "d"},
};
constexpr ConfigTable kTable = config_table(kKeys);

std::string nearest(std::string_view key) {
  const ConfigKey* k = nearest_config_key(kTable, key);
  return k == nullptr ? "<none>" : k->name;
}

TEST(ConfigKeys, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("retry_msec", "retry_ms"), 2u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("drop_kanary", "drop_canary"), 1u);
}

TEST(ConfigKeys, NearestKeyForATypo) {
  EXPECT_EQ(nearest("retry_msec"), "retry_ms");
  EXPECT_EQ(nearest("retryms"), "retry_ms");
  EXPECT_EQ(nearest("heartbeat_coment"), "heartbeat_comment");
  EXPECT_EQ(nearest("Drop_Canary"), "drop_canary");  // two letters in eleven
}

TEST(ConfigKeys, NoSuggestionForAnUnrelatedKey) {
  EXPECT_EQ(nearest("bogus"), "<none>");
  EXPECT_EQ(nearest("retry"), "<none>");  // three letters short of five: not a typo
  EXPECT_EQ(nearest(""), "<none>");
  EXPECT_EQ(nearest_config_key(ConfigTable{nullptr, 0}, "x"), nullptr);
}

TEST(ConfigKeys, TypeNamesAndKeyLists) {
  EXPECT_EQ(config_type_phrase(ConfigType::kInteger), "an integer");
  EXPECT_EQ(config_type_phrase(ConfigType::kStringList), "a list of strings");
  EXPECT_EQ(config_type_phrase(ConfigType::kMap), "a map");
  EXPECT_EQ(config_key_list(kTable), "retry_ms, heartbeat_comment, drop_canary");
  EXPECT_EQ(config_key_list(ConfigTable{nullptr, 0}), "none");
  EXPECT_EQ(kTable.find("drop_canary"), &kKeys[2]);
  EXPECT_EQ(kTable.find("drop"), nullptr);
}

}  // namespace
}  // namespace eventstreams
