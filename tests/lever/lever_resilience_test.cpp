// SPDX-License-Identifier: Apache-2.0
// The connector when Lever is large, busy, broken or rotating its tokens: 12,000 opportunities, 429 storms,
// 5xx, access tokens that expire mid-run with rotating refresh tokens, and answers that are not JSON at all.
#include "lever_fixture.hpp"

#include <atsync/sandbox/http_server.hpp>

#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace atsync::lever::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class LeverLargeAccount : public LeverConnectorTest {
 protected:
  void configure(LeverSandbox::Options& o) override {
    o.seed = "large";
    o.rate_per_second = 0;  // this test is about pagination, not pacing
  }
};

TEST_F(LeverLargeAccount, ImportsEveryOpportunityAcrossPages) {
  // 120 pages: twelve seconds at Lever's 10 requests/s, which the host keeps to whatever the sandbox allows.
  auto lever = connect();
  std::set<std::string> ids;
  int pages = 0;
  json::value cursor = nullptr;
  do {
    json::object input;
    if (!cursor.is_null()) input["cursor"] = cursor;
    auto page = ok(*lever, "import.page", input);
    ASSERT_FALSE(page.empty());
    const auto& opportunities = page.at("opportunities").as_array();
    EXPECT_LE(opportunities.size(), 100u);
    for (const auto& o : opportunities) ids.insert(std::string(o.at("id").as_string()));
    cursor = page.at("cursor");
    ++pages;
  } while (!cursor.is_null() && pages < 1000);
  EXPECT_EQ(ids.size(), sandbox_->state().opportunityCount());
  EXPECT_GE(ids.size(), 12000u);
  EXPECT_EQ(pages, 120);
}

TEST_F(LeverLargeAccount, PollWalksEveryPageOfTheWindow) {
  auto lever = connect();
  // A window holding the newest 1,500 of the 12,000 opportunities: 15 pages at Lever's 10 requests/s.
  std::vector<std::int64_t> updated;
  for (const auto& o : sandbox_->state().opportunities()) updated.push_back(o.updated_at_ms);
  std::sort(updated.begin(), updated.end());
  const std::int64_t cursor = updated[updated.size() - 1500];
  // Reported: every opportunity created in the window, and every one whose stage moved in it.
  std::set<std::string> expected;
  for (const auto& o : sandbox_->state().opportunities()) {
    if (o.updated_at_ms < cursor) continue;
    if (o.created_at_ms >= cursor || o.stage_changes.back().updated_at_ms >= cursor) expected.insert(o.id);
  }
  ASSERT_GE(expected.size(), 1000u);
  const auto out = ok(*lever, "changes.poll", json::object{{"cursor", std::to_string(cursor)}});
  std::set<std::string> reported;
  for (const auto& e : out.at("events").as_array()) {
    const auto& d = e.at("data");
    reported.insert(text(e.at("type") == "stage.changed" ? d.at("subject_id") : d.at("opportunity_id")));
  }
  EXPECT_EQ(reported, expected);
  EXPECT_EQ(text(out.at("cursor")), std::to_string(updated.back()));
}

class LeverBusy : public LeverConnectorTest {
 protected:
  void configure(LeverSandbox::Options& o) override {
    // Lever is having a bad day: far below its documented 10/s, so the host's pacing alone cannot avoid 429s.
    o.rate_per_second = 4;
    o.burst = 2;
  }
};

/// What the dispatcher does with a failed call, in miniature: a retryable error is tried again after the wait it
/// names (or a short backoff), up to a bound. The connector itself makes one attempt.
host::Expected<host::plugin::OperationOutput, sdk::Error> untilDone(ConnectorHarness& lever, std::string_view operation,
                                                                    const json::value& input, int* retryable_errors) {
  for (int attempt = 1;; ++attempt) {
    auto out = lever.invoke(operation, input);
    if (out || !out.error().retryable || attempt == 40) return out;
    ++*retryable_errors;
    EXPECT_EQ(out.error().code, "rate_limited") << out.error().message;
    EXPECT_FALSE(out.error().outcome_unknown) << "a 429, or a request never sent, was not applied";
    std::this_thread::sleep_for(std::chrono::milliseconds(out.error().retry_after_ms.value_or(100)));
  }
}

