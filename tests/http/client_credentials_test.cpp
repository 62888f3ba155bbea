// SPDX-License-Identifier: Apache-2.0
// Client credentials (RFC 6749 §4.4) against the Greenhouse sandbox's auth server over loopback HTTP: Basic client
// auth, the acting user as `sub`, `expires_at` tokens, no refresh token. The host side is generic; the sandbox is
// simply the strictest token endpoint of this kind in the tree.
#include <atsync/host/http/client.hpp>
#include <atsync/host/http/client_credentials.hpp>
#include <atsync/host/http/connection_http.hpp>

#include <atsync/sandbox/greenhouse/greenhouse_sandbox.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace atsync::host::http {
namespace {

namespace gh = atsync::sandbox::greenhouse;

constexpr const char* kClientId = "cc-client";
constexpr const char* kClientSecret = "cc-secret-5f2a9e";
constexpr const char* kHint = "config /auth/client_id, /auth/client_secret and /auth/user_id ('4080')";

/// Every message of the atsync.* Poco loggers while alive (the host's own lines go there before its Logger).
class CapturedLogs {
 public:
  CapturedLogs() : channel_(new Channel(*this)) {
    // Loggers made later take their parent's channel: make sure "atsync" exists first.
    (void)Poco::Logger::get("atsync");
    Poco::Logger::setChannel("atsync", channel_);
    Poco::Logger::setLevel("atsync", Poco::Message::PRIO_TRACE);
  }
  ~CapturedLogs() {
    Poco::Logger::setChannel("atsync", nullptr);
    Poco::Logger::setLevel("atsync", Poco::Message::PRIO_INFORMATION);
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::string all() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }

 private:
  class Channel final : public Poco::Channel {
   public:
    explicit Channel(CapturedLogs& owner) : owner_(owner) {}
    void log(const Poco::Message& message) override {
      std::lock_guard lock(owner_.mutex_);
      owner_.lines_.push_back(message.getText());
    }

   private:
    CapturedLogs& owner_;
  };
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  Poco::AutoPtr<Channel> channel_;
};

class ClientCredentialsTest : public ::testing::Test {
 protected:
  virtual void configure(gh::GreenhouseSandbox::Options&) {}

  void SetUp() override {
    gh::GreenhouseSandbox::Options o;
    o.rate_limit = 0;
    o.token_rate_limit = 0;
    o.clients = {{kClientId, kClientSecret, false, {}, {}}};
    configure(o);
    sandbox_ = std::make_unique<gh::GreenhouseSandbox>(o);
    sandbox_->start();
    auto client = HttpClient::create();
    ASSERT_TRUE(client);
    client_ = std::move(client.value());
  }
  void TearDown() override { sandbox_->stop(); }

