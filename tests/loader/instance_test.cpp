// SPDX-License-Identifier: Apache-2.0
// Instances made from an SDK-built plugin: operations, raw bytes, host services, and errors at the edge.
#include "plugin/instance.hpp"

#include <gtest/gtest.h>

#include <map>

namespace atsync::host::plugin {
namespace {

const std::filesystem::path kFixtures = ATSYNC_FIXTURE_DIR;

class RecordingServices : public InstanceServices {
 public:
  std::vector<std::string>* logs;
  std::map<std::string, std::string, std::less<>>* state;

  RecordingServices(std::vector<std::string>* l, std::map<std::string, std::string, std::less<>>* s) : logs(l), state(s) {}
  void log(atsync_log_level, std::string_view message) override { logs->emplace_back(message); }
  void reportError(const sdk::Error& e) override { logs->push_back("error: " + e.message); }
  Expected<sdk::HttpResponse, sdk::Error> http(const sdk::HttpRequest& request, std::span<const std::uint8_t>) override {
    if (request.url == "http://unreachable.invalid/") {
      return unexpected(sdk::Error{"transport", "connect refused", true, std::nullopt, false});
    }
    sdk::HttpResponse r;
    r.status = 200;
    r.body = "hello from " + request.url;
    return r;
  }
  std::optional<std::string> stateGet(std::string_view key) override {
    auto it = state->find(key);
    if (it == state->end()) return std::nullopt;
    return it->second;
  }
  bool statePut(std::string_view key, std::optional<std::string_view> value) override {
    if (value) (*state)[std::string(key)] = std::string(*value);
    else state->erase(std::string(key));
    return true;
  }
  std::int64_t nowMs() override { return 1'700'000'000'000; }
};

class InstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = loadPlugin(kFixtures / "libfixture_sdk.so");
    ASSERT_TRUE(loaded) << loaded.error().str();
    plugin_ = *loaded;
  }
  Expected<std::unique_ptr<Instance>, sdk::Error> make(boost::json::object config = {}) {
    return Instance::create(plugin_, std::make_unique<RecordingServices>(&logs_, &state_), config);
  }
  PluginPtr plugin_;
  std::vector<std::string> logs_;
  std::map<std::string, std::string, std::less<>> state_;
};

TEST_F(InstanceTest, DescribeListsExactlyTheImplementedOperations) {
  EXPECT_EQ(plugin_->manifest().capabilities,
            (std::vector<std::string>{"echo", "bytes", "throw", "refuse", "http", "state"}));
  EXPECT_EQ(plugin_->manifest().version, "2.3.4");
  EXPECT_EQ(plugin_->manifest().role, "platform");
}

TEST_F(InstanceTest, EchoesDocument) {
  auto instance = make();
  ASSERT_TRUE(instance) << instance.error().message;
  auto out = (*instance)->invoke("echo", boost::json::parse(R"({"a":[1,2,{"b":"ü"}]})"));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(boost::json::serialize(out->document), R"({"a":[1,2,{"b":"ü"}]})");
}

TEST_F(InstanceTest, CarriesRawBytesBothWays) {
  auto instance = make();
  ASSERT_TRUE(instance);
  const std::vector<std::uint8_t> in{0, 1, 2, 255};
  auto out = (*instance)->invoke("bytes", boost::json::object{}, in);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->document.at("size").to_number<std::uint64_t>(), 4u);
  EXPECT_EQ(out->bytes, (std::vector<std::uint8_t>{255, 2, 1, 0}));
}

TEST_F(InstanceTest, UnknownOperationIsNotSupported) {
  auto instance = make();
  ASSERT_TRUE(instance);
  auto out = (*instance)->invoke("opportunity.create", boost::json::object{});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "not_supported");
  EXPECT_NE(out.error().message.find("opportunity.create"), std::string::npos);
}

TEST_F(InstanceTest, ExceptionInOperationBecomesInternalError) {
  auto instance = make();
  ASSERT_TRUE(instance);
  auto out = (*instance)->invoke("throw", boost::json::object{});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "internal");
  EXPECT_NE(out.error().message.find("operation exploded"), std::string::npos);
}

TEST_F(InstanceTest, OperationErrorKeepsCodeAndRetryable) {
  auto instance = make();
  ASSERT_TRUE(instance);
  auto out = (*instance)->invoke("refuse", boost::json::object{});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "vendor_error");
  EXPECT_TRUE(out.error().retryable);
}

TEST_F(InstanceTest, ConfigRefusalIsAnErrorValue) {
  auto refused = make({{"refuse", true}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "invalid_config");
  EXPECT_EQ(refused.error().message, "fixture: config says refuse");
  auto exploded = make({{"explode", true}});
  ASSERT_FALSE(exploded);
  EXPECT_NE(exploded.error().message.find("constructor exploded"), std::string::npos);
}

TEST_F(InstanceTest, PluginReachesHostHttpStateLogAndClock) {
  auto instance = make();
  ASSERT_TRUE(instance);
  auto http = (*instance)->invoke("http", boost::json::object{{"url", "http://example.test/x"}});
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(http->document.at("status").as_int64(), 200);
  EXPECT_EQ(http->document.at("body").as_string(), "hello from http://example.test/x");

  auto failed = (*instance)->invoke("http", boost::json::object{{"url", "http://unreachable.invalid/"}});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "transport");
  EXPECT_TRUE(failed.error().retryable);

  auto state = (*instance)->invoke("state", boost::json::object{{"key", "cursor"}, {"value", "42"}});
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->document.at("read_back").as_string(), "42");
  EXPECT_EQ(state->document.at("now_ms").as_int64(), 1'700'000'000'000);
  EXPECT_EQ(state_.at("cursor"), "42");
  EXPECT_EQ(logs_.back(), "stored cursor");
}

TEST(RawInstance, HostSurvivesPluginWhoseHooksThrowThroughTheAbi) {
  auto loaded = loadPlugin(kFixtures / "libfixture_throwing_hooks.so");
  ASSERT_TRUE(loaded) << loaded.error().str();
  std::vector<std::string> logs;
  std::map<std::string, std::string, std::less<>> state;
  auto instance = Instance::create(*loaded, std::make_unique<RecordingServices>(&logs, &state), {});
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.error().code, "internal");
  EXPECT_EQ(instance.error().message, "plugin 'throwing-hooks' threw while creating an instance: create exploded");
}

}  // namespace
}  // namespace atsync::host::plugin
