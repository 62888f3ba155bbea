// SPDX-License-Identifier: Apache-2.0
// The admin API over real HTTP: auth, every resource, validation errors, effects on the running engine.
#include "server_world.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>


namespace atsync::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

class AdminApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    WorldOptions options;
    options.oauth = false;  // an API key: the connection is ready at once
    world_ = new ServerWorld(options);
    ASSERT_EQ(world_->start(), "");
    ASSERT_TRUE(world_->waitFor([] { return world_->app().lanes().find("acme")->ready(); }))
        << world_->app().lanes().find("acme")->lastConnectError();
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  static std::string errorCode(const HttpAnswer& a) {
    const auto doc = a.json();
    return doc.is_object() && doc.get_object().contains("error") ? std::string(doc.at("error").at("code").as_string())
                                                                  : "<no error object: " + a.body + ">";
  }
  static std::vector<std::string> fieldsOf(const HttpAnswer& a) {
    std::vector<std::string> out;
    const auto doc = a.json();  // kept: a range-for over a temporary's member would dangle
    if (!doc.is_object() || !doc.get_object().contains("error")) return {"<no error object: " + a.body + ">"};
    for (const auto& f : doc.at("error").at("fields").as_array()) out.emplace_back(f.at("field").as_string());
    return out;
  }
  static ServerWorld* world_;
};
ServerWorld* AdminApi::world_ = nullptr;

TEST_F(AdminApi, RefusesMissingToken) {
  const auto a = world_->call("GET", "/api/v1/connections");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(errorCode(a), "unauthorized");
  EXPECT_THAT(a.header("WWW-Authenticate"), HasSubstr("Bearer"));
}

TEST_F(AdminApi, RefusesWrongTokenInConstantTime) {
  // Wrong tokens of every shape: a prefix, one character off, longer, another scheme. (The comparison hashes both
  // sides and compares digests with CRYPTO_memcmp; here we assert the behaviour, not the timing.)
  const std::string right = kAdminToken;
  for (const std::string& header :
       {"Bearer " + right.substr(0, right.size() - 1), "Bearer " + right + "x", "Bearer " + right.substr(0, 5),
        "Bearer " + std::string(right.size(), 'a'), "Basic " + right, right, std::string("Bearer ")}) {
    const auto a = world_->call("GET", "/api/v1/connections", {}, {{"Authorization", header}});
    EXPECT_EQ(a.status, 401) << header;
    EXPECT_THAT(a.body, ::testing::Not(HasSubstr(right)));
  }
}

TEST_F(AdminApi, AcceptsTheRightToken) {
  const auto a = world_->call("GET", "/api/v1/connections", {}, {{"Authorization", "bearer " + std::string(kAdminToken)}});
  EXPECT_EQ(a.status, 200) << a.body;
}

TEST_F(AdminApi, ListsConnectionsWithHealthAndCounts) {
  const auto doc = world_->adminJson("GET", "/api/v1/connections");
  const auto& list = doc.at("connections").as_array();
  ASSERT_EQ(list.size(), 2u);
  const auto& acme = list[0].as_object();
  EXPECT_EQ(acme.at("id"), "acme");
  EXPECT_TRUE(acme.at("enabled").as_bool());
  EXPECT_TRUE(acme.at("ready").as_bool());
  EXPECT_EQ(acme.at("status"), "ready");
  EXPECT_EQ(acme.at("plugins").at("ats"), "lever");
  EXPECT_EQ(acme.at("plugins").at("platform"), "kula");
  EXPECT_TRUE(acme.at("oauth").is_null()) << "an API-key connection has no OAuth state";
  EXPECT_TRUE(acme.at("counts").at("commands").is_object());
  EXPECT_TRUE(acme.at("counts").at("links").is_int64());
  EXPECT_TRUE(acme.at("last_activity").is_object());
  EXPECT_FALSE(list[1].at("enabled").as_bool());
  EXPECT_EQ(list[1].at("status"), "disabled");

  const auto one = world_->adminJson("GET", "/api/v1/connections/acme");
  EXPECT_EQ(one.at("id"), "acme");
  const auto missing = world_->admin("GET", "/api/v1/connections/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");
}

