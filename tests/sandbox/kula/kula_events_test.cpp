// SPDX-License-Identifier: Apache-2.0
// The event log (GET /v1/events): order, cursor semantics and the data of every event type.
#include "kula_fixture.hpp"

#include <set>

namespace atsync::sandbox::kula::testing {
namespace {

namespace json = boost::json;

using KulaEvents = KulaTest;

TEST_F(KulaEvents, FreshSandboxHasEmptyLogAndNullCursor) {
  auto r = get("/v1/events");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(obj(r).at("data").as_array().empty());
  EXPECT_TRUE(obj(r).at("next_cursor").is_null());
}

TEST_F(KulaEvents, OldestFirstAndCursorIsThePositionAfterTheLastEvent) {
  auto& store = sb().store();
  ASSERT_TRUE(store.addToFlow("flow_eng", "cand_ada", std::nullopt).ok());
  ASSERT_TRUE(store.addNote("cand_ada", "first", false, std::nullopt).ok());
  ASSERT_TRUE(store.addNote("cand_ada", "second", false, std::nullopt).ok());

  auto page1 = get("/v1/events?limit=2");
  ASSERT_EQ(page1.status, 200);
  const auto d1 = obj(page1).at("data").as_array();
  ASSERT_EQ(d1.size(), 2u);
  EXPECT_EQ(str(d1[0].at("type")), "flow.candidate_added");
  EXPECT_EQ(str(d1[1].at("type")), "note.created");
  const std::string c1 = str(obj(page1).at("next_cursor"));
  ASSERT_FALSE(c1.empty());

  auto page2 = get("/v1/events?limit=2&after=" + c1);
  const auto d2 = obj(page2).at("data").as_array();
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(str(d2[0].at("data").at("note").at("body")), "second");
  // Unlike ordinary lists, the last page still carries a cursor: the poller keeps it.
  const std::string c2 = str(obj(page2).at("next_cursor"));
  ASSERT_FALSE(c2.empty());

  auto caught_up = get("/v1/events?after=" + c2);
  EXPECT_TRUE(obj(caught_up).at("data").as_array().empty());
  EXPECT_TRUE(obj(caught_up).at("next_cursor").is_null());

  ASSERT_TRUE(store.changeStage("cand_ada", "interested", std::nullopt).ok());
  auto later = get("/v1/events?after=" + c2);
  const auto d3 = obj(later).at("data").as_array();
  ASSERT_EQ(d3.size(), 1u);
  EXPECT_EQ(str(d3[0].at("type")), "candidate.stage_changed");
  EXPECT_NE(str(obj(later).at("next_cursor")), c2);

  // The same cursor asked twice gives the same answer: polling is idempotent.
  EXPECT_EQ(get("/v1/events?after=" + c2).body, later.body);
}

TEST_F(KulaEvents, CursorOfAReplacedLogReadsTheNewLogFromItsStart) {
  ASSERT_TRUE(sb().store().addNote("cand_ada", "one", false, std::nullopt).ok());
  ASSERT_TRUE(sb().store().addNote("cand_ada", "two", false, std::nullopt).ok());
  const std::string old_cursor = str(obj(get("/v1/events")).at("next_cursor"));
  ASSERT_FALSE(old_cursor.empty());
  ASSERT_TRUE(sb().reset("small").ok());
  EXPECT_TRUE(obj(get("/v1/events?after=" + old_cursor)).at("data").as_array().empty());
  const std::string id = sb().store().addNote("cand_ada", "after reset", false, std::nullopt)->second.id;
  const auto data = obj(get("/v1/events?after=" + old_cursor)).at("data").as_array();
  ASSERT_EQ(data.size(), 1u) << "not hidden behind the old log's position 2";
  EXPECT_EQ(str(data[0].at("id")), id);
}

TEST_F(KulaEvents, InvalidAfterCursorIs400) {
  auto r = get("/v1/events?after=nonsense");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "invalid_cursor");
  const std::string notes_cursor = str(obj(get("/v1/candidates/cand_ada/notes?limit=1")).at("next_cursor"));
  EXPECT_EQ(get("/v1/events?after=" + notes_cursor).status, 400);
}

TEST_F(KulaEvents, EnvelopeAndDataOfEveryTypeFollowTheContract) {
  auto& store = sb().store();
  ASSERT_TRUE(store.addToFlow("flow_eng", "cand_ada", Person{"Riley", "riley@acme.example"}).ok());
  ReferralInput ref;
  ref.candidate_id = "cand_alan";
  ref.ats_posting_id = kEngPosting;
  ref.referrer = Person{"Joan Clarke", "joan@example.com"};
  ASSERT_TRUE(store.refer(ref).ok());
  ASSERT_TRUE(store.changeStage("cand_alan", "contacted", std::nullopt).ok());
  ASSERT_TRUE(store.addNote("cand_alan", "secret", true, std::nullopt).ok());
  MessageInput m;
  m.candidate_id = "cand_alan";
  m.direction = "inbound";
  m.channel = "linkedin";
  m.body = "Thanks!";
  ASSERT_TRUE(store.logMessage(m).ok());
  ASSERT_TRUE(store.uploadResume("cand_alan", "alan.pdf", "application/pdf", "%PDF-1.4 alan").ok());

  auto r = get("/v1/events");
  const auto evs = obj(r).at("data").as_array();
  ASSERT_EQ(evs.size(), 6u);
  std::set<std::string> ids;
  for (const auto& e : evs) {
    const auto& o = e.as_object();
    EXPECT_EQ(o.size(), 4u) << json::serialize(o);
    EXPECT_EQ(str(o.at("id")).rfind("evt_", 0), 0u);
    EXPECT_EQ(str(o.at("occurred_at")).back(), 'Z');
    ids.insert(str(o.at("id")));
  }
  EXPECT_EQ(ids.size(), 6u) << "event ids are unique";

  const auto& added = evs[0].at("data").as_object();
  EXPECT_EQ(str(evs[0].at("type")), "flow.candidate_added");
  EXPECT_EQ(str(added.at("flow").at("id")), "flow_eng");
  EXPECT_EQ(str(added.at("flow").at("ats_posting_id")), kEngPosting);
  EXPECT_EQ(str(added.at("candidate").at("id")), "cand_ada");
  EXPECT_EQ(str(added.at("candidate").at("emails").as_array()[0]), "ada.lovelace@example.com");
  EXPECT_EQ(str(added.at("added_by").at("email")), "riley@acme.example");

  const auto& referral = evs[1].at("data").as_object();
  EXPECT_EQ(str(evs[1].at("type")), "referral.created");
  EXPECT_FALSE(str(referral.at("referral_id")).empty());
  EXPECT_EQ(str(referral.at("ats_posting_id")), kEngPosting);
  EXPECT_EQ(str(referral.at("candidate").at("id")), "cand_alan");
  EXPECT_EQ(str(referral.at("referrer").at("name")), "Joan Clarke");
  EXPECT_TRUE(referral.at("note").is_null());

  const auto& stage = evs[2].at("data").as_object();
  EXPECT_EQ(str(evs[2].at("type")), "candidate.stage_changed");
  EXPECT_EQ(str(stage.at("candidate_id")), "cand_alan");
  EXPECT_EQ(str(stage.at("from_stage")), "prospect");
  EXPECT_EQ(str(stage.at("to_stage")), "contacted");
  EXPECT_EQ(str(stage.at("source")), "kula");
  EXPECT_FALSE(str(stage.at("changed_by").at("email")).empty()) << "a recruiter made it";

  EXPECT_EQ(str(evs[3].at("type")), "note.created");
  EXPECT_TRUE(evs[3].at("data").at("note").at("private").as_bool());
  EXPECT_EQ(str(evs[3].at("data").at("note").at("candidate_id")), "cand_alan");

  EXPECT_EQ(str(evs[4].at("type")), "message.logged");
  EXPECT_EQ(str(evs[4].at("data").at("message").at("direction")), "inbound");
  EXPECT_EQ(str(evs[4].at("data").at("message").at("channel")), "linkedin");
  EXPECT_TRUE(evs[4].at("data").at("message").at("flow_id").is_null());

  EXPECT_EQ(str(evs[5].at("type")), "resume.uploaded");
  const auto& resume = evs[5].at("data").at("resume").as_object();
  EXPECT_EQ(resume.at("size").as_int64(), 13);
  EXPECT_EQ(str(resume.at("sha256")).size(), 64u);
  EXPECT_FALSE(resume.contains("content")) << "events carry metadata, not bytes";
}

TEST_F(KulaEvents, StageChangeToTheSameStageIsNotAnEvent) {
  auto r = sb().store().changeStage("cand_ada", "replied", std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().has_value());
  EXPECT_TRUE(sb().snapshot().events.empty());
}

TEST_F(KulaEvents, UpsertWithNewStageIsAnAtsStageChange) {
  auto r = api("POST", "/v1/candidates", R"({"name":"Grace","emails":["grace.hopper@example.com"],"stage":"offer"})");
  ASSERT_EQ(r.status, 200);
  const auto events = sb().snapshot().events;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(str(events[0].data.at("source")), "ats");
  EXPECT_EQ(str(events[0].data.at("to_stage")), "offer");
}

}  // namespace
}  // namespace atsync::sandbox::kula::testing
