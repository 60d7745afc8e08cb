// Observations gathered locally and added to a prometheus-cpp histogram in one call: a hub
// observes every event of a batch, and one ObserveMultiple per batch keeps the per-event cost
// at a bucket search (no atomic operation per event).
#pragma once

#include <prometheus/histogram.h>

#include <algorithm>
#include <vector>

namespace eventstreams::services {

class HistogramBatch {
 public:
  // `bounds` must be the bucket bounds of the histograms it flushes to, and outlive it.
  explicit HistogramBatch(const std::vector<double>& bounds)
      : bounds_(bounds), counts_(bounds.size() + 1, 0.0) {}

  void observe(double v) noexcept {
    const auto i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
    counts_[static_cast<std::size_t>(i)] += 1;
    sum_ += v;
    any_ = true;
  }
  // Adds what was observed since the last flush to `target` (null: drops it).
  void flush(::prometheus::Histogram* target) {
    if (!any_) return;
    if (target != nullptr) target->ObserveMultiple(counts_, sum_);
    std::fill(counts_.begin(), counts_.end(), 0.0);
    sum_ = 0;
    any_ = false;
  }

 private:
  const std::vector<double>& bounds_;
  std::vector<double> counts_;
  double sum_ = 0;
  bool any_ = false;
};

}  // namespace eventstreams::services
