// The engine's plan of one client's stream, made by StreamEngine::open() once every
// partition's start is known, and carried to the event loop that serves it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eventstreams/encoder.h"
#include "eventstreams/source.h"
#include "eventstreams/transform.h"
#include "http/connection_limiter.h"
#include "pipeline/content_coding.h"
#include "pipeline/partition_start.h"
#include "streaming/hub_key.h"

namespace eventstreams::streaming {

using pipeline::PartitionStart;

struct ClientInfo {
  std::string request_id;
  std::string address;
  std::string user_agent;
  std::string streams;  // as requested, comma-separated
  std::int64_t connected_at_ms = 0;
};

struct StreamPlan {
  // Sorted, without duplicates.
  std::vector<std::string> topics;
  // True when every partition starts at the live head: the client may share a hub.
  bool live = false;
  // The hub it joins, or the one its reader starts (and the loop of both).
  HubKey hub_key;
  // Sorted by (topic, partition). Empty for a live plan joining an existing hub.
  std::vector<PartitionStart> partitions;
  // The marker of the cluster the reader reads, for exact-resume ids ("" when unknown).
  std::string cluster_id;
  // The reader for a private hub, or for a live hub that does not exist yet.
  std::unique_ptr<SourceReader> reader;

  std::size_t encoder_index = 0;
  // Clients with the same group key (encoder, transforms, streams) share every encoded byte.
  std::string group_key;
  std::vector<std::unique_ptr<Transform>> transforms;
  // A compressed body's state once its header and preamble are written (identity: none).
  pipeline::CodedStream coded;

  ClientInfo client;
  http::ConnectionSlot slot;
};

}  // namespace eventstreams::streaming