TEST_F(AdminApi, ListsOnlyPublishedPostings) {
  const auto doc = world_->adminJson("GET", "/api/v1/connections/acme/postings");
  const auto& postings = doc.at("postings").as_array();
  ASSERT_FALSE(postings.empty());
  std::set<std::string> ids;
  for (const auto& p : postings) ids.insert(std::string(p.at("id").as_string()));
  EXPECT_TRUE(ids.count(sandbox::lever::seed::kPostingBackend));
  EXPECT_FALSE(ids.count(sandbox::lever::seed::kPostingFrontend)) << "a draft posting";
  EXPECT_FALSE(ids.count(sandbox::lever::seed::kPostingMarketing)) << "a closed posting";
  EXPECT_EQ(world_->admin("GET", "/api/v1/connections/idle/postings").status, 409);
}

TEST_F(AdminApi, StageMappingsShowBothTablesStagesAndUnmapped) {
  const auto doc = world_->adminJson("GET", "/api/v1/connections/acme/stage-mappings");
  EXPECT_FALSE(doc.at("ats").at("stages").as_array().empty());
  EXPECT_FALSE(doc.at("platform").at("stages").as_array().empty());
  EXPECT_TRUE(doc.at("ats").at("unmapped").is_array());
  EXPECT_TRUE(doc.at("platform").at("unmapped").is_array());
  const auto& a2p = doc.at("ats_to_platform").as_array();
  ASSERT_FALSE(a2p.empty());
  EXPECT_TRUE(a2p[0].as_object().contains("from_name"));
  EXPECT_TRUE(a2p[0].as_object().contains("origin"));
  EXPECT_FALSE(doc.at("platform_to_ats").as_array().empty());
}