  ClientCredentialsConfig grant(std::string secret = kClientSecret, std::string user = "4080") const {
    ClientCredentialsConfig c;
    c.client.token_url = sandbox_->tokenUrl();
    c.client.client_id = kClientId;
    c.client.client_secret = std::move(secret);
    c.client.timeout_ms = 5000;
    c.client.client_authentication = ClientAuthentication::kBasic;
    c.token_params = {{"sub", std::move(user)}};
    return c;
  }
  std::shared_ptr<ClientCredentials> credentials(ClientCredentialsConfig config) {
    ClientCredentialsOptions options;
    options.connection_label = "cc-test";
    options.config_hint = kHint;
    options.on_new_secrets = [this](const std::vector<std::string>& s) {
      std::lock_guard lock(mutex_);
      announced_.insert(announced_.end(), s.begin(), s.end());
    };
    return std::make_shared<ClientCredentials>(std::move(config), *client_, SystemClock::instance(), nullptr, options);
  }
  std::unique_ptr<ConnectionHttp> lane(std::shared_ptr<Credentials> credentials) {
    ConnectionHttpOptions options;
    options.connection_id = "cc-test";
    options.plugin = "fixture";
    return std::make_unique<ConnectionHttp>(options, *client_, std::move(credentials));
  }
  /// GET /v3/users as the plugin would send it (the host adds the Authorization header).
  Expected<sdk::HttpResponse, sdk::Error> users(ConnectionHttp& http) {
    sdk::HttpRequest request;
    request.url = sandbox_->baseUrl() + "/users?per_page=1";
    request.endpoint = "GET /v3/users";
    return http.execute(request);
  }
  int tokenRequests() const {
    int n = 0;
    for (const auto& r : sandbox_->requests()) n += r.path == "/token" ? 1 : 0;
    return n;
  }
  /// The acting user of a token, as the auth server's introspection says.
  std::string subjectOf(const std::string& authorization) {
    sdk::HttpRequest request;
    request.method = "POST";
    request.url = sandbox_->rootUrl() + "/introspect";
    request.authenticate = false;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Authorization", "Basic " + base64Encode(std::string(kClientId) + ":" + kClientSecret)}};
    const std::string form = "token=" + authorization.substr(7) + "&token_type_hint=access_token";
    auto response = client_->execute(request, {reinterpret_cast<const std::uint8_t*>(form.data()), form.size()});
    if (!response || response->status != 200) return "introspection failed";
    const auto doc = boost::json::parse(response->body).as_object();
    return doc.contains("sub") ? boost::json::value_to<std::string>(doc.at("sub")) : "no sub";
  }
  std::vector<std::string> announced() {
    std::lock_guard lock(mutex_);
    return announced_;
  }

  std::unique_ptr<gh::GreenhouseSandbox> sandbox_;
  std::unique_ptr<HttpClient> client_;
  std::mutex mutex_;
  std::vector<std::string> announced_;
};

TEST_F(ClientCredentialsTest, MintsATokenForTheActingUserAndSendsItAsBearer) {
  auto creds = credentials(grant());
  auto http = lane(creds);
  auto response = users(*http);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(creds->mintCount(), 1);
  EXPECT_EQ(tokenRequests(), 1);
  const auto authorization = creds->authorization(nullptr);
  ASSERT_TRUE(authorization);
  ASSERT_EQ(authorization->rfind("Bearer gh_at_", 0), 0u) << *authorization;
  EXPECT_EQ(subjectOf(*authorization), "4080");
  // The redactor hook heard of the token before it was used; secrets() has the client secret and the token.
  const auto heard = announced();
  EXPECT_NE(std::find(heard.begin(), heard.end(), authorization->substr(7)), heard.end());
  const auto secrets = creds->secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), kClientSecret), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), authorization->substr(7)), secrets.end());
}

TEST_F(ClientCredentialsTest, WithoutAnActingUserTheTokenActsAsTheClient) {
  ClientCredentialsConfig c = grant();
  c.token_params.clear();
  auto creds = credentials(c);
  const auto authorization = creds->authorization(nullptr);
  ASSERT_TRUE(authorization) << authorization.error().message;
  EXPECT_EQ(subjectOf(*authorization), "4090");  // the sandbox's Integration Service User
}

