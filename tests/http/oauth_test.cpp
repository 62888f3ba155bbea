// SPDX-License-Identifier: Apache-2.0
// OAuth 2 credentials against a small authorization + API server with Lever's rotation rules: every refresh
// returns a new refresh token and the old one dies.
#include "test_server.hpp"

#include <atsync/host/http/connection_http.hpp>
#include <atsync/host/http/oauth2.hpp>

#include <Poco/Net/HTMLForm.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

namespace atsync::host::http {
namespace {

using testing::readBody;
using testing::reply;
using testing::TestServer;

constexpr const char* kClientId = "client-1";
constexpr const char* kClientSecret = "client-secret-xyz";

class AuthServer {
 public:
  AuthServer() : server_([this](auto& req, auto& resp) { handle(req, resp); }) {}

  std::string url(const std::string& path) const { return server_.url(path); }
  OAuthClientConfig config() const { return {url("/oauth/token"), kClientId, kClientSecret, 5000}; }

  // State, guarded by mutex.
  std::mutex mutex;
  std::string access{"at-0"};
  std::string refresh{"rt-0"};
  std::string rejected_access;  // an access token the API refuses with 401 (expired early, as vendors may)
  bool revoked = false;
  int generation = 0;
  int refreshes = 0;
  int token_calls = 0;
  int api_calls = 0;
  int token_delay_ms = 0;
  boost::json::value expires_in = 3600;  ///< what the token answers say (a test may make it absurd)
  std::function<void(const std::string& access)> on_api_call;  // called with the access token that was accepted

 private:
  std::string issue() {
    ++generation;
    access = "at-" + std::to_string(generation);
    refresh = "rt-" + std::to_string(generation);
    return boost::json::serialize(boost::json::object{{"access_token", access},
                                                      {"refresh_token", refresh},
                                                      {"token_type", "Bearer"},
                                                      {"scope", "offline_access opportunities:write:admin"},
                                                      {"expires_in", expires_in}});
  }

  void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    if (req.getURI() == "/oauth/token") {
      Poco::Net::HTMLForm form(req, req.stream());
      int delay_ms = 0;
      {
        std::lock_guard lock(mutex);
        delay_ms = token_delay_ms;
      }
      testing::slowSleep(server_, delay_ms);
      std::lock_guard lock(mutex);
      ++token_calls;
      if (form.get("client_id", "") != kClientId || form.get("client_secret", "") != kClientSecret) {
        reply(resp, 401, R"({"error":"invalid_client"})");
        return;
      }
      const std::string grant = form.get("grant_type", "");
      if (grant == "refresh_token" && !revoked && form.get("refresh_token", "") == refresh) {
        ++refreshes;
        reply(resp, 200, issue());
      } else if (grant == "authorization_code" && form.get("code", "") == "good-code" &&
                 form.get("redirect_uri", "") == "http://127.0.0.1:8080/oauth/callback") {
        revoked = false;
        reply(resp, 200, issue());
      } else {
        reply(resp, 400, R"({"error":"invalid_grant","error_description":"Unknown or invalid refresh token."})");
      }
      return;
    }
    readBody(req);
    std::function<void(const std::string&)> hook;
    std::string token;
    bool ok = false;
    {
      std::lock_guard lock(mutex);
      ++api_calls;
      token = req.get("Authorization", "");
      ok = token == "Bearer " + access && token != "Bearer " + rejected_access;
      hook = on_api_call;
    }
    if (ok && hook) hook(token.substr(7));
    reply(resp, ok ? 200 : 401, ok ? R"({"data":[]})" : R"({"code":"UnauthorizedError"})");
  }

  TestServer server_;
};

std::int64_t nowMs() { return SystemClock::instance().nowMs(); }

struct Fixture {
  AuthServer auth;
  std::unique_ptr<HttpClient> client = std::move(HttpClient::create()).value();
  InMemoryTokenStore store;
  std::shared_ptr<ConnectionMetrics> metrics = std::make_shared<ConnectionMetrics>("acme", "lever");
  std::shared_ptr<OAuth2> oauth;
  std::unique_ptr<ConnectionHttp> http;

