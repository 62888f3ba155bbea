// SPDX-License-Identifier: Apache-2.0
// The /v1 endpoints of KULA-API.md over real HTTP: shapes, errors, pagination, auth, rate limiting.
#include "kula_fixture.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <thread>

namespace atsync::sandbox::kula::testing {
namespace {

namespace json = boost::json;

using KulaApi = KulaTest;

std::string sha256(const std::string& bytes) {
  Poco::SHA2Engine e(Poco::SHA2Engine::SHA_256);
  e.update(bytes);
  return Poco::DigestEngine::digestToHex(e.digest());
}

TEST_F(KulaApi, RejectsMissingBearerToken) {
  auto r = httpRequest(port(), "GET", "/v1/stages");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(errorCode(r), "unauthorized");
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer realm=\"kula\"");
}

TEST_F(KulaApi, RejectsWrongApiKeyAndBasicAuth) {
  auto wrong = httpRequest(port(), "GET", "/v1/stages", "", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(errorCode(wrong), "unauthorized");
  auto basic = httpRequest(port(), "GET", "/v1/stages", "", {{"Authorization", "Basic a3VsYS1rZXk6"}});
  EXPECT_EQ(basic.status, 401);
}

TEST_F(KulaApi, ListsDefaultPipelineStagesInOrder) {
  auto r = get("/v1/stages");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("Content-Type").find("application/json"), std::string::npos);
  const auto data = obj(r).at("data").as_array();
  const std::vector<std::string> want{"prospect",  "contacted",    "replied", "interested", "screening",
                                      "interviewing", "offer", "hired", "rejected"};
  ASSERT_EQ(data.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(str(data[i].at("id")), want[i]);
    EXPECT_EQ(data[i].at("order").as_int64(), static_cast<std::int64_t>(i + 1));
    EXPECT_FALSE(str(data[i].at("name")).empty());
  }
  EXPECT_TRUE(obj(r).at("next_cursor").is_null());
}

TEST_F(KulaApi, GetsFlowWithLinkedPostingAndFlowWithout) {
  auto eng = get("/v1/flows/flow_eng");
  ASSERT_EQ(eng.status, 200);
  EXPECT_EQ(str(obj(eng).at("id")), "flow_eng");
  EXPECT_EQ(str(obj(eng).at("ats_posting_id")), kEngPosting);
  EXPECT_EQ(str(obj(eng).at("created_at")).back(), 'Z');
  auto pool = get("/v1/flows/flow_talent_pool");
  ASSERT_EQ(pool.status, 200);
  EXPECT_TRUE(obj(pool).at("ats_posting_id").is_null());
  auto missing = get("/v1/flows/flow_nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");
}

TEST_F(KulaApi, GetsCandidateWithEveryContractField) {
  auto r = get("/v1/candidates/cand_ada");
  ASSERT_EQ(r.status, 200);
  auto c = obj(r);
  for (const char* key : {"id", "name", "emails", "phones", "links", "headline", "location", "stage", "ats",
                          "created_at", "updated_at"}) {
    EXPECT_TRUE(c.contains(key)) << key;
  }
  EXPECT_EQ(str(c.at("name")), "Ada Lovelace");
  EXPECT_EQ(str(c.at("emails").as_array()[0]), "ada.lovelace@example.com");
  EXPECT_EQ(str(c.at("phones").as_array()[0].at("type")), "mobile");
  EXPECT_TRUE(c.at("ats").is_null());
  EXPECT_EQ(str(c.at("stage")), "replied");
  // RFC 3339 UTC: 2026-11-28T10:15:00Z
  const std::string ts = str(c.at("created_at"));
  ASSERT_EQ(ts.size(), 20u);
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], 'Z');
  EXPECT_EQ(get("/v1/candidates/cand_nobody").status, 404);
}

TEST_F(KulaApi, FindsCandidateByEmailIgnoringCase) {
  auto r = get("/v1/candidates?email=GRACE.Hopper%40example.com");
  ASSERT_EQ(r.status, 200);
  const auto data = obj(r).at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(str(data[0].at("id")), "cand_grace");
  EXPECT_TRUE(obj(r).at("next_cursor").is_null());
  auto none = get("/v1/candidates?email=nobody%40example.com");
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(obj(none).at("data").as_array().empty());
  EXPECT_EQ(get("/v1/candidates?email=").status, 400);
}

