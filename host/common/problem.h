// Why a request gets no stream: the fields of a SPEC 4 problem body. Plain data, so that the
// streaming engine can refuse a request (a topic gone, Kafka timing out) without knowing HTTP;
// http/problem.h writes it as a response.
#pragma once

#include <string>

namespace eventstreams {

struct Problem {
  int status = 500;
  std::string type;
  std::string title;
  std::string detail;
  int retry_after_s = 0;  // adds Retry-After when > 0
};

}  // namespace eventstreams