TEST_F(LeverBusy, A429StormIsRiddenOutByRetryingTheCallWithoutDuplicateWrites) {
  auto lever = connect();
  std::vector<std::thread> threads;
  std::mutex mutex;
  int succeeded = 0;
  int retryable_errors = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        int retried = 0;
        auto out = i % 2 == 0 ? untilDone(*lever, "stages.list", json::object{}, &retried)
                              : untilDone(*lever, "opportunity.create",
                                          json::object{{"key", "storm/" + std::to_string(t) + "/" + std::to_string(i)},
                                                       {"person", newPerson("Storm " + std::to_string(t * 10 + i),
                                                                            "storm" + std::to_string(t * 10 + i) + "@example.net")},
                                                       {"posting_id", seed::kPostingBackend},
                                                       {"origin", "sourced"}},
                                          &retried);
        std::lock_guard lock(mutex);
        retryable_errors += retried;
        if (out) {
          ++succeeded;
        } else {
          ADD_FAILURE() << out.error().code << ": " << out.error().message;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded, 16);
  EXPECT_GT(sandbox_->counters().rate_limited, 0u) << "the storm did not happen";
  EXPECT_GT(retryable_errors, 0) << "the connector absorbed the storm itself instead of reporting it";
  for (int n : {1, 3, 11, 13, 21, 23, 31, 33}) {
    EXPECT_EQ(sandbox_->state().opportunitiesByEmail("storm" + std::to_string(n) + "@example.net").size(), 1u) << n;
  }
}

TEST_F(LeverBusy, A429IsReportedAtOnceAsRateLimited) {
  sandbox_->setRateLimit(0.1, 1);
  auto lever = connect();
  ok(*lever, "stages.list", json::object{});  // the one token of Lever's bucket
  const auto before = sandbox_->counters().requests;
  const auto e = fails(*lever, "postings.list", json::object{});
  EXPECT_EQ(e.code, "rate_limited");
  EXPECT_TRUE(e.retryable);
  EXPECT_FALSE(e.outcome_unknown);
  EXPECT_EQ(e.http_status, 429);
  EXPECT_FALSE(e.retry_after_ms) << "Lever sends no Retry-After: the dispatcher's backoff decides";
  EXPECT_THAT(e.message, HasSubstr("GET /postings"));
  EXPECT_EQ(sandbox_->counters().requests - before, 1u) << "one request, no retries in the HTTP service";
}

