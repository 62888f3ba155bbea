// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <algorithm>
#include <random>
#include <stdexcept>

#include "lever_fixture.hpp"

namespace atsync::sandbox::lever::testing {
namespace {

using LeverSandbox = LeverTest;

TEST_F(LeverSandbox, BadInputGetsLeverStyle400sNeverACrash) {
  const std::string create = "/opportunities?" + performAs();
  const std::vector<std::string> bodies = {"{", "[]", "null", "\"x\"", R"({"emails":"notalist"})", R"({"emails":[1,2]})",
                                 R"({"name":42})", R"({"origin":"martian"})", R"({"phones":[{"type":"x"}]})",
                                 R"({"createdAt":"yesterday"})", R"({"archived":"no"})", R"({"tags":{"a":1}})",
                                 std::string(100000, '[')};
  for (const auto& body : bodies) {
    auto r = api("POST", create, body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 40) << " -> " << r.body;
    EXPECT_EQ(r.json().at("code").as_string(), "BadRequestError") << body.substr(0, 40);
  }
  const std::string id = sandbox_->state().opportunities()[0].id;
  EXPECT_EQ(api("PUT", "/opportunities/" + id + "/stage", R"({"stage":7})").status, 400);
  EXPECT_EQ(api("PUT", "/opportunities/" + id + "/archived", R"({"reason":[1]})").status, 400);
  EXPECT_EQ(api("POST", "/opportunities/" + id + "/notes", R"({"value":"x","score":9})").status, 400);
  EXPECT_EQ(api("POST", "/opportunities/" + id + "/files?" + performAs(), "not multipart").status, 400);
  EXPECT_EQ(api("POST", "/webhooks", R"({"data":1})").status, 400);
  EXPECT_EQ(api("GET", "/opportunities?created_at_start=abc").status, 400);

  // Random bytes at every write endpoint: only 4xx answers.
  std::mt19937 rng(7);
  const std::vector<std::string> targets = {create, "/opportunities/" + id + "/notes", "/webhooks",
                                            "/opportunities/" + id + "/addTags"};
  for (int i = 0; i < 60; ++i) {
    std::string junk(rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() % 256);
    auto r = api("POST", targets[i % targets.size()], junk.empty() ? "{" : junk,
                 i % 3 == 0 ? "multipart/form-data; boundary=xyz" : "application/json");
    EXPECT_GE(r.status, 400) << i;
    EXPECT_LT(r.status, 500) << i;
  }
  EXPECT_EQ(api("GET", "/stages").status, 200);  // still alive
}

TEST_F(LeverSandbox, HugeBodiesGet413) {
  auto r = api("POST", "/opportunities?" + performAs(), std::string(35u * 1024u * 1024u, ' '));
  // The server may close before the whole body is sent; either way no crash and no write.
  if (r.status != 0) {
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.json().at("code").as_string(), "RequestEntityTooLarge");
  }
  EXPECT_EQ(api("GET", "/stages").status, 200);
}

TEST_F(LeverSandbox, InjectedErrorsAndResetsFollowTheSeed) {
  FaultSettings f;
  f.error_rate = 0.5;
  f.seed = 99;
  sandbox_->setFaults(f);
  std::vector<int> first;
  for (int i = 0; i < 20; ++i) first.push_back(api("GET", "/stages").status);
  sandbox_->setFaults(f);  // same seed: same pattern
  std::vector<int> second;
  for (int i = 0; i < 20; ++i) second.push_back(api("GET", "/stages").status);
  EXPECT_EQ(first, second);
  EXPECT_TRUE(std::count(first.begin(), first.end(), 200) > 0);
  EXPECT_TRUE(std::count(first.begin(), first.end(), 503) + std::count(first.begin(), first.end(), 500) > 0);

  f = FaultSettings();
  f.reset_rate = 1.0;
  sandbox_->setFaults(f);
  auto r = api("GET", "/stages");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(sandbox_->counters().faults.resets, 1u);

  // Admin API is never faulted and can switch faults off.
  auto put = admin("PUT", "/faults", R"({"errorRate":0,"latencyMs":30})");
  ASSERT_EQ(put.status, 200) << put.body;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(api("GET", "/stages").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(30));
}

TEST_F(LeverSandbox, CommitThenDropAppliesTheWriteButLosesTheAnswer) {
  FaultSettings f;
  f.commit_then_drop_rate = 1.0;
  sandbox_->setFaults(f);
  auto r = api("POST", "/opportunities?" + performAs(), R"({"name":"Ghost","emails":["ghost@example.org"]})");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(sandbox_->state().opportunitiesByEmail("ghost@example.org").size(), 1u);
  EXPECT_EQ(api("GET", "/stages").status, 200);  // reads are untouched
  sandbox_->setFaults({});
  // The client's "check before retrying" finds it.
  auto list = api("GET", "/opportunities?email=ghost@example.org");
  EXPECT_EQ(list.json().at("data").as_array().size(), 1u);
}

TEST_F(LeverSandbox, AdminCountersAndReset) {
  sandbox_->setRateLimit(1, 1);
  api("GET", "/stages");
  api("GET", "/stages");
  auto c = admin("GET", "/counters");
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.json().at("requests").as_int64(), 2);
  EXPECT_EQ(c.json().at("rateLimited").as_int64(), 1);
  EXPECT_EQ(c.json().at("byStatus").at("429").as_int64(), 1);
  sandbox_->setRateLimit(0, 0);
  api("POST", "/opportunities?" + performAs(), R"({"emails":["r@example.org"]})");
  EXPECT_EQ(sandbox_->state().opportunityCount(), 31u);
  auto reset = admin("POST", "/reset", R"({"seed":"empty"})");
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(sandbox_->state().opportunityCount(), 0u);
  EXPECT_EQ(admin("GET", "/counters").json().at("requests").as_int64(), 0);
  EXPECT_EQ(admin("POST", "/reset", R"({"seed":"nope"})").status, 400);
  auto st = admin("GET", "/state");
  EXPECT_EQ(st.json().at("integrationUserId").as_string(), seed::kUserIntegration);
}

// How long seeding takes is not checked here: a unit test is no place for a timing bound (the one this test had was
// compiled out of every preset the suite runs).
TEST(LeverSandboxSeed, LargeSeedIsDeterministic) {
  lever::LeverSandbox::Options o;
  o.seed = "large";
  lever::LeverSandbox sb(o);
  EXPECT_EQ(sb.state().opportunityCount(), 12000u);
  // Deterministic: same seed, same ids.
  lever::LeverSandbox again(o);
  EXPECT_EQ(again.state().opportunities()[5000].id, sb.state().opportunities()[5000].id);
  lever::LeverSandbox::Options bogus;
  bogus.seed = "bogus";
  EXPECT_THROW(lever::LeverSandbox{bogus}, std::invalid_argument);
}

}  // namespace
}  // namespace atsync::sandbox::lever::testing
