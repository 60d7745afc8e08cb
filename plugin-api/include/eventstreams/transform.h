// A transform edits or drops events of a batch in place.
//
// The factory is made once from config. For each distinct request shape the host asks it for
// a Transform; requests whose transforms report the same group_key() share one instance and
// one encoding of every event, so a transform must depend only on what its key says.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "eventstreams/event_batch.h"

namespace eventstreams {

// What a transform may know of the request that asks for it.
struct RequestInfo {
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::string streams;                            // comma-separated requested stream names
  std::string client;                             // client address, for logs
};

class Transform {
 public:
  virtual ~Transform() = default;
  // Edits the batch: may replace an event's value (store new bytes in the arena and repoint
  // the span) or set `dropped`. Must not remove or reorder events.
  virtual void apply(EventBatch& batch) noexcept = 0;
};

class TransformFactory {
 public:
  virtual ~TransformFactory() = default;

  // Query parameter names this transform reads (so the host can reject unknown ones).
  virtual bool accepts_parameter(const std::string& name) const noexcept = 0;

  // Makes the transform for a request. Returns null and sets `error` (shown to the client as
  // a 400) when the request's parameters are bad; returns null with empty `error` when the
  // transform has nothing to do for this request. `group_key` receives a canonical text of
  // what the instance depends on ("" when it is the same for every request).
  virtual std::unique_ptr<Transform> create(const RequestInfo& request, std::string& group_key,
                                            std::string& error) noexcept = 0;
};

}  // namespace eventstreams
