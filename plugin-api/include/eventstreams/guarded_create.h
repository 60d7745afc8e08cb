// guarded_create(): keeps exceptions inside a plugin's create function.
//
// The create functions a descriptor names (CreateSourceFn, CreateTransformFn, CreateEncoderFn
// in abi.h) are noexcept: on failure they return null and say why in `error`, and nothing may
// be thrown across the plugin boundary. guarded_create() runs the body of such a function and
// turns any exception it throws into that form:
//
//   std::unique_ptr<TransformFactory> create(const PluginContext& context,
//                                            std::string& error) noexcept {
//     return eventstreams::guarded_create(
//         "my-plugin: ", error, [&]() -> std::unique_ptr<TransformFactory> {
//           // May throw. A config the plugin refuses: set `error`, return nullptr.
//           return std::make_unique<MyFactory>(parse(context.config_json));
//         });
//   }
//
// An exception derived from std::exception sets `error` to `prefix` + what(); any other sets
// it to `prefix` + "unknown error" (or the text given as `unknown_error`). Should even that message
// not fit in memory, `error` is left as it was. Either way the result is null.
//
// Header-only and standard library only; adding it changed no layout, so kAbiVersion is the
// same with or without it.
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace eventstreams {
namespace detail {

// error = prefix + what, or `error` untouched if that cannot be allocated.
inline void set_create_error(std::string& error, std::string_view prefix,
                             std::string_view what) noexcept {
  try {
    std::string text;
    text.reserve(prefix.size() + what.size());
    text.append(prefix).append(what);
    error = std::move(text);
  } catch (...) {
  }
}

}  // namespace detail

// Runs `fn()` (which returns a smart pointer, usually std::unique_ptr<...Factory>) and
// returns its result; on an exception returns null with the reason in `error`, as above.
// `unknown_error` follows `prefix` when the exception is not a std::exception.
template <typename Fn>
auto guarded_create(std::string_view prefix, std::string_view unknown_error, std::string& error,
                    Fn&& fn) noexcept -> std::invoke_result_t<Fn&&> {
  using Result = std::invoke_result_t<Fn&&>;
  static_assert(std::is_nothrow_constructible_v<Result, std::nullptr_t>,
                "guarded_create: fn must return a pointer type that null converts to");
  try {
    return std::forward<Fn>(fn)();
  } catch (const std::exception& e) {
    detail::set_create_error(error, prefix, e.what());
  } catch (...) {
    detail::set_create_error(error, prefix, unknown_error);
  }
  return Result(nullptr);
}

// The same, with "unknown error" after `prefix` for an exception that is not a std::exception.
template <typename Fn>
auto guarded_create(std::string_view prefix, std::string& error, Fn&& fn) noexcept
    -> std::invoke_result_t<Fn&&> {
  return guarded_create(prefix, "unknown error", error, std::forward<Fn>(fn));
}

}  // namespace eventstreams
