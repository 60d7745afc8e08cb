// guarded_create() turns whatever a plugin's create function throws into null + error text.
#include "eventstreams/guarded_create.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace eventstreams {
namespace {

TEST(GuardedCreate, PassesTheResultThrough) {
  std::string error;
  std::unique_ptr<int> p = guarded_create("p: ", error, [] { return std::make_unique<int>(7); });
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
  EXPECT_EQ(error, "");
}

TEST(GuardedCreate, KeepsTheErrorOfARefusal) {
  std::string error;
  auto p = guarded_create("p: ", error, [&]() -> std::unique_ptr<int> {
    error = "p config: unknown key \"x\"";
    return nullptr;
  });
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(error, "p config: unknown key \"x\"");
}

TEST(GuardedCreate, StdExceptionBecomesPrefixAndWhat) {
  std::string error = "before";
  auto p = guarded_create("p: ", error,
                          []() -> std::unique_ptr<int> { throw std::runtime_error("boom"); });
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(error, "p: boom");
}

TEST(GuardedCreate, OtherExceptionBecomesPrefixAndUnknownError) {
  std::string error;
  auto p = guarded_create("p: ", error, []() -> std::unique_ptr<int> { throw 42; });
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(error, "p: unknown error");

  auto q = guarded_create("p: ", "cannot create the factory", error,
                          []() -> std::shared_ptr<int> { throw 42; });
  EXPECT_EQ(q, nullptr);
  EXPECT_EQ(error, "p: cannot create the factory");
}

TEST(GuardedCreate, IsNoexcept) {
  std::string error;
  auto throws = []() -> std::unique_ptr<int> { throw std::runtime_error("x"); };
  static_assert(noexcept(guarded_create("p: ", error, throws)));
  static_assert(noexcept(guarded_create("p: ", "other", error, throws)));
}

}  // namespace
}  // namespace eventstreams
