// Runs work on an event loop's thread from a test and waits for it: what a loop owns
// (connections, hubs) may be touched only there.
#pragma once

#include <functional>
#include <future>

#include "streaming/event_loop.h"

namespace eventstreams::streaming::testing_support {

inline void on_loop(EventLoop& loop, const std::function<void()>& f) {
  std::promise<void> done;
  loop.post([&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace eventstreams::streaming::testing_support
