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
  std::optional<sdk::HttpRequest> last_request;

  Expected<sdk::HttpResponse, sdk::Error> http(const sdk::HttpRequest& request, std::span<const std::uint8_t>) override {
    last_request = request;
    if (request.url.starts_with("http://big.test/")) {  // a body of the size the path names, bytes 'a'..'z' cycling
      sdk::HttpResponse r;
      r.status = 200;
      const auto size = std::stoul(request.url.substr(std::string_view("http://big.test/").size()));
      r.body.resize(size);
      for (std::size_t i = 0; i < size; ++i) r.body[i] = static_cast<char>('a' + i % 26);
      return r;
    }
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
    auto services = std::make_unique<RecordingServices>(&logs_, &state_);
    services_ = services.get();
    return Instance::create(plugin_, std::move(services), config);
  }
  RecordingServices* services_ = nullptr;
  PluginPtr plugin_;
  std::vector<std::string> logs_;
  std::map<std::string, std::string, std::less<>> state_;
};

TEST_F(InstanceTest, DescribeListsExactlyTheImplementedOperations) {
  EXPECT_EQ(plugin_->manifest().capabilities,
            (std::vector<std::string>{"echo", "bytes", "throw", "refuse", "http", "state", "http_view", "http_json", "grow"}));
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

// The boundary's JSON path (one arena per call on both sides, serialisation straight into the crossing buffers):
// documents larger than every first buffer, unicode and nesting, errors and the exception edge.
namespace atsync::host::plugin {
namespace {

std::string bigText(std::size_t items) {
  boost::json::array a;
  for (std::size_t i = 0; i < items; ++i) {
    a.push_back(boost::json::object{{"id", "8f3c2a1e-5b7d-4e9f-a1c3-" + std::to_string(100000000000 + i)},
                                    {"n", i}, {"x", 0.5 + static_cast<double>(i)}, {"ok", i % 2 == 0}, {"nil", nullptr}});
  }
  return boost::json::serialize(boost::json::object{{"items", std::move(a)}});
}

TEST_F(InstanceTest, EchoesDocumentsFarLargerThanEveryFirstBuffer) {
  auto instance = make();
  ASSERT_TRUE(instance);
  // Small first, so the plugin's output-size hint is small and the large answer must grow its buffer.
  ASSERT_TRUE((*instance)->invoke("echo", boost::json::object{}));
  for (std::size_t items : {10u, 100u, 3000u, 200u}) {
    const std::string text = bigText(items);
    auto out = (*instance)->invoke("echo", boost::json::parse(text));
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(boost::json::serialize(out->document), text) << items << " items";
  }
}

TEST_F(InstanceTest, UnicodeEscapesAndDeepNestingRoundTrip) {
  auto instance = make();
  ASSERT_TRUE(instance);
  static const char kNasty[] = "nul\0tab\tquote\"back\\slash/ctl\x01 \xC3\xBC \xE2\x98\x83 \xF0\x9F\x98\x80";
  const std::string nasty(kNasty, sizeof kNasty - 1);  // with its embedded NUL
  boost::json::value doc = boost::json::object{{nasty, nasty}, {"\xE2\x98\x83", boost::json::array{nasty, 1, -2.5e300}}};
  // 14 × (object + array) + the innermost: within the parser's default max_depth (32), as before.
  for (int depth = 0; depth < 14; ++depth) doc = boost::json::object{{"d" + std::to_string(depth), boost::json::array{doc}}};
  auto out = (*instance)->invoke("echo", doc);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->document, doc);
}

TEST_F(InstanceTest, AnswerMuchLargerThanItsInputGrowsTheOutputBuffer) {
  auto instance = make();
  ASSERT_TRUE(instance);
  for (std::int64_t count : {0, 1, 5000, 3}) {
    auto out = (*instance)->invoke("grow", boost::json::object{{"count", count}});
    ASSERT_TRUE(out) << out.error().message;
    const auto& items = out->document.at("items").as_array();
    ASSERT_EQ(items.size(), static_cast<std::size_t>(count));
    if (count > 0) {
      EXPECT_EQ(items.back().at("i").as_int64(), count - 1);
      EXPECT_EQ(items.back().at("text").as_string(), "\u00fcber \u2603 \xF0\x9F\x98\x80 line\n\"quoted\"");
    }
  }
}

TEST_F(InstanceTest, AnswerOutlivesTheCallAndItsCopiesOutliveTheAnswer) {
  auto instance = make();
  ASSERT_TRUE(instance);
  boost::json::value kept;
  std::vector<boost::json::value> copies;
  {
    auto out = (*instance)->invoke("echo", boost::json::parse(bigText(50)));
    ASSERT_TRUE(out);
    copies.push_back(out->document.at("items").at(7));  // copy-constructed: shares the answer's arena
    kept = out->document;                                 // copy-assigned: onto the default heap
    out->document.as_object()["added"] = bigText(3);      // an edit after the parse (heap, freed normally)
    copies.push_back(std::move(out->document));           // moved: carries the arena on
  }
  instance->reset();  // the plugin and its buffers are gone too
  EXPECT_EQ(copies[0].at("n").as_int64(), 7);
  EXPECT_EQ(copies[1].at("items").as_array().size(), 50u);
  EXPECT_EQ(copies[1].at("added").as_string(), bigText(3));
  EXPECT_EQ(kept.at("items").at(49).at("id").as_string(), "8f3c2a1e-5b7d-4e9f-a1c3-100000000049");
  copies[0].as_object()["more"] = boost::json::array{1, 2, 3};
  copies.erase(copies.begin() + 1);
  EXPECT_EQ(copies[0].at("more").as_array().size(), 3u);
}

TEST_F(InstanceTest, LargeHttpBodiesAreLentAndSmallOnesCopied) {
  auto instance = make();
  ASSERT_TRUE(instance);
  for (std::size_t size : {0u, 5u, 16u * 1024 - 1, 16u * 1024, 1u << 20}) {
    const std::string url = "http://big.test/" + std::to_string(size);
    auto viewed = (*instance)->invoke("http_view", boost::json::object{{"url", url}});
    ASSERT_TRUE(viewed) << viewed.error().message;
    EXPECT_EQ(viewed->document.at("body_size").as_int64(), static_cast<std::int64_t>(size));
    if (size >= 16) {
      EXPECT_EQ(viewed->document.at("head").as_string(), "abcdefghijklmnop");
      std::string tail;
      for (std::size_t i = size - 16; i < size; ++i) tail += static_cast<char>('a' + i % 26);
      EXPECT_EQ(viewed->document.at("tail").as_string(), tail);
    }
    auto copied = (*instance)->invoke("http", boost::json::object{{"url", url}});
    ASSERT_TRUE(copied) << copied.error().message;
    EXPECT_EQ(copied->document.at("body").as_string().size(), size);
  }
}

TEST_F(InstanceTest, HttpRequestJsonBodyArrivesOwnedByTheHost) {
  auto instance = make();
  ASSERT_TRUE(instance);
  const auto payload = boost::json::parse(bigText(40));
  auto out = (*instance)->invoke("http_json", boost::json::object{{"payload", payload}});
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE(services_->last_request);
  ASSERT_TRUE(services_->last_request->json);
  EXPECT_EQ(*services_->last_request->json, payload);
  // The host parsed the request in a call arena; the kept JSON body must be on the default heap.
  EXPECT_EQ(services_->last_request->json->storage().get(), boost::json::storage_ptr().get());
}

TEST_F(InstanceTest, ErrorsAfterLargeAnswersStillCarryTheirDocuments) {
  auto instance = make();
  ASSERT_TRUE((*instance)->invoke("grow", boost::json::object{{"count", 2000}}));
  auto thrown = (*instance)->invoke("throw", boost::json::object{});
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().code, "internal");
  EXPECT_NE(thrown.error().message.find("operation exploded"), std::string::npos);
  auto refused = (*instance)->invoke("refuse", boost::json::parse(bigText(500)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "vendor_error");
  EXPECT_EQ(refused.error().message, "vendor said no");
  auto wrong = (*instance)->invoke("grow", boost::json::object{{"count", "many"}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "invalid_input");
}

TEST(RawSdkEdge, MalformedOrEmptyInputAtTheRawTable) {
  auto loaded = loadPlugin(kFixtures / "libfixture_sdk.so");
  ASSERT_TRUE(loaded) << loaded.error().str();
  const auto& api = (*loaded)->api();
  std::vector<std::string> logs;
  std::map<std::string, std::string, std::less<>> state;
  RecordingServices services(&logs, &state);
  atsync_instance* raw = nullptr;
  atsync_buffer error{nullptr, 0};
  ASSERT_EQ(api.on_instance_create(&hostApi(), reinterpret_cast<atsync_host_context*>(&services), "{}", 2, &raw, &error),
            ATSYNC_STATUS_OK);
  auto call = [&](std::string_view op, std::string_view input, atsync_status want) {
    atsync_buffer out{nullptr, 0};
    atsync_buffer bytes{nullptr, 0};
    EXPECT_EQ(api.on_invoke(raw, op.data(), op.size(), input.data(), input.size(), nullptr, 0, &out, &bytes), want);
    std::string text(reinterpret_cast<const char*>(out.data), out.size);
    api.on_buffer_free(&out);
    api.on_buffer_free(&bytes);
    return boost::json::parse(text);
  };
  EXPECT_EQ(call("echo", "", ATSYNC_STATUS_OK), boost::json::object{});  // no input is {}
  auto bad = call("echo", R"({"a":[1,2)", ATSYNC_STATUS_ERROR);
  EXPECT_EQ(bad.at("code").as_string(), "invalid_input");
  auto trailing = call("echo", R"({"a":1} x)", ATSYNC_STATUS_ERROR);
  EXPECT_EQ(trailing.at("code").as_string(), "invalid_input");
  const std::string big = bigText(2000);
  EXPECT_EQ(boost::json::serialize(call("echo", big, ATSYNC_STATUS_OK)), big);
  auto unknown = call("nope", "{}", ATSYNC_STATUS_ERROR);
  EXPECT_EQ(unknown.at("code").as_string(), "not_supported");
  api.on_instance_destroy(raw);
}

}  // namespace
}  // namespace atsync::host::plugin