TEST_F(AdminApi, PutStageMappingRejectsUnknownStages) {
  const auto a = world_->admin("PUT", "/api/v1/connections/acme/stage-mappings",
                               R"({"ats_to_platform": {"no-such-ats-stage": "no-such-platform-stage"}})");
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_EQ(errorCode(a), "invalid");
  EXPECT_THAT(fieldsOf(a), ::testing::Contains("ats_to_platform.no-such-ats-stage"));
  EXPECT_THAT(a.body, HasSubstr("does not exist"));
  const auto bad_json = world_->admin("PUT", "/api/v1/connections/acme/stage-mappings", "{not json");
  EXPECT_EQ(bad_json.status, 400);
  const auto unknown_field = world_->admin("PUT", "/api/v1/connections/acme/stage-mappings", R"({"sideways": {}})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_THAT(fieldsOf(unknown_field), ::testing::Contains("sideways"));
}

TEST_F(AdminApi, PutStageMappingRejectsAnOscillatingRoundTrip) {
  const auto doc = world_->adminJson("GET", "/api/v1/connections/acme/stage-mappings");
  const auto& ats = doc.at("ats").at("stages").as_array();
  const auto& platform = doc.at("platform").at("stages").as_array();
  ASSERT_GE(ats.size(), 2u);
  ASSERT_GE(platform.size(), 2u);
  const std::string a0(ats[0].at("id").as_string()), a1(ats[1].at("id").as_string());
  const std::string p0(platform[0].at("id").as_string()), p1(platform[1].at("id").as_string());
  // a0 -> p0 -> a1 -> p1: a stage change on Lever would keep moving the candidate on both sides.
  const json::object body{{"ats_to_platform", json::object{{a0, p0}, {a1, p1}}},
                          {"platform_to_ats", json::object{{p0, a1}}}};
  const auto a = world_->admin("PUT", "/api/v1/connections/acme/stage-mappings", json::serialize(body));
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_THAT(fieldsOf(a), ::testing::Contains("ats_to_platform." + a0));
  EXPECT_THAT(a.body, HasSubstr("bounce"));
}

TEST_F(AdminApi, PutStageMappingIsPersistedAndAppliedToTheRunningEngine) {
  const auto before = world_->adminJson("GET", "/api/v1/connections/acme/stage-mappings");
  const auto& ats = before.at("ats").at("stages").as_array();
  const auto& platform = before.at("platform").at("stages").as_array();
  const std::string a0(ats[0].at("id").as_string());
  const std::string p_last(platform.back().at("id").as_string());
  json::object a2p{{a0, p_last}};
  const auto saved = world_->adminJson("PUT", "/api/v1/connections/acme/stage-mappings",
                                       json::serialize(json::object{{"ats_to_platform", a2p}}));
  ASSERT_EQ(saved.at("ats_to_platform").as_array().size(), 1u);
  EXPECT_EQ(saved.at("ats_to_platform").as_array()[0].at("to"), json::value(p_last));
  EXPECT_EQ(saved.at("ats_to_platform").as_array()[0].at("origin"), "admin");
  // The other direction was not given: unchanged.
  EXPECT_EQ(saved.at("platform_to_ats").as_array().size(), before.at("platform_to_ats").as_array().size());

  std::vector<host::store::StageMappingRow> rows;
  world_->app().store().transact([&](host::store::Transaction& tx) { rows = tx.stageMappings("acme"); });
  const auto a2p_row = [](const auto& r) { return r.direction == host::store::MappingDirection::kAtsToPlatform; };
  const auto row = std::find_if(rows.begin(), rows.end(), a2p_row);
  ASSERT_NE(row, rows.end());
  EXPECT_EQ(row->from_stage, a0);
  EXPECT_EQ(row->to_stage, p_last);
  EXPECT_EQ(row->origin, host::store::MappingOrigin::kAdmin);
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(), a2p_row), 1);

  // The worker adopts the tables at its next step; the mapper it then works with is the operator's. A call handed to
  // the lane runs at the start of a step, so the second of two calls runs after the step that adopted them, and
  // reads the worker's own mapper on the worker's thread.
  auto& lanes = world_->app().lanes();
  auto* engine = lanes.find("acme");
  EXPECT_EQ(engine->mapperSnapshot().atsToPlatform(a0), p_last);
  ASSERT_TRUE(lanes.call(*engine, [](host::engine::Lane&) { return true; }, std::chrono::seconds(10)));
  const auto adopted = lanes.call(
      *engine,
      [&](host::engine::Lane& lane) {
        return std::make_pair(lane.mapper().atsToPlatform(a0), lane.mapper().atsToPlatformTable().size());
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(adopted);
  EXPECT_EQ(adopted->first, p_last);
  EXPECT_EQ(adopted->second, 1u);
  // Put the defaults back for the other tests (the suite shares one host).
  json::object restore;
  for (const auto& r : before.at("ats_to_platform").as_array()) restore[r.at("from").as_string()] = r.at("to");
  world_->adminJson("PUT", "/api/v1/connections/acme/stage-mappings",
                    json::serialize(json::object{{"ats_to_platform", restore}}));
}

// Issue 16: the documented PUT looked partial but replaced a whole direction, and nothing led back to the config.
// PATCH changes only the entries given; DELETE drops what the administrator saved.
TEST_F(AdminApi, PatchChangesOnlyTheEntriesGivenAndDeleteGoesBackToTheConfigAndDefaults) {
  const std::string path = "/api/v1/connections/acme/stage-mappings";
  const auto before = world_->adminJson("GET", path);
  const auto& table = before.at("ats_to_platform").as_array();
  ASSERT_GE(table.size(), 3u);
  const std::string a0(table[0].at("from").as_string());
  const std::string a1(table[1].at("from").as_string());
  const std::string p_last(before.at("platform").at("stages").as_array().back().at("id").as_string());
  auto entry = [](const json::object& doc, const std::string& from) -> json::object {
    for (const auto& r : doc.at("ats_to_platform").as_array()) {
      if (r.at("from").as_string() == from) return r.as_object();
    }
    return {};
  };

  const auto patched = world_->adminJson(
      "PATCH", path, json::serialize(json::object{{"ats_to_platform", json::object{{a0, p_last}, {a1, nullptr}}}}));
  EXPECT_EQ(patched.at("ats_to_platform").as_array().size(), table.size() - 1) << "only a1 was unmapped";
  EXPECT_EQ(entry(patched, a0).at("to"), json::value(p_last));
  EXPECT_TRUE(entry(patched, a1).empty());
  const std::string a2(table[2].at("from").as_string());
  EXPECT_EQ(entry(patched, a2).at("to"), table[2].at("to")) << "an entry not given is kept";
  EXPECT_EQ(entry(patched, a2).at("origin"), "admin") << "the direction is the administrator's now";
  EXPECT_EQ(patched.at("platform_to_ats"), before.at("platform_to_ats")) << "the other direction is untouched";
  EXPECT_EQ(world_->app().lanes().find("acme")->mapperSnapshot().atsToPlatform(a0), p_last);

  // A PATCH with a stage that does not exist changes nothing.
  const auto bad = world_->admin("PATCH", path, R"({"ats_to_platform": {"no-such-stage": "lead"}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(world_->adminJson("GET", path).at("ats_to_platform"), patched.at("ats_to_platform"));

  const auto reset = world_->adminJson("DELETE", path);
  EXPECT_EQ(reset.at("ats_to_platform"), before.at("ats_to_platform")) << "back to the config and the defaults";
  EXPECT_EQ(reset.at("platform_to_ats"), before.at("platform_to_ats"));
  std::vector<host::store::StageMappingRow> rows;
  world_->app().store().transact([&](host::store::Transaction& tx) { rows = tx.stageMappings("acme"); });
  EXPECT_FALSE(rows.empty());
  EXPECT_TRUE(std::none_of(rows.begin(), rows.end(),
                           [](const auto& r) { return r.origin == host::store::MappingOrigin::kAdmin; }))
      << "no row is the administrator's: the next start builds the mapping from the config";
  EXPECT_EQ(world_->app().lanes().find("acme")->mapperSnapshot().atsToPlatform(a1),
            std::string(table[1].at("to").as_string()));
}

TEST_F(AdminApi, PagesLinks) {
  world_->app().store().transact([&](host::store::Transaction& tx) {
    for (int i = 0; i < 5; ++i) {
      host::store::Link l;
      l.connection_id = "acme";
      l.candidate_id = "cand-" + std::to_string(i);
      l.opportunity_id = "opp-" + std::to_string(i);
      l.contact_id = "contact-" + std::to_string(i);
      l.provenance = host::store::LinkProvenance::kImported;
      tx.upsertLink(l);
    }
  });
  const auto first = world_->adminJson("GET", "/api/v1/connections/acme/links?limit=2");
  EXPECT_EQ(first.at("links").as_array().size(), 2u);
  ASSERT_EQ(first.at("next_offset"), 2);
  const auto rest = world_->adminJson("GET", "/api/v1/connections/acme/links?limit=10&offset=2");
  EXPECT_GE(rest.at("links").as_array().size(), 3u);
  EXPECT_TRUE(rest.at("next_offset").is_null());
  const auto bad = world_->admin("GET", "/api/v1/connections/acme/links?limit=0");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(fieldsOf(bad), ::testing::Contains("limit"));
}

TEST_F(AdminApi, FiltersAndPagesActivity) {
  world_->app().store().transact([&](host::store::Transaction& tx) {
    for (int i = 0; i < 3; ++i) {
      tx.addActivity(
          {0, "acme", 1000 + i, host::store::ActivityLevel::kError, "test_kind", "s", "boom " + std::to_string(i)});
    }
  });
  const auto page1 = world_->adminJson("GET", "/api/v1/activity?connection=acme&kind=test_kind&limit=2");
  const auto& entries = page1.at("entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].at("message"), "boom 2") << "newest first";
  EXPECT_EQ(entries[0].at("level"), "error");
  ASSERT_TRUE(page1.at("next_before").is_int64());
  const auto page2 = world_->adminJson(
      "GET", "/api/v1/activity?connection=acme&kind=test_kind&limit=2&before=" +
                 std::to_string(page1.at("next_before").as_int64()));
  ASSERT_EQ(page2.at("entries").as_array().size(), 1u);
  EXPECT_EQ(page2.at("entries").as_array()[0].at("message"), "boom 0");
  EXPECT_TRUE(page2.at("next_before").is_null());
  const auto infos = world_->adminJson("GET", "/api/v1/activity?level=info&kind=test_kind");
  EXPECT_TRUE(infos.at("entries").as_array().empty());
  const auto bad = world_->admin("GET", "/api/v1/activity?level=loud&connection=nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(fieldsOf(bad), ::testing::UnorderedElementsAre("level", "connection"));
}

TEST_F(AdminApi, RetriesDeadLetters) {
  std::vector<std::int64_t> ids;
  world_->app().store().transact([&](host::store::Transaction& tx) {
    for (int i = 0; i < 3; ++i) {
      host::store::NewCommand n;
      n.connection_id = "acme";
      n.key = "test/dead/" + std::to_string(i);
      n.group_key = "test/dead-group/" + std::to_string(i);
      n.action = "no_such_action";
      n.input = "{}";
      n.not_before_ms = INT64_MAX / 4;  // so the engine does not run them again before we look
      tx.insertCommand(n, 1);
      auto c = *tx.commandByKey("acme", n.key);
      c.state = host::store::CommandState::kDead;
      c.attempts = 8;
      c.last_error = R"({"code":"vendor_error","message":"Lever said no"})";
      tx.updateCommand(c);
      ids.push_back(c.id);
    }
  });
  const auto list = world_->adminJson("GET", "/api/v1/dead-letters?connection=acme");
  ASSERT_GE(list.at("dead_letters").as_array().size(), 3u);
  const auto& first = list.at("dead_letters").as_array()[0];
  EXPECT_EQ(first.at("last_error").at("message"), "Lever said no");
  EXPECT_EQ(first.at("action"), "no_such_action");

  const auto one = world_->adminJson("POST", "/api/v1/dead-letters/" + std::to_string(ids[0]) + "/retry");
  EXPECT_EQ(one.at("retried"), 1);
  std::optional<host::store::Command> c;
  world_->app().store().transact([&](host::store::Transaction& tx) { c = tx.commandById(ids[0]); });
  EXPECT_EQ(c->state, host::store::CommandState::kPending);
  EXPECT_EQ(c->attempts, 0);
  EXPECT_EQ(world_->admin("POST", "/api/v1/dead-letters/" + std::to_string(ids[0]) + "/retry").status, 404)
      << "no longer a dead letter";
  EXPECT_EQ(world_->admin("POST", "/api/v1/dead-letters/abc/retry").status, 400);
  EXPECT_EQ(world_->admin("GET", "/api/v1/dead-letters/1/retry").status, 405);

  const auto all = world_->adminJson("POST", "/api/v1/dead-letters/retry-all?connection=acme");
  EXPECT_GE(all.at("retried").as_int64(), 2);
  world_->app().store().transact([&](host::store::Transaction& tx) {
    for (auto id : ids) EXPECT_NE(tx.commandById(id)->state, host::store::CommandState::kDead);
  });
}

TEST_F(AdminApi, ReplaysARangeOfInboxEvents) {
  world_->app().store().transact([&](host::store::Transaction& tx) {
    for (int i = 0; i < 3; ++i) {
      host::store::NewEvent e;
      e.connection_id = "acme";
      e.side = host::store::EventSide::kPlatform;
      e.source = "kula";
      e.event_id = "replay-test-" + std::to_string(i);
      e.type = "test.ignored";
      e.received_at_ms = 1'700'000'000'000 + i * 1000;
      e.payload = R"({"id":"x","type":"test.ignored"})";
      tx.insertEvent(e);
    }
  });
  // Work put in the store behind the engine's back is announced, the way Ingress does.
  world_->app().lanes().notify("acme");
  // Let the engine handle them (ignored: unknown type), then replay two of the three by time range.
  world_->waitFor([&] {
    host::store::Counts c;
    world_->app().store().transact([&](host::store::Transaction& tx) { c = tx.counts("acme"); });
    return c.inbox_by_status[host::store::InboxStatus::kPending] == 0;
  });
  const auto doc = world_->adminJson("POST", "/api/v1/connections/acme/replay",
                                     R"({"from": "2023-11-14T22:13:20Z", "to": 1700000001000})");
  EXPECT_EQ(doc.at("replayed"), 2);
  EXPECT_EQ(doc.at("from"), "2023-11-14T22:13:20.000Z");
  const auto bad = world_->admin("POST", "/api/v1/connections/acme/replay", R"({"from": "yesterday"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(fieldsOf(bad), ::testing::UnorderedElementsAre("from", "to"));
  const auto reversed = world_->admin("POST", "/api/v1/connections/acme/replay", R"({"from": 10, "to": 5})");
  EXPECT_EQ(reversed.status, 400);
}

TEST_F(AdminApi, AnswersJsonErrorsWithTheRightStatus) {
  const auto unknown = world_->admin("GET", "/api/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(errorCode(unknown), "not_found");
  const auto wrong_method = world_->admin("DELETE", "/api/v1/connections");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "GET");
  EXPECT_EQ(errorCode(wrong_method), "method_not_allowed");
  const auto huge = world_->admin("PUT", "/api/v1/connections/acme/stage-mappings", std::string(300 * 1024, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(errorCode(huge), "too_large");
  EXPECT_EQ(world_->call("POST", "/metrics").status, 405);
}

}  // namespace
}  // namespace atsync::testing
