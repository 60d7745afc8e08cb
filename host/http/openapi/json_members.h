// Member look-up and iteration on mutable RapidJSON values without comparing iterators:
// RapidJSON 1.1's non-const member iterators compare ambiguously in C++20 (clang
// -Wambiguous-reversed-operator), so these go by HasMember and by index.
#pragma once

#include <rapidjson/document.h>

namespace eventstreams::http::openapi {

// The member `key` of `object`, or null when it has none (or is not an object).
inline rapidjson::Value* find_member(rapidjson::Value& object, const char* key) {
  return object.IsObject() && object.HasMember(key) ? &object[key] : nullptr;
}

// Calls f(member) for every member of `object`, in order.
template <class F>
void for_each_member(rapidjson::Value& object, F&& f) {
  if (!object.IsObject()) return;
  const auto members = object.MemberBegin();
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) f(members[i]);
}

}  // namespace eventstreams::http::openapi