TEST_F(ClientCredentialsTest, ReusesTheTokenUntilItNearsExpiry) {
  auto creds = credentials(grant());
  auto http = lane(creds);
  for (int i = 0; i < 5; ++i) {
    auto response = users(*http);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(creds->mintCount(), 1);
  EXPECT_EQ(tokenRequests(), 1);
}

class ShortLivedTokens : public ClientCredentialsTest {
  void configure(gh::GreenhouseSandbox::Options& o) override { o.token_lifetime_s = 2; }
};

TEST_F(ShortLivedTokens, MintsAgainWhenTheTokenExpiresBeforeTheApiRefusesIt) {
  auto creds = credentials(grant());
  auto http = lane(creds);
  ASSERT_EQ(users(*http)->status, 200);
  const auto first = creds->authorization(nullptr).value();
  EXPECT_EQ(creds->mintCount(), 1);
  // expires_at has whole seconds: the token lives 1 to 2 s. After 2.2 s it is past expiry by any reading.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  auto response = users(*http);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(creds->mintCount(), 2);
  EXPECT_NE(creds->authorization(nullptr).value(), first);
  EXPECT_EQ(sandbox_->counters().unauthorized, 0u);  // renewed ahead, not after a 401
}

TEST_F(ClientCredentialsTest, MintsOnceAgainWhenTheApiAnswers401) {
  auto creds = credentials(grant());
  auto http = lane(creds);
  ASSERT_EQ(users(*http)->status, 200);
  // The tenant forgets every token (as after a revocation): the cached one is refused.
  sandbox_->reset("small");
  auto response = users(*http);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(creds->mintCount(), 2);
  EXPECT_EQ(sandbox_->counters().unauthorized, 1u);
}

TEST_F(ClientCredentialsTest, A401AfterTheNewTokenIsHandedBackWithoutAThirdMint) {
  auto creds = credentials(grant());
  auto http = lane(creds);
  ASSERT_EQ(users(*http)->status, 200);
  sandbox::FaultSettings faults;
  faults.script = {{"GET", "/v3/users", 401, 5, ""}};
  sandbox_->setFaults(faults);
  auto response = users(*http);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(creds->mintCount(), 2);  // the first token, and one mint for the one retry
  EXPECT_EQ(sandbox_->faults().script.front().count, 3);  // two API attempts
}

class SlowTokenEndpoint : public ClientCredentialsTest {
  void configure(gh::GreenhouseSandbox::Options& o) override { o.faults.latency_ms = 300; }
};

TEST_F(SlowTokenEndpoint, EightThreadsAtOnceCauseOneMint) {
  auto creds = credentials(grant());
  auto http = lane(creds);
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::vector<int> statuses(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto response = users(*http);
      statuses[i] = response ? response->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(statuses, std::vector<int>(kThreads, 200));
  EXPECT_EQ(creds->mintCount(), 1);
  EXPECT_EQ(tokenRequests(), 1);
}

TEST_F(ClientCredentialsTest, AWrongSecretIsAFinalErrorNamingTheConfigAndIsNotAskedAgainAtOnce) {
  CapturedLogs logs;
  const std::string wrong = "wrong-secret-77c1";
  auto creds = credentials(grant(wrong));
  auto http = lane(creds);
  auto response = users(*http);
  ASSERT_FALSE(response);
  const sdk::Error& error = response.error();
  EXPECT_EQ(error.code, sdk::errc::kUnauthorized);
  EXPECT_FALSE(error.retryable);
  EXPECT_NE(error.message.find("refused the client credentials"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("HTTP 401"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find(kHint), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find(wrong), std::string::npos) << error.message;
  // Within the hold, the next request fails the same way without another token request.
  auto again = users(*http);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, error.message);
  EXPECT_EQ(tokenRequests(), 1);
  EXPECT_EQ(logs.all().find(wrong), std::string::npos) << logs.all();
  EXPECT_NE(logs.all().find("refused the client credentials"), std::string::npos) << logs.all();
}

TEST_F(ClientCredentialsTest, AnUnknownActingUserIsAFinalErrorThatSaysSo) {
  auto creds = credentials(grant(kClientSecret, "99999"));
  auto result = creds->authorization(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, sdk::errc::kUnauthorized);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_NE(result.error().message.find("HTTP 400, error invalid_grant: sub 99999 is not a user"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("the acting user at " + std::string(kHint)), std::string::npos)
      << result.error().message;
}

TEST_F(ClientCredentialsTest, AnUnreachableTokenEndpointIsRetryable) {
  ClientCredentialsConfig c = grant();
  const std::string url = sandbox_->tokenUrl();
  sandbox_->stop();  // nothing listens on the port any more
  c.client.token_url = url;
  auto creds = credentials(c);
  auto result = creds->authorization(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, sdk::errc::kTransport);
  EXPECT_TRUE(result.error().retryable);
  EXPECT_NE(result.error().message.find("minting an access token at " + url + " failed"), std::string::npos)
      << result.error().message;
}

TEST_F(ClientCredentialsTest, A5xxFromTheTokenEndpointIsRetryableAndTheNextCallMintsAgain) {
  sandbox::FaultSettings faults;
  faults.script = {{"POST", "/token", 503, 1, ""}};
  sandbox_->setFaults(faults);
  auto creds = credentials(grant());
  auto first = creds->authorization(nullptr);
  ASSERT_FALSE(first);
  EXPECT_TRUE(first.error().retryable);
  EXPECT_EQ(first.error().http_status, 503);
  auto second = creds->authorization(nullptr);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(creds->mintCount(), 1);
}

TEST_F(ClientCredentialsTest, TheSecretAndTokensNeverReachLogLinesOrErrors) {
  CapturedLogs logs;
  auto creds = credentials(grant());
  auto http = lane(creds);
  ASSERT_EQ(users(*http)->status, 200);
  const std::string first = creds->authorization(nullptr).value().substr(7);
  sandbox_->reset("small");  // a 401, a second mint
  ASSERT_EQ(users(*http)->status, 200);
  const std::string second = creds->authorization(nullptr).value().substr(7);
  ASSERT_NE(first, second);
  // A 401 that survives the new token: the retry and the answer are logged too.
  sandbox::FaultSettings faults;
  faults.script = {{"GET", "/v3/users", 401, 5, ""}};
  sandbox_->setFaults(faults);
  (void)users(*http);
  const std::string text = logs.all();
  ASSERT_FALSE(logs.lines().empty());
  EXPECT_NE(text.find("minted"), std::string::npos) << text;
  for (const auto& secret : {std::string(kClientSecret), first, second,
                             base64Encode(std::string(kClientId) + ":" + kClientSecret)}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in\n" << text;
  }
}

TEST(TokenExpiry, ReadsExpiresAtAndExpiresInAndTakesTheEarlier) {
  const std::int64_t now_ms = 1'778'500'000'000;  // 2026-05-11T11:46:40Z
  const std::int64_t hour_ms = 3600 * 1000;
  auto expiry = [&](const char* json) {
    return tokenExpiryMs(boost::json::parse(json).as_object(), now_ms, hour_ms);
  };
  EXPECT_EQ(expiry(R"({"expires_at":"2026-05-11T12:46:40Z"})"), now_ms + hour_ms);
  EXPECT_EQ(expiry(R"({"expires_at":"2026-05-11T12:46:40.500Z"})"), now_ms + hour_ms + 500);
  EXPECT_EQ(expiry(R"({"expires_at":"2026-05-11T14:46:40+02:00"})"), now_ms + hour_ms);
  EXPECT_EQ(expiry(R"({"expires_at":1778503600})"), now_ms + hour_ms);
  EXPECT_EQ(expiry(R"({"expires_in":600})"), now_ms + 600 * 1000);
  EXPECT_EQ(expiry(R"({"expires_in":"600"})"), now_ms + 600 * 1000);
  EXPECT_EQ(expiry(R"({"expires_in":600,"expires_at":"2026-05-11T12:46:40Z"})"), now_ms + 600 * 1000);
  EXPECT_EQ(expiry(R"({"expires_in":7200,"expires_at":"2026-05-11T12:46:40Z"})"), now_ms + hour_ms);
  // Neither, nonsense, or already past by this clock: the default lifetime.
  EXPECT_EQ(expiry(R"({})"), now_ms + hour_ms);
  EXPECT_EQ(expiry(R"({"expires_at":"soon"})"), now_ms + hour_ms);
  EXPECT_EQ(expiry(R"({"expires_at":"2026-05-11T10:00:00Z"})"), now_ms + hour_ms);
  EXPECT_EQ(expiry(R"({"expires_at":true,"expires_in":-5})"), now_ms + hour_ms);
}

}  // namespace
}  // namespace atsync::host::http
