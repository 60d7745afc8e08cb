// The loader refuses every broken plugin at start-up with a message naming the file and the
// reason (issue 2 item 1), and keeps a library loaded while objects from it live.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "config/config_error.h"
#include "plugin-loader/plugin_registry.h"
#include "services/host_services_impl.h"

namespace eventstreams::plugin_loader {
namespace {

const std::string kFixtures = ES_FIXTURES;

std::string scan_error(const std::string& dir) {
  PluginRegistry registry;
  try {
    registry.scan({kFixtures + "/" + dir});
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PluginLoader, WrongAbiVersionIsRefused) {
  EXPECT_EQ(scan_error("wrong_abi"), "plugin " + kFixtures +
                                         "/wrong_abi/libbroken_wrong_abi.so: plugin ABI version "
                                         "999, the host needs " +
                                         std::to_string(kAbiVersion));
}

TEST(PluginLoader, WrongDescriptorSizeIsRefused) {
  EXPECT_EQ(scan_error("wrong_size"),
            "plugin " + kFixtures +
                "/wrong_size/libbroken_wrong_size.so: descriptor size 8, expected " +
                std::to_string(sizeof(PluginDescriptor)));
}

TEST(PluginLoader, PluginBuiltAgainstOtherHeadersIsRefusedNamingBothIdentities) {
  // ES_MODIFIED_ABI_HEADERS_ID: the hash of the modified copy of the headers it was built
  // against (see CMakeLists.txt); same compiler, same standard library.
  const std::string plugin_identity =
      std::string("headers=") + ES_MODIFIED_ABI_HEADERS_ID + " stdlib=" + EVENTSTREAMS_ABI_STDLIB;
  ASSERT_NE(plugin_identity, kAbiIdentity);
  EXPECT_EQ(scan_error("wrong_identity"),
            "plugin " + kFixtures +
                "/wrong_identity/libbroken_wrong_identity.so: plugin ABI identity '" +
                plugin_identity + "', the host's is '" + kAbiIdentity +
                "': it was built against other plugin API headers or another C++ standard "
                "library; rebuild it against this host's SDK");
}

TEST(PluginLoader, PluginWithoutIdentityIsRefused) {
  EXPECT_EQ(scan_error("no_identity"),
            "plugin " + kFixtures +
                "/no_identity/libbroken_no_identity.so: plugin ABI identity '', the host's is '" +
                kAbiIdentity +
                "': it was built against other plugin API headers or another C++ standard "
                "library; rebuild it against this host's SDK");
}

TEST(PluginLoader, AbiIdentityNamesTheHeaderHashAndTheStandardLibrary) {
  const std::string identity = kAbiIdentity;
  EXPECT_EQ(identity.rfind(std::string("headers=") + EVENTSTREAMS_ABI_HEADERS_ID + " stdlib=", 0),
            0u)
      << identity;
  EXPECT_EQ(std::string(EVENTSTREAMS_ABI_HEADERS_ID).size(), 16u);
  EXPECT_EQ(std::string(EVENTSTREAMS_ABI_HEADERS_SHA256).size(), 64u);
  EXPECT_EQ(std::string(EVENTSTREAMS_ABI_HEADERS_SHA256).rfind(EVENTSTREAMS_ABI_HEADERS_ID, 0), 0u);
#if defined(__GLIBCXX__)
  EXPECT_NE(identity.find("stdlib=libstdc++" + std::to_string(_GLIBCXX_RELEASE) +
                          "/cxx11abi=" + std::to_string(_GLIBCXX_USE_CXX11_ABI)),
            std::string::npos)
      << identity;
#endif
}

TEST(PluginLoader, MissingFactoryIsRefused) {
  EXPECT_EQ(scan_error("no_factory"),
            "plugin " + kFixtures +
                "/no_factory/libbroken_no_factory.so: plugin 'no-factory' has no factory "
                "function for its kind");
}

TEST(PluginLoader, LibraryWithoutDescriptorIsRefused) {
  EXPECT_EQ(scan_error("no_symbol"),
            "plugin " + kFixtures +
                "/no_symbol/libbroken_no_symbol.so: not an eventstreams plugin (no symbol "
                "eventstreams_plugin_descriptor)");
}

TEST(PluginLoader, FileThatIsNotASharedObjectIsRefused) {
  const std::string error = scan_error("garbage");
  EXPECT_EQ(error.rfind("plugin " + kFixtures + "/garbage/libgarbage.so: cannot load", 0), 0u)
      << error;
}

TEST(PluginLoader, MissingDirectoryIsRefused) {
  EXPECT_EQ(scan_error("nope"), "plugin directory '" + kFixtures + "/nope': not a directory");
}

TEST(PluginLoader, DuplicateNamesAreRefused) {
  PluginRegistry registry;
  EXPECT_THROW(registry.scan({kFixtures + "/good", kFixtures + "/good"}), config::ConfigError);
}

class Instantiate : public ::testing::Test {
 protected:
  services::JsonLogger logger{LogLevel::kError};
  services::MetricsRegistry metrics;
  services::HostServicesImpl host{logger, metrics};
};

TEST_F(Instantiate, MissingPluginNamesWhatWasFound) {
  PluginRegistry registry;
  registry.scan({kFixtures + "/good"});
  config::AppConfig cfg;
  cfg.plugins.source = "kafka";
  try {
    registry.instantiate(cfg, host);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "plugin 'kafka' not found in [" + kFixtures + "/good] (found: lines)");
  }
}

TEST_F(Instantiate, WrongKindIsRefused) {
  PluginRegistry registry;
  registry.scan({kFixtures + "/good"});
  config::AppConfig cfg;
  cfg.plugins.source = "lines";
  try {
    registry.instantiate(cfg, host);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("is a encoder, not a source"), std::string::npos)
        << e.what();
  }
}

TEST(PluginLibrary, ObjectsKeepTheirLibraryLoaded) {
  std::string error;
  auto lib = PluginLibrary::load(kFixtures + "/good/libtest_lines_encoder.so", error);
  ASSERT_TRUE(lib) << error;
  PluginContext ctx;
  ctx.config_json = "{\"fail\":true}";
  EXPECT_EQ(lib->descriptor().create_encoder(ctx, error), nullptr);
  EXPECT_EQ(error, "asked to fail");
  ctx.config_json = "{}";
  auto factory = lib->descriptor().create_encoder(ctx, error);
  ASSERT_TRUE(factory);
  std::weak_ptr<PluginLibrary> weak = lib;
  PluginObject<EncoderFactory> object(std::move(lib), std::move(factory));
  EXPECT_FALSE(weak.expired());  // the object holds the library
  auto encoder = object->create();
  EventBatch batch;
  Event e;
  e.value = batch.store("{\"a\":1}");
  batch.events.push_back(e);
  std::string out;
  std::vector<EncodedFrame> frames;
  encoder->encode(batch, out, frames);
  EXPECT_EQ(out, "{\"a\":1}\n");
  encoder.reset();
  object = PluginObject<EncoderFactory>();
  EXPECT_TRUE(weak.expired());  // released with its last object
}

// Threads a plugin started may outlive every object it made (the Kafka source leaves clients
// that do not close within its bound to close in the background): a library that loaded is
// never unmapped, even once the host holds no reference to it.
TEST(PluginLibrary, IsNeverUnmapped) {
  const std::string path = kFixtures + "/good/libtest_lines_encoder.so";
  {
    std::string error;
    auto lib = PluginLibrary::load(path, error);
    ASSERT_TRUE(lib) << error;
  }
  void* still = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(still, nullptr) << "the library was unloaded with its last reference";
  if (still) dlclose(still);
}

}  // namespace
}  // namespace eventstreams::plugin_loader