  explicit Fixture(std::optional<OAuthTokens> initial) {
    if (initial) store.save(*initial);
    oauth = std::make_shared<OAuth2>(auth.config(), store, *client, SystemClock::instance(), metrics,
                                     OAuth2Options{60000, "acme/lever"});
    ConnectionHttpOptions options;
    options.connection_id = "acme";
    options.plugin = "lever";
    http = std::make_unique<ConnectionHttp>(options, *client, oauth, metrics);
  }
  Expected<sdk::HttpResponse, sdk::Error> get() {
    sdk::HttpRequest req;
    req.url = auth.url("/v1/opportunities");
    req.idempotent = true;
    return http->execute(req);
  }
};

TEST(HttpService, RefreshesAnExpiringTokenAndPersistsTheRotatedOneBeforeUse) {
  // Expires in 30 s: inside the 60 s skew, so it is refreshed before use.
  Fixture f(OAuthTokens{"at-0", "rt-0", nowMs() + 30000, ""});
  std::vector<std::string> store_refresh_when_api_saw_new_token;
  int api_calls_with_new_token_at_save = -1;
  f.auth.on_api_call = [&](const std::string& access) {
    if (access == "at-1") store_refresh_when_api_saw_new_token.push_back(f.store.load()->refresh_token);
  };
  f.store.setSaveHook([&](const OAuthTokens& saved) {
    if (saved.access_token == "at-1") {
      std::lock_guard lock(f.auth.mutex);
      api_calls_with_new_token_at_save = f.auth.api_calls;
    }
  });

  auto first = f.get();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->status, 200);
  auto second = f.get();
  ASSERT_TRUE(second.has_value());

  EXPECT_EQ(f.auth.refreshes, 1);  // the new token lasts an hour: no second refresh
  // The store held the rotated refresh token before the API ever saw the new access token.
  EXPECT_EQ(api_calls_with_new_token_at_save, 0);
  ASSERT_EQ(store_refresh_when_api_saw_new_token.size(), 2u);
  EXPECT_EQ(store_refresh_when_api_saw_new_token[0], "rt-1");
  const auto stored = f.store.load();
  EXPECT_EQ(stored->access_token, "at-1");
  EXPECT_EQ(stored->refresh_token, "rt-1");
  EXPECT_EQ(stored->scope, "offline_access opportunities:write:admin");
  EXPECT_GT(stored->expires_at_ms, nowMs() + 3500 * 1000);
  EXPECT_EQ(f.metrics->snapshot().token_refreshes, 1u);
  EXPECT_EQ(f.oauth->state(), OAuthState::kAuthorized);
}