TEST_F(KulaApi, UpsertCreatesNewCandidateWith201) {
  auto r = api("POST", "/v1/candidates",
               R"({"name":"Barbara Liskov","emails":["barbara@example.com"],"phones":[{"type":"work","value":"+1 617"}],
                   "headline":"Professor","location":"Boston","ats":{"opportunity_id":"opp-1","contact_id":"ct-1"},
                   "unknown_field":{"ignored":true}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto c = obj(r);
  EXPECT_EQ(str(c.at("stage")), "prospect");
  EXPECT_EQ(str(c.at("ats").at("opportunity_id")), "opp-1");
  EXPECT_EQ(str(c.at("ats").at("contact_id")), "ct-1");
  const std::string id = str(c.at("id"));
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(str(obj(get("/v1/candidates/" + id)).at("name")), "Barbara Liskov");
  EXPECT_TRUE(sb().snapshot().events.empty()) << "creating a candidate is not an event of the contract";
}

TEST_F(KulaApi, UpsertByEmailReturns200ForExisting) {
  auto r = api("POST", "/v1/candidates",
               R"({"name":"Ada King","emails":["ADA.LOVELACE@example.com","ada@analytical.example"],"headline":"Countess"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = obj(r);
  EXPECT_EQ(str(c.at("id")), "cand_ada");
  EXPECT_EQ(str(c.at("name")), "Ada King");
  EXPECT_EQ(str(c.at("headline")), "Countess");
  EXPECT_EQ(c.at("emails").as_array().size(), 2u) << "the new address is added, the known one not repeated";
  EXPECT_EQ(str(obj(get("/v1/candidates?email=ada%40analytical.example")).at("data").as_array()[0].at("id")),
            "cand_ada");
  EXPECT_EQ(sb().snapshot().candidates.size(), 4u);
}

TEST_F(KulaApi, ConcurrentUpsertsOfOneEmailCreateOneCandidate) {
  std::vector<int> statuses(8, 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = api("POST", "/v1/candidates", R"({"name":"Race","emails":["race@example.com"]})").status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 7);
  EXPECT_EQ(sb().snapshot().candidates.size(), 5u);
}

TEST_F(KulaApi, UpsertWithEmailsOfTwoCandidatesIs409) {
  auto r = api("POST", "/v1/candidates",
               R"({"name":"Merged","emails":["ada.lovelace@example.com","grace.hopper@example.com"]})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(errorCode(r), "conflict");
}

TEST_F(KulaApi, UpsertRejectsBadInputWithTheRightStatus) {
  struct Case {
    const char* body;
    int status;
  };
  const Case cases[] = {
      {R"({"name":"x","emails":["a@b.c"])", 400},          // truncated JSON
      {R"(not json)", 400},
      {R"([1,2,3])", 400},                                 // not an object
      {R"("just a string")", 400},
      {R"({"emails":["nobody@example.com"]})", 422},       // name missing on create
      {R"({"name":"  ","emails":["blank@example.com"]})", 422},
      {R"({"name":42})", 422},
      {R"({"name":"x","emails":"x@example.com"})", 422},   // not an array
      {R"({"name":"x","emails":[1]})", 422},
      {R"({"name":"x","emails":["not-an-email"]})", 422},
      {R"({"name":"x","phones":[true]})", 422},
      {R"({"name":"x","stage":"nirvana"})", 422},
      {R"({"name":"x","ats":"opp"})", 422},
      {R"({"name":"x","ats":{"contact_id":"c"}})", 422},
      {R"({"name":"x","headline":["a"]})", 422},
  };
  for (const auto& c : cases) {
    auto r = api("POST", "/v1/candidates", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_FALSE(errorCode(r).empty()) << c.body << " -> " << r.body;
  }
  auto empty = api("POST", "/v1/candidates", "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(errorCode(empty), "invalid_json");
  EXPECT_EQ(sb().snapshot().candidates.size(), 4u) << "nothing was written";
}

TEST_F(KulaApi, PutStageAppliesAtsChangeAndEmitsEventMarkedAts) {
  auto r = api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":"screening","source":"ats"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(obj(r).at("stage")), "screening");
  EXPECT_EQ(str(obj(get("/v1/candidates/cand_alan")).at("stage")), "screening");
  const auto events = sb().snapshot().events;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "candidate.stage_changed");
  EXPECT_EQ(str(events[0].data.at("source")), "ats");
  EXPECT_EQ(str(events[0].data.at("from_stage")), "prospect");
  EXPECT_EQ(str(events[0].data.at("to_stage")), "screening");
  EXPECT_TRUE(events[0].data.at("changed_by").is_null());
  // The same stage again changes nothing and says nothing.
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":"screening","source":"ats"})").status, 200);
  EXPECT_EQ(sb().snapshot().events.size(), 1u);
}

TEST_F(KulaApi, PutStageErrors) {
  auto unknown_stage = api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":"nirvana","source":"ats"})");
  EXPECT_EQ(unknown_stage.status, 422);
  EXPECT_EQ(errorCode(unknown_stage), "unknown_stage");
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_nobody/stage", R"({"stage":"offer","source":"ats"})").status, 404);
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_alan/stage", R"({"source":"ats"})").status, 422);
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":7})").status, 422);
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":"offer","source":"kula"})").status, 422);
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":)").status, 400);
  EXPECT_EQ(str(obj(get("/v1/candidates/cand_alan")).at("stage")), "prospect");
  EXPECT_TRUE(sb().snapshot().events.empty());
}

