// An encoder plugin built only for the fault tests: it fails on every call it is allowed to
// fail. Its config {"fail": "..."} says where: "preamble" and "content_type" throw from those
// (not noexcept) calls, "create" makes create() return null. Chosen by
// `Accept: application/x-failing`.
#include <stdexcept>
#include <string>

#include "eventstreams/eventstreams.h"

namespace {

class FailingFactory final : public eventstreams::EncoderFactory {
 public:
  explicit FailingFactory(std::string mode) : mode_(std::move(mode)) {}
  std::vector<std::string> media_types() const override { return {"application/x-failing"}; }
  std::string content_type() const override {
    if (mode_ == "content_type") throw std::runtime_error("failing encoder: content_type");
    return "application/x-failing";
  }
  std::string preamble() const override {
    if (mode_ == "preamble") throw std::runtime_error("failing encoder: preamble");
    return {};
  }
  bool wants_ids() const noexcept override { return false; }
  std::unique_ptr<eventstreams::Encoder> create() noexcept override { return nullptr; }

 private:
  std::string mode_;
};

std::unique_ptr<eventstreams::EncoderFactory> create(const eventstreams::PluginContext& ctx,
                                                     std::string& error) noexcept {
  return eventstreams::guarded_create(
      "failing encoder: ", error, [&]() -> std::unique_ptr<eventstreams::EncoderFactory> {
        for (const char* mode : {"preamble", "content_type", "create"}) {
          if (ctx.config_json.find(std::string("\"") + mode + "\"") != std::string::npos) {
            return std::make_unique<FailingFactory>(mode);
          }
        }
        error = "failing encoder: config needs fail: preamble | content_type | create";
        return nullptr;
      });
}

}  // namespace

EVENTSTREAMS_EXPORT_PLUGIN(kEncoder, "failing", "1.0", nullptr, nullptr, &create);