TEST(HttpService, ConcurrentRequestsTriggerASingleRefresh) {
  Fixture f(OAuthTokens{"at-0", "rt-0", nowMs() - 1000, ""});  // already expired
  f.auth.token_delay_ms = 200;  // keep the refresh in flight while the others arrive
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto res = f.get();
      if (res.has_value() && res->status == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(f.auth.token_calls, 1);
  EXPECT_EQ(f.store.saveCount(), 2);  // the initial tokens, then the one rotation
}

/// One tokens row shared by several "processes", with the claim protocol the durable store implements
/// (secrets::StoreTokenStore over tokens.refresh_holder / refresh_until_ms), for OAuth2's side of it.
struct SharedTokenRow {
  std::mutex mutex;
  std::optional<OAuthTokens> tokens;
  std::string holder;
  std::int64_t until_ms = 0;
  int saves = 0;
};

class SharedRowView final : public TokenStore {
 public:
  SharedRowView(SharedTokenRow& row, std::string holder) : row_(row), holder_(std::move(holder)) {}
  std::optional<OAuthTokens> load() override {
    std::lock_guard lock(row_.mutex);
    return row_.tokens;
  }
  void save(const OAuthTokens& tokens) override {
    std::lock_guard lock(row_.mutex);
    row_.tokens = tokens;
    row_.holder.clear();
    row_.until_ms = 0;
    ++row_.saves;
  }
  RefreshClaim claimRefresh(const std::string& refresh_token, std::int64_t hold_ms) override {
    std::lock_guard lock(row_.mutex);
    if (!row_.tokens || row_.tokens->refresh_token != refresh_token) {
      return {RefreshClaim::Kind::kMovedOn, row_.tokens};
    }
    if (row_.until_ms >= nowMs() && row_.holder != holder_) return {RefreshClaim::Kind::kBusy, std::nullopt};
    row_.holder = holder_;
    row_.until_ms = nowMs() + hold_ms;
    return {RefreshClaim::Kind::kClaimed, std::nullopt};
  }
  void releaseRefresh() override {
    std::lock_guard lock(row_.mutex);
    if (row_.holder == holder_) row_.until_ms = 0;
  }

 private:
  SharedTokenRow& row_;
  const std::string holder_;
};

TEST(HttpService, TwoProcessesSharingTheTokenStoreRefreshOnceAndBothUseTheResult) {
  AuthServer auth;
  auth.token_delay_ms = 300;  // the first refresh is still in flight when the other process finds the token due
  SharedTokenRow row;
  row.tokens = OAuthTokens{"at-0", "rt-0", nowMs() - 1000, ""};  // expired
  auto client = std::move(HttpClient::create()).value();
  SharedRowView server_view(row, "server");
  SharedRowView import_view(row, "import");
  OAuth2 server(auth.config(), server_view, *client, SystemClock::instance(), nullptr, OAuth2Options{60000, "server"});
  OAuth2 import(auth.config(), import_view, *client, SystemClock::instance(), nullptr, OAuth2Options{60000, "import"});

  std::vector<std::string> answers(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto a = (i % 2 == 0 ? server : import).authorization(nullptr);
      answers[i] = a ? *a : "error: " + a.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& a : answers) EXPECT_EQ(a, "Bearer at-1");
  EXPECT_EQ(auth.token_calls, 1) << "the refresh token rotates on use: a second refresh would have been refused";
  EXPECT_EQ(row.saves, 1);
  EXPECT_EQ(row.tokens->refresh_token, "rt-1");
  EXPECT_EQ(server.state(), OAuthState::kAuthorized);
  EXPECT_EQ(import.state(), OAuthState::kAuthorized);

  // Later the server refreshes again (the vendor refused at-1 early); the import process's copy is then behind,
  // and the 401 it gets makes it look in the store rather than spend its stale refresh token.
  ASSERT_TRUE(server.onUnauthorized("Bearer at-1", nullptr));
  ASSERT_EQ(*server.authorization(nullptr), "Bearer at-2");
  EXPECT_TRUE(import.onUnauthorized("Bearer at-1", nullptr));
  EXPECT_EQ(*import.authorization(nullptr), "Bearer at-2");
  EXPECT_EQ(auth.token_calls, 2);
}

TEST(HttpService, RefreshesOnceOn401AndRetries) {
  Fixture f(OAuthTokens{"at-0", "rt-0", nowMs() + 3600 * 1000, ""});
  f.auth.rejected_access = "at-0";  // the vendor dropped the token early
  sdk::HttpRequest post;
  post.method = "POST";  // a 401 was not applied, so even a write may be retried once
  post.url = f.auth.url("/v1/opportunities/o1/notes");
  post.json = boost::json::object{{"value", "hi"}};
  auto res = f.http->execute(post);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(f.auth.refreshes, 1);
  EXPECT_EQ(f.auth.api_calls, 2);
  EXPECT_EQ(f.store.load()->refresh_token, "rt-1");
}

TEST(HttpService, RevokedRefreshNeedsReauthorizationAndFailsFast) {
  Fixture f(OAuthTokens{"at-0", "rt-0", nowMs() - 1000, ""});
  f.auth.revoked = true;
  auto res = f.get();
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kUnauthorized);
  EXPECT_FALSE(res.error().retryable);
  EXPECT_NE(res.error().message.find("re-authorize"), std::string::npos) << res.error().message;
  EXPECT_TRUE(f.oauth->needsReauthorization());
  EXPECT_EQ(f.oauth->state(), OAuthState::kNeedsReauthorization);
  EXPECT_EQ(f.metrics->snapshot().token_refresh_failures, 1u);

  // Fails fast: no token call, no API call, no waiting.
  const int token_calls = f.auth.token_calls;
  const auto t0 = std::chrono::steady_clock::now();
  auto again = f.get();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, sdk::errc::kUnauthorized);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(100));
  EXPECT_EQ(f.auth.token_calls, token_calls);
  EXPECT_EQ(f.auth.api_calls, 0);

  // An administrator re-authorizes: the callback exchanges the code and hands the tokens over.
  auto tokens = exchangeAuthorizationCode(*f.client, f.auth.config(), "good-code", "http://127.0.0.1:8080/oauth/callback");
  ASSERT_TRUE(tokens.has_value()) << tokens.error().message;
  EXPECT_EQ(tokens->access_token, "at-1");
  ASSERT_TRUE(f.oauth->adoptTokens(*tokens).has_value());
  EXPECT_EQ(f.oauth->state(), OAuthState::kAuthorized);
  auto after = f.get();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, 200);
}

