// How librdkafka error codes map onto the plugin API's statuses.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>

#include "eventstreams/source.h"

namespace eventstreams::kafka {

// For requests (metadata, watermarks, offsetsForTimes): timeouts -> kTimeout, an unreachable
// or refusing cluster -> kUnavailable, unknown topic or partition -> kTopicNotFound, the rest
// -> kError.
SourceStatus::Code request_error_code(rd_kafka_resp_err_t err) noexcept;

// A status for a failed request: `what` says which request (e.g. "metadata for topic x").
SourceStatus request_error(rd_kafka_resp_err_t err, std::string_view what);

// For messages a reader consumes: true when the error passes on its own (end of partition,
// broker connection trouble, leadership moves, timeouts) and the stream should go on.
bool is_transient_consume_error(rd_kafka_resp_err_t err) noexcept;

// "Local: Broker transport failure (_TRANSPORT)".
std::string error_text(rd_kafka_resp_err_t err);

}  // namespace eventstreams::kafka