TEST_F(LeverConnectorTest, ServerErrorsAreReturnedAtOnceRetryableAndWritesOutcomeUnknown) {
  auto lever = connect();
  sandbox::FaultSettings broken;
  broken.error_rate = 1;
  sandbox_->setFaults(broken);
  auto before = sandbox_->counters().requests;
  auto e = fails(*lever, "stages.list", json::object{});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_TRUE(e.retryable);
  EXPECT_FALSE(e.outcome_unknown);
  EXPECT_EQ(sandbox_->counters().requests - before, 1u) << "a 5xx on a read goes back at once, for the dispatcher";
  before = sandbox_->counters().requests;
  e = fails(*lever, "opportunity.create",
            json::object{{"key", "k/5xx"}, {"person", newPerson("Five Hundred", "five@example.net")},
                         {"posting_id", seed::kPostingBackend}, {"origin", "sourced"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_TRUE(e.outcome_unknown) << "the engine must run opportunity.find before creating again";
  EXPECT_EQ(sandbox_->counters().requests - before, 1u);
  sandbox_->setFaults({});
}

TEST_F(LeverConnectorTest, A503WithALongRetryAfterCarriesItToTheCaller) {
  auto lever = connect();
  sandbox::FaultSettings maintenance;
  maintenance.script = {{"GET", "/stages", 503, 1, "120"}};
  sandbox_->setFaults(maintenance);
  const auto e = fails(*lever, "stages.list", json::object{});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.http_status, 503);
  EXPECT_EQ(e.retry_after_ms, 120000) << "the dispatcher schedules the next attempt no sooner than Lever asked";
  EXPECT_EQ(sandbox_->counters().faults.scripted, 1u);
}

TEST_F(LeverConnectorTest, A503WithRetryAfterZeroIsRepeatedOnceByTheHost) {
  auto lever = connect();
  sandbox::FaultSettings blip;
  blip.script = {{"GET", "/stages", 503, 1, "0"}};
  sandbox_->setFaults(blip);
  const auto before = sandbox_->counters().requests;
  ok(*lever, "stages.list", json::object{});
  EXPECT_EQ(sandbox_->counters().requests - before, 2u);
  EXPECT_EQ(sandbox_->counters().faults.scripted, 1u);
}

TEST_F(LeverConnectorTest, MapsLeversRefusals) {
  auto cfg = config();
  cfg["auth"] = {{"mode", "api_key"}, {"api_key", "wrong-key"}};
  auto stranger = connect(cfg);
  auto e = fails(*stranger, "postings.list", json::object{});
  EXPECT_EQ(e.code, "unauthorized");
  EXPECT_EQ(e.http_status, 401);

  cfg = config();
  cfg["perform_as"] = seed::kUserDeactivated;
  auto ghost = connect(cfg);
  e = fails(*ghost, "opportunity.create",
            json::object{{"key", "k/ghost"}, {"person", newPerson("G", "g@example.net")},
                         {"posting_id", seed::kPostingBackend}, {"origin", "sourced"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_THAT(e.message, HasSubstr("perform_as"));
  EXPECT_FALSE(e.retryable);
}

// ---- OAuth ----

class LeverOAuth : public LeverConnectorTest {
 protected:
  void configure(LeverSandbox::Options& o) override { o.token_expires_in_s = 1; }

  /// Authorizes like a Lever Super Admin clicking Accept, and exchanges the code.
  host::http::OAuthTokens authorize() {
    const std::string redirect = "http://127.0.0.1:9/oauth/callback";
    const std::string scope = "offline_access opportunities:write:admin notes:write:admin files:write:admin "
                              "postings:read:admin stages:read:admin users:read:admin webhooks:write:admin";
    auto r = rawHttp(sandbox_->port(), "GET",
                     "/oauth/authorize?client_id=" + std::string(kClientId) + "&redirect_uri=" + encode(redirect) +
                         "&response_type=code&state=s1&audience=" + encode(sandbox_->baseUrl() + "/") +
                         "&scope=" + encode(scope) + "&auto=approve");
    EXPECT_EQ(r.status, 302) << r.body;
    const std::string location = r.header("Location");
    const auto at = location.find("code=");
    EXPECT_NE(at, std::string::npos) << location;
    std::string code = location.substr(at + 5);
    code = code.substr(0, code.find('&'));
    r = rawHttp(sandbox_->port(), "POST", "/oauth/token",
                "grant_type=authorization_code&client_id=" + std::string(kClientId) + "&client_secret=" + kClientSecret +
                    "&code=" + code + "&redirect_uri=" + encode(redirect),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 200) << r.body;
    const auto doc = json::parse(r.body).as_object();
    host::http::OAuthTokens t;
    t.access_token = std::string(doc.at("access_token").as_string());
    t.refresh_token = std::string(doc.at("refresh_token").as_string());
    // The host believes the token is good for an hour; Lever's sandbox lets it die after one second.
    t.expires_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count() + 3600000;
    t.scope = scope;
    return t;
  }

  json::object oauthConfig() const {
    auto cfg = config();
    cfg["auth"] = {{"mode", "oauth"},
                   {"client_id", kClientId},
                   {"client_secret", kClientSecret},
                   {"authorize_url", sandbox_->authorizeUrl()},
                   {"token_url", sandbox_->tokenUrl()},
                   {"audience", sandbox_->baseUrl() + "/"}};
    return cfg;
  }
};

TEST_F(LeverOAuth, AccessTokenExpiringMidRunIsRefreshedAndRotationHonoured) {
  HarnessOptions options;
  options.initial_tokens = authorize();
  const std::string first_refresh = options.initial_tokens->refresh_token;
  auto lever = connect(oauthConfig(), options);
  EXPECT_EQ(ok(*lever, "stages.list", json::object{}).at("stages").as_array().size(), sandbox_->state().stages().size());

  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the access token dies mid-run
  EXPECT_EQ(ok(*lever, "postings.list", json::object{}).at("postings").as_array().size(), 4u);
  const auto rotated = lever->tokens().load();
  ASSERT_TRUE(rotated);
  EXPECT_NE(rotated->refresh_token, first_refresh) << "Lever rotates refresh tokens on every refresh";
  // The old refresh token is dead at Lever: only the saved rotation keeps the connection alive.
  const auto dead = rawHttp(sandbox_->port(), "POST", "/oauth/token",
                            "grant_type=refresh_token&client_id=" + std::string(kClientId) +
                                "&client_secret=" + kClientSecret + "&refresh_token=" + encode(first_refresh),
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_GE(dead.status, 400);

  // Again, later in the run: the rotated refresh token works, and so do writes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto created = ok(*lever, "opportunity.create",
                          json::object{{"key", "oauth/1"}, {"person", newPerson("Oauth Person", "oauth@example.net")},
                                       {"posting_id", seed::kPostingBackend}, {"origin", "sourced"}});
  EXPECT_FALSE(created.empty());
  EXPECT_EQ(sandbox_->state().opportunitiesByEmail("oauth@example.net").size(), 1u);
  EXPECT_GE(lever->connector().oauth()->refreshCount(), 2);
}

TEST_F(LeverOAuth, RevokedAccessIsUnauthorized) {
  HarnessOptions options;
  options.initial_tokens = authorize();
  auto lever = connect(oauthConfig(), options);
  sandbox_->revokeClient(kClientId);  // "Revoke Access" in Lever's Authorized Apps
  const auto e = fails(*lever, "stages.list", json::object{});
  EXPECT_EQ(e.code, "unauthorized") << e.message;
}

// ---- answers that are not what Lever documents ----

/// A stand-in for a broken Lever (or a proxy in front of it): fixed answers per path, requests recorded.
class BrokenLever {
 public:
  BrokenLever()
      : server_({}, [this](sandbox::Request& r) {
          std::lock_guard lock(mutex_);
          targets_.push_back(r.raw_target);
          return answer(r);
        }) {
    server_.start();
  }
  ~BrokenLever() { server_.stop(); }
  std::string baseUrl() const { return server_.baseUrl() + "/v1"; }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  static sandbox::Response json200(std::string body) {
    sandbox::Response r{200, {}, std::move(body), false};
    r.setHeader("Content-Type", "application/json; charset=utf-8");
    return r;
  }
  static sandbox::Response answer(const sandbox::Request& r) {
    if (r.path == "/v1/postings") {
      // Page one is fine; page two is cut off mid-record (a dropped proxy connection).
      if (!r.queryRaw("offset")) {
        return json200(R"({"data":[{"id":"p1","text":"A","state":"published"}],"hasNext":true,"next":"%5B1%2C2%5D"})");
      }
      return json200(R"({"data":[{"id":"p2","text":"B","sta)");
    }
    if (r.path == "/v1/stages") return json200("<html><body>502 Bad Gateway</body></html>");
    if (r.path == "/v1/opportunities") return json200(R"({"data":[{"name":"no id"}],"hasNext":false})");
    if (r.path == "/v1/webhooks") return json200(R"({"data":{"oops":true}})");
    if (r.path.ends_with("/notes")) return json200(R"({"data":[],"hasNext":true})");
    if (r.path.ends_with("/stage")) return json200(R"({"data":{"id":"o1","stage":)");
    return sandbox::Response{404, {}, R"({"code":"ResourceNotFound","message":"no"})", false};
  }

  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  sandbox::HttpServer server_;
};

TEST(LeverConnector, MalformedAndTruncatedAnswersAreBadResponsesNamingTheEndpoint) {
  BrokenLever broken;
  ConnectorHarness lever("lever", json::object{{"base_url", broken.baseUrl()},
                                               {"auth", {{"mode", "api_key"}, {"api_key", "k"}}},
                                               {"perform_as", "user-1"}});
  ASSERT_TRUE(lever.ok()) << lever.error();
  auto expectBad = [&](std::string_view op, const json::object& input, std::string_view endpoint, std::string_view what) {
    auto out = lever.invoke(op, input);
    ASSERT_FALSE(out) << op << " succeeded";
    EXPECT_EQ(out.error().code, "bad_response") << op << ": " << out.error().message;
    EXPECT_THAT(out.error().message, HasSubstr(std::string(endpoint)));
    EXPECT_THAT(out.error().message, HasSubstr(std::string(what)));
  };
  expectBad("postings.list", {}, "GET /postings", "truncated");
  expectBad("stages.list", {}, "GET /stages", "not valid JSON");
  expectBad("import.page", {}, "GET /opportunities", "no 'id'");
  expectBad("webhooks.register", {{"url", "http://127.0.0.1:9/hook"}}, "GET /webhooks", "'data' array");
  expectBad("note.find", {{"key", "k"}, {"opportunity_id", "o1"}}, "GET /opportunities/:id/notes", "no 'next'");
  expectBad("opportunity.set_stage", {{"opportunity_id", "o1"}, {"stage_id", "offer"}}, "PUT /opportunities/:id/stage",
            "truncated");
  // The offset token went back exactly as Lever wrote it, %-escapes and all.
  bool saw_offset = false;
  for (const auto& t : broken.targets()) saw_offset = saw_offset || t.find("offset=%5B1%2C2%5D") != std::string::npos;
  EXPECT_TRUE(saw_offset);
}

}  // namespace
}  // namespace atsync::lever::testing