TEST_F(KulaApi, PutAtsRecordsTheLink) {
  auto r = api("PUT", "/v1/candidates/cand_grace/ats", R"({"opportunity_id":"opp-77","contact_id":"ct-9"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto link = obj(get("/v1/candidates/cand_grace")).at("ats");
  EXPECT_EQ(str(link.at("opportunity_id")), "opp-77");
  EXPECT_EQ(str(link.at("contact_id")), "ct-9");
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_grace/ats", R"({"contact_id":"ct-9"})").status, 422);
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_grace/ats", R"({"opportunity_id":5})").status, 422);
  EXPECT_EQ(api("PUT", "/v1/candidates/cand_nobody/ats", R"({"opportunity_id":"o"})").status, 404);
}

TEST_F(KulaApi, NotesPaginateWithOpaqueCursorAndKeepPrivateFlag) {
  auto first = get("/v1/candidates/cand_ada/notes?limit=2");
  ASSERT_EQ(first.status, 200);
  const auto page1 = obj(first).at("data").as_array();
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_FALSE(page1[0].at("private").as_bool());
  EXPECT_TRUE(page1[1].at("private").as_bool());
  EXPECT_EQ(str(page1[0].at("author").at("email")), "sam.recruiter@kula.example");
  const std::string cursor = str(obj(first).at("next_cursor"));
  ASSERT_FALSE(cursor.empty());
  auto second = get("/v1/candidates/cand_ada/notes?limit=2&cursor=" + cursor);
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(obj(second).at("data").as_array().size(), 1u);
  EXPECT_TRUE(obj(second).at("next_cursor").is_null());
  EXPECT_EQ(str(obj(second).at("data").as_array()[0].at("body")), "Prefers to interview in the mornings.");
  // A candidate without notes: empty page, null cursor.
  auto none = get("/v1/candidates/cand_alan/notes");
  EXPECT_TRUE(obj(none).at("data").as_array().empty());
  EXPECT_TRUE(obj(none).at("next_cursor").is_null());
  EXPECT_EQ(get("/v1/candidates/cand_nobody/notes").status, 404);
}

TEST_F(KulaApi, MessagesListInOrderWithDirectionAndFlow) {
  auto r = get("/v1/candidates/cand_grace/messages");
  ASSERT_EQ(r.status, 200);
  const auto data = obj(r).at("data").as_array();
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(str(data[0].at("direction")), "outbound");
  EXPECT_EQ(str(data[1].at("direction")), "inbound");
  EXPECT_EQ(str(data[0].at("flow_id")), "flow_eng");
  EXPECT_EQ(str(data[0].at("channel")), "email");
  EXPECT_TRUE(data[0].at("sent_at").is_string());
  EXPECT_TRUE(obj(get("/v1/candidates/cand_katherine/messages")).at("data").as_array()[0].at("subject").is_null());
}

TEST_F(KulaApi, ResumesNewestFirstAndContentWithStoredType) {
  auto r = get("/v1/candidates/cand_ada/resumes");
  ASSERT_EQ(r.status, 200);
  const auto data = obj(r).at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(str(data[0].at("file_name")), "ada-lovelace-2026.pdf");
  EXPECT_EQ(str(data[1].at("file_name")), "ada-lovelace-2025.pdf");
  auto content = get("/v1/resumes/" + str(data[0].at("id")) + "/content");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.header("Content-Type"), "application/pdf");
  EXPECT_EQ(content.body.size(), static_cast<std::size_t>(data[0].at("size").as_int64()));
  EXPECT_EQ(sha256(content.body), str(data[0].at("sha256")));
  EXPECT_EQ(content.body.rfind("%PDF", 0), 0u);

  auto up = sb().store().uploadResume("cand_ada", "cv.txt", "text/plain; charset=utf-8", std::string("hi\0there", 8));
  ASSERT_TRUE(up.ok());
  auto newest = get("/v1/candidates/cand_ada/resumes?limit=1");
  EXPECT_EQ(str(obj(newest).at("data").as_array()[0].at("id")), up->first.id);
  EXPECT_FALSE(obj(newest).at("next_cursor").is_null());
  auto bytes = get("/v1/resumes/" + up->first.id + "/content");
  EXPECT_EQ(bytes.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(bytes.body, std::string("hi\0there", 8));
  EXPECT_EQ(get("/v1/resumes/res_nope/content").status, 404);
}

TEST_F(KulaApi, LimitOutsideOneTo200Is400) {
  for (const char* bad : {"0", "201", "-1", "abc", "5x", "", "99999999999999999999"}) {
    auto r = get(std::string("/v1/candidates?limit=") + bad);
    EXPECT_EQ(r.status, 400) << "limit=" << bad;
    EXPECT_EQ(errorCode(r), "invalid_request") << "limit=" << bad;
  }
  EXPECT_EQ(get("/v1/candidates?limit=1").status, 200);
  EXPECT_EQ(get("/v1/candidates?limit=200").status, 200);
  EXPECT_EQ(get("/v1/events?limit=201").status, 400);
  EXPECT_EQ(get("/v1/candidates/cand_ada/notes?limit=0").status, 400);
}

TEST_F(KulaApi, ForeignOrGarbageCursorIs400) {
  const std::string notes_cursor = str(obj(get("/v1/candidates/cand_ada/notes?limit=1")).at("next_cursor"));
  for (const std::string& bad : {std::string("zz"), std::string("abc"), std::string("%00%01"), notes_cursor}) {
    auto r = get("/v1/candidates/cand_ada/messages?cursor=" + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(errorCode(r), "invalid_cursor") << bad;
  }
}

TEST_F(KulaApi, DefaultLimitIs50AndCandidatesWalkToTheEnd) {
  sandbox_->stop();
  auto o = defaultOptions();
  o.seed = "empty";
  startSandbox(o);
  for (int i = 0; i < 57; ++i) {
    CandidateInput in;
    in.name = "Person " + std::to_string(i);
    in.emails = {"p" + std::to_string(i) + "@example.com"};
    ASSERT_TRUE(sb().store().createCandidate(in).ok());
  }
  auto first = get("/v1/candidates");
  ASSERT_EQ(obj(first).at("data").as_array().size(), 50u);
  std::size_t seen = 0;
  std::string cursor;
  int pages = 0;
  do {
    auto r = get("/v1/candidates?limit=20" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200);
    seen += obj(r).at("data").as_array().size();
    cursor = str(obj(r).at("next_cursor"));
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, 57u);
  EXPECT_EQ(pages, 3);
}

TEST_F(KulaApi, EmptySeedHasNoCandidatesButTheGivenFlows) {
  sandbox_->stop();
  auto o = defaultOptions();
  o.seed = "empty";
  o.flow_postings = {{"flow_x", "post-x"}};
  startSandbox(o);
  EXPECT_TRUE(obj(get("/v1/candidates")).at("data").as_array().empty());
  EXPECT_EQ(str(obj(get("/v1/flows/flow_x")).at("ats_posting_id")), "post-x");
  EXPECT_EQ(get("/v1/flows/flow_eng").status, 404);
}

TEST(KulaSandboxOptions, UnknownSeedIsRefused) {
  KulaSandbox::Options o;
  o.seed = "huge";
  EXPECT_THROW(KulaSandbox sb(o), std::invalid_argument);
}

TEST_F(KulaApi, UnknownRouteIs404AndWrongMethodIs405) {
  auto r = get("/v1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorCode(r), "not_found");
  EXPECT_EQ(get("/elsewhere").status, 404);
  auto del = api("DELETE", "/v1/candidates/cand_ada");
  EXPECT_EQ(del.status, 405);
  EXPECT_EQ(errorCode(del), "method_not_allowed");
  EXPECT_EQ(api("POST", "/v1/stages", "{}").status, 405);
}

TEST_F(KulaApi, RateLimitAnswers429WithRetryAfter) {
  sb().setRateLimit(0.2, 3);  // a token every 5 s: the loop below cannot earn one back
  int ok = 0;
  HttpResult limited;
  for (int i = 0; i < 6; ++i) {
    auto r = get("/v1/stages");
    if (r.status == 200) ++ok;
    if (r.status == 429) limited = r;
  }
  EXPECT_EQ(ok, 3) << "the burst, then nothing";
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(errorCode(limited), "rate_limited");
  EXPECT_EQ(limited.header("Retry-After"), "5");
  sb().setRateLimit(0, 0);
  EXPECT_EQ(get("/v1/stages").status, 200);
}

TEST_F(KulaApi, RequestsAreRecordedForAssertions) {
  get("/v1/candidates/cand_ada?x=1");
  auto reqs = sb().requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs.back().method, "GET");
  EXPECT_EQ(reqs.back().target, "/v1/candidates/cand_ada?x=1");
  EXPECT_EQ(reqs.back().status, 200);
}

}  // namespace
}  // namespace atsync::sandbox::kula::testing