TEST(HttpService, RefusesAWrongAuthorizationCode) {
  Fixture f(std::nullopt);
  auto tokens = exchangeAuthorizationCode(*f.client, f.auth.config(), "bad-code", "http://127.0.0.1:8080/oauth/callback");
  ASSERT_FALSE(tokens.has_value());
  EXPECT_EQ(tokens.error().code, sdk::errc::kUnauthorized);
  EXPECT_EQ(tokens.error().http_status, 400);
  EXPECT_EQ(tokens.error().message.find("bad-code"), std::string::npos) << tokens.error().message;
}

TEST(HttpService, ATokenEndpointOverItsBudgetSaysWhenToComeBack) {
  TestServer server([](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    testing::readBody(req);
    resp.set("Retry-After", "42");
    testing::reply(resp, 429, R"({"error":"rate_limited"})");
  });
  auto client = std::move(HttpClient::create()).value();
  OAuthClientConfig config;
  config.token_url = server.url("/token");
  config.client_id = "client";
  config.client_secret = "secret";
  auto tokens = requestClientCredentialsToken(*client, config, {{"sub", "4080"}});
  ASSERT_FALSE(tokens.has_value());
  EXPECT_EQ(tokens.error().code, sdk::errc::kRateLimited);
  EXPECT_TRUE(tokens.error().retryable);
  EXPECT_EQ(tokens.error().retry_after_ms, 42000) << "the endpoint's own Retry-After, for the dispatcher";
}

TEST(HttpService, NeverAuthorizedConnectionFailsFast) {
  Fixture f(std::nullopt);
  EXPECT_EQ(f.oauth->state(), OAuthState::kNotAuthorized);
  auto res = f.get();
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kUnauthorized);
  EXPECT_EQ(f.auth.api_calls + f.auth.token_calls, 0);
}

TEST(HttpService, HoldsBackRotatedTokensUntilTheStoreAcceptsThem) {
  Fixture f(OAuthTokens{"at-0", "rt-0", nowMs() - 1000, ""});
  f.store.failNextSave(true);
  auto res = f.get();
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kInternal);
  EXPECT_EQ(f.auth.api_calls, 0);  // the unsaved access token was never used
  // The store recovers: the held-back tokens are saved, then used, without a second refresh (rt-0 is dead).
  auto again = f.get();
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(f.auth.refreshes, 1);
  EXPECT_EQ(f.store.load()->refresh_token, "rt-1");
}

TEST(HttpService, AnAbsurdExpiresInFallsBackToTheDefaultLifetime) {
  // Found by the fuzzing review: a double out of int64's range was cast as is (undefined), and a huge integer
  // overflowed `* 1000` into an expiry in the past or far future.
  for (const boost::json::value absurd : {boost::json::value(1.79e308), boost::json::value(-5),
                                          boost::json::value("99999999999999999999"),
                                          boost::json::value(INT64_MAX)}) {
    Fixture f(std::nullopt);
    {
      std::lock_guard lock(f.auth.mutex);
      f.auth.expires_in = absurd;
    }
    auto tokens = exchangeAuthorizationCode(*f.client, f.auth.config(), "good-code",
                                            "http://127.0.0.1:8080/oauth/callback");
    ASSERT_TRUE(tokens.has_value()) << tokens.error().message;
    EXPECT_NEAR(static_cast<double>(tokens->expires_at_ms - nowMs()), 3600.0 * 1000, 60.0 * 1000)
        << boost::json::serialize(absurd);
  }
}

}  // namespace
}  // namespace atsync::host::http
