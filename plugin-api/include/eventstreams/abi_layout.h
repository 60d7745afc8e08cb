// The layout of everything that crosses the plugin boundary, pinned where a plugin is
// compiled (abi.h includes this file).
//
// kAbiIdentity covers the text of the headers and the standard library's ABI; these checks
// cover what the compiler makes of them: a plugin compiled with flags that change layout
// (packing, -m32, another std::string) fails to compile here instead of crashing the host.
// Someone who changes one of these structs on purpose changes the number below in the same
// commit; the header hash changes by itself.
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>

#include "eventstreams/abi.h"
#include "eventstreams/config_keys.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/host_services.h"
#include "eventstreams/source.h"
#include "eventstreams/transform.h"

namespace eventstreams::abi_layout {

// The descriptor's first fields are read before anything else is known about a plugin.
static_assert(std::is_standard_layout_v<PluginDescriptor>);
static_assert(offsetof(PluginDescriptor, abi_version) == 0);
static_assert(offsetof(PluginDescriptor, descriptor_size) == 4);
static_assert(offsetof(PluginDescriptor, abi_identity) == 8);
static_assert(sizeof(PluginKind) == 4 && sizeof(LogLevel) == 4);

// The LP64 platforms the host is built for (x86-64, arm64) with libstdc++'s C++11 ABI.
#if defined(__LP64__) && defined(__GLIBCXX__)
static_assert(sizeof(std::string) == 32, "std::string is not libstdc++'s C++11 string");
static_assert(sizeof(PluginDescriptor) == 72);
static_assert(sizeof(PluginContext) == 72);
static_assert(sizeof(Span) == 8 && alignof(Span) == 4);
static_assert(sizeof(Event) == 56 && alignof(Event) == 8);
static_assert(offsetof(Event, key) == 28 && offsetof(Event, value) == 36 &&
              offsetof(Event, id) == 44);
static_assert(sizeof(EventBatch) == 80);
static_assert(sizeof(EncodedFrame) == 12);
static_assert(sizeof(SourceStatus) == 40);
static_assert(sizeof(TopicPartitions) == 40);
static_assert(sizeof(StartSpec) == 48);
static_assert(sizeof(StartPosition) == 56);
static_assert(sizeof(RequestInfo) == 112);
static_assert(sizeof(ConfigType) == 4 && sizeof(ConfigKey) == 32 && sizeof(ConfigTable) == 16);
static_assert(sizeof(LogField) == 48 && sizeof(Label) == 32);
// Interfaces: a virtual table pointer and nothing else.
static_assert(sizeof(Encoder) == sizeof(void*) && sizeof(EncoderFactory) == sizeof(void*));
static_assert(sizeof(Transform) == sizeof(void*) && sizeof(TransformFactory) == sizeof(void*));
static_assert(sizeof(SourceReader) == sizeof(void*) && sizeof(SourceFactory) == sizeof(void*));
static_assert(sizeof(HostServices) == sizeof(void*) && sizeof(Counter) == sizeof(void*) &&
              sizeof(Gauge) == sizeof(void*));
#endif

}  // namespace eventstreams::abi_layout
