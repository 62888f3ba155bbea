// SPDX-License-Identifier: Apache-2.0
// The /_sandbox endpoints: every scenario action, the knobs, inspection, and robustness against bad input.
#include "kula_fixture.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

namespace atsync::sandbox::kula::testing {
namespace {

namespace json = boost::json;
using atsync::sandbox::testing::multipartBody;
using std::chrono::milliseconds;

using KulaAdmin = KulaTest;

std::string sha256(const std::string& bytes) {
  Poco::SHA2Engine e(Poco::SHA2Engine::SHA_256);
  e.update(bytes);
  return Poco::DigestEngine::digestToHex(e.digest());
}

TEST_F(KulaAdmin, CreateCandidateThenDuplicateEmailIs409) {
  auto r = admin("POST", "/_sandbox/candidates",
                 R"({"name":"Radia Perlman","email":"radia@example.com","headline":"Network engineer"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(obj(r).at("candidate").at("id"));
  EXPECT_EQ(str(obj(get("/v1/candidates/" + id)).at("emails").as_array()[0]), "radia@example.com");
  auto again = admin("POST", "/_sandbox/candidates", R"({"name":"Radia","emails":["RADIA@example.com"]})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(errorCode(again), "conflict");
}

TEST_F(KulaAdmin, CreateFlowAndAddCandidateEmitsFlowCandidateAdded) {
  auto f = admin("POST", "/_sandbox/flows", R"({"id":"flow_data","name":"Data engineers","ats_posting_id":"post-9"})");
  ASSERT_EQ(f.status, 201) << f.body;
  EXPECT_EQ(str(obj(get("/v1/flows/flow_data")).at("ats_posting_id")), "post-9");
  EXPECT_EQ(admin("POST", "/_sandbox/flows", R"({"id":"flow_data","name":"again"})").status, 409);
  auto r = admin("POST", "/_sandbox/flows/flow_data/candidates",
                 R"({"candidate_id":"cand_grace","added_by":{"name":"Riley","email":"riley@acme.example"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto event = obj(r).at("event");
  EXPECT_EQ(str(event.at("type")), "flow.candidate_added");
  EXPECT_EQ(str(event.at("data").at("flow").at("ats_posting_id")), "post-9");
  EXPECT_EQ(str(event.at("data").at("added_by").at("name")), "Riley");
  EXPECT_EQ(admin("POST", "/_sandbox/flows/flow_nope/candidates", R"({"candidate_id":"cand_grace"})").status, 404);
  EXPECT_EQ(admin("POST", "/_sandbox/flows/flow_data/candidates", R"({"candidate_id":"cand_nope"})").status, 404);
  EXPECT_EQ(admin("POST", "/_sandbox/flows/flow_data/candidates", R"({})").status, 422);
}

TEST_F(KulaAdmin, ReferExistingAndNewCandidatesThroughCircles) {
  auto existing = admin("POST", "/_sandbox/referrals",
                        R"({"candidate_id":"cand_alan","ats_posting_id":"post-eng-0001",
                            "referrer":{"name":"Joan Clarke","email":"joan@example.com"},"note":"Brilliant"})");
  ASSERT_EQ(existing.status, 201) << existing.body;
  EXPECT_EQ(str(obj(existing).at("event").at("data").at("note")), "Brilliant");

  auto fresh = admin("POST", "/_sandbox/referrals",
                     R"({"candidate":{"name":"Margaret Hamilton","email":"margaret@example.com"},
                         "ats_posting_id":"post-eng-0001","referrer":{"name":"Joan","email":"joan@example.com"}})");
  ASSERT_EQ(fresh.status, 201) << fresh.body;
  const auto cand = obj(fresh).at("event").at("data").at("candidate");
  EXPECT_EQ(str(cand.at("name")), "Margaret Hamilton");
  EXPECT_EQ(get("/v1/candidates/" + str(cand.at("id"))).status, 200) << "the referred person is now a candidate";

  EXPECT_EQ(admin("POST", "/_sandbox/referrals", R"({"candidate_id":"cand_alan","ats_posting_id":"p"})").status, 422)
      << "referrer is required";
  EXPECT_EQ(admin("POST", "/_sandbox/referrals",
                  R"({"candidate_id":"cand_alan","referrer":{"name":"J","email":"j@example.com"}})")
                .status,
            422)
      << "posting is required";
  EXPECT_EQ(admin("POST", "/_sandbox/referrals",
                  R"({"ats_posting_id":"p","referrer":{"name":"J","email":"j@example.com"}})")
                .status,
            422)
      << "who is referred is required";
}

TEST_F(KulaAdmin, ChangeStageAsRecruiterEmitsSourceKula) {
  auto r = admin("POST", "/_sandbox/candidates/cand_ada/stage",
                 R"({"stage":"interviewing","changed_by":{"name":"Riley","email":"riley@acme.example"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(obj(r).at("candidate").at("stage")), "interviewing");
  const auto data = obj(r).at("event").at("data");
  EXPECT_EQ(str(data.at("source")), "kula");
  EXPECT_EQ(str(data.at("from_stage")), "replied");
  EXPECT_EQ(str(data.at("changed_by").at("email")), "riley@acme.example");
  auto same = admin("POST", "/_sandbox/candidates/cand_ada/stage", R"({"stage":"interviewing"})");
  EXPECT_EQ(same.status, 200);
  EXPECT_TRUE(obj(same).at("event").is_null());
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_ada/stage", R"({"stage":"nirvana"})").status, 422);
}

TEST_F(KulaAdmin, AddPrivateAndPublicNotes) {
  auto pub = admin("POST", "/_sandbox/candidates/cand_alan/notes", R"({"body":"Great call"})");
  ASSERT_EQ(pub.status, 201) << pub.body;
  EXPECT_FALSE(obj(pub).at("note").at("private").as_bool());
  auto priv = admin("POST", "/_sandbox/candidates/cand_alan/notes", R"({"body":"Salary: high","private":true})");
  ASSERT_EQ(priv.status, 201);
  EXPECT_TRUE(obj(priv).at("event").at("data").at("note").at("private").as_bool());
  const auto notes = obj(get("/v1/candidates/cand_alan/notes")).at("data").as_array();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(str(notes[1].at("body")), "Salary: high");
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_alan/notes", R"({"body":"x","private":"yes"})").status, 422);
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_alan/notes", R"({"body":""})").status, 422);
}

TEST_F(KulaAdmin, LogOutboundAndInboundMessages) {
  auto out = admin("POST", "/_sandbox/candidates/cand_alan/messages",
                   R"({"body":"Hi Alan","subject":"Hello","flow_id":"flow_eng"})");
  ASSERT_EQ(out.status, 201) << out.body;
  EXPECT_EQ(str(obj(out).at("message").at("direction")), "outbound");
  EXPECT_EQ(str(obj(out).at("message").at("channel")), "email");
  auto in = admin("POST", "/_sandbox/candidates/cand_alan/messages",
                  R"({"body":"Hi back","direction":"inbound","channel":"sms"})");
  ASSERT_EQ(in.status, 201);
  EXPECT_EQ(str(obj(in).at("event").at("type")), "message.logged");
  EXPECT_EQ(obj(get("/v1/candidates/cand_alan/messages")).at("data").as_array().size(), 2u);
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_alan/messages", R"({"body":"x","direction":"sideways"})").status,
            422);
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_alan/messages", R"({"body":"x","channel":"fax"})").status, 422);
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_alan/messages", R"({"body":"x","flow_id":"nope"})").status, 422);
}

TEST_F(KulaAdmin, UploadResumeAsRawBytesMultipartOrBase64) {
  const std::string pdf = std::string("%PDF-1.7\n\x00\x01\xff binary", 20);
  auto raw = httpRequest(port(), "POST", "/_sandbox/candidates/cand_alan/resumes?file_name=alan%20cv.pdf", pdf,
                         {{"Content-Type", "application/pdf"}});
  ASSERT_EQ(raw.status, 201) << raw.body;
  const auto meta = obj(raw).at("resume");
  EXPECT_EQ(str(meta.at("file_name")), "alan cv.pdf");
  EXPECT_EQ(str(meta.at("content_type")), "application/pdf");
  EXPECT_EQ(meta.at("size").as_int64(), 20);
  EXPECT_EQ(str(meta.at("sha256")), sha256(pdf));
  EXPECT_EQ(get("/v1/resumes/" + str(meta.at("id")) + "/content").body, pdf);

  auto [type, body] = multipartBody("file", "alan.docx", "DOCX bytes");
  auto multi = httpRequest(port(), "POST", "/_sandbox/candidates/cand_alan/resumes", body, {{"Content-Type", type}});
  ASSERT_EQ(multi.status, 201) << multi.body;
  EXPECT_EQ(str(obj(multi).at("resume").at("file_name")), "alan.docx");

  std::ostringstream b64;
  Poco::Base64Encoder enc(b64);
  enc << "plain text resume";
  enc.close();
  auto encoded = admin("POST", "/_sandbox/candidates/cand_alan/resumes",
                       json::serialize(json::object{{"file_name", "alan.txt"}, {"content_type", "text/plain"},
                                                    {"content_base64", b64.str()}}));
  ASSERT_EQ(encoded.status, 201) << encoded.body;
  EXPECT_EQ(obj(encoded).at("resume").at("size").as_int64(), 17);

  const auto listed = obj(get("/v1/candidates/cand_alan/resumes")).at("data").as_array();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(str(listed[0].at("file_name")), "alan.txt") << "newest first";

  EXPECT_EQ(httpRequest(port(), "POST", "/_sandbox/candidates/cand_alan/resumes?file_name=empty.pdf", "").status, 422);
  EXPECT_EQ(httpRequest(port(), "POST", "/_sandbox/candidates/cand_nope/resumes?file_name=a.pdf", "x").status, 404);
  EXPECT_EQ(admin("POST", "/_sandbox/candidates/cand_alan/resumes", R"({"file_name":"a"})").status, 422);
}

TEST_F(KulaAdmin, StateShowsWhatKulaHolds) {
  ASSERT_EQ(api("PUT", "/v1/candidates/cand_ada/ats", R"({"opportunity_id":"opp-1","contact_id":"ct-1"})").status, 200);
  ASSERT_EQ(admin("POST", "/_sandbox/candidates/cand_ada/notes", R"({"body":"new"})").status, 201);
  auto r = admin("GET", "/_sandbox/state");
  ASSERT_EQ(r.status, 200);
  auto s = obj(r);
  for (const char* key : {"stages", "flows", "candidates", "events", "deliveries", "requests", "faults", "delivery",
                          "webhook", "rate_limit"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  const auto& ada = s.at("candidates").as_array()[0].as_object();
  EXPECT_EQ(str(ada.at("id")), "cand_ada");
  EXPECT_EQ(str(ada.at("ats").at("opportunity_id")), "opp-1");
  EXPECT_EQ(ada.at("notes").as_array().size(), 4u);
  EXPECT_EQ(ada.at("messages").as_array().size(), 2u);
  EXPECT_EQ(str(ada.at("resumes").as_array()[0].at("file_name")), "ada-lovelace-2026.pdf");
  ASSERT_EQ(s.at("events").as_array().size(), 1u);
  EXPECT_EQ(s.at("events").as_array()[0].at("seq").as_int64(), 1);
  EXPECT_EQ(s.at("deliveries").as_array().size(), 1u);
  EXPECT_EQ(str(s.at("deliveries").as_array()[0].at("state")), "skipped");
  EXPECT_EQ(s.at("flows").as_array().size(), 3u);
}

TEST_F(KulaAdmin, ErrorRateFaultAnswers5xxWithEnvelopeOnApiOnly) {
  auto f = admin("PUT", "/_sandbox/faults", R"({"error_rate":1})");
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(obj(f).at("error_rate").as_double(), 1.0);
  for (int i = 0; i < 4; ++i) {
    auto r = get("/v1/stages");
    EXPECT_TRUE(r.status == 500 || r.status == 503) << r.status;
    EXPECT_FALSE(errorCode(r).empty()) << r.body;
  }
  EXPECT_EQ(admin("GET", "/_sandbox/state").status, 200) << "the admin API is never faulted";
  ASSERT_EQ(admin("PUT", "/_sandbox/faults", R"({"error_rate":0})").status, 200);
  EXPECT_EQ(get("/v1/stages").status, 200);
}

TEST_F(KulaAdmin, ResetFaultDropsTheConnectionWithoutDoingAnything) {
  ASSERT_EQ(admin("PUT", "/_sandbox/faults", R"({"reset_rate":1})").status, 200);
  auto r = api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":"offer","source":"ats"})");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(sb().store().candidate("cand_alan")->stage, "prospect");
}

TEST_F(KulaAdmin, CommitThenDropAppliesTheWriteButLosesTheAnswer) {
  FaultSettings f;
  f.commit_then_drop_rate = 1;
  sb().setFaults(f);
  auto r = api("PUT", "/v1/candidates/cand_alan/stage", R"({"stage":"offer","source":"ats"})");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(sb().store().candidate("cand_alan")->stage, "offer") << "the write happened";
  EXPECT_EQ(get("/v1/stages").status, 200) << "reads are answered";
}

TEST_F(KulaAdmin, LatencyFaultSlowsEveryApiRequest) {
  ASSERT_EQ(admin("PUT", "/_sandbox/faults", R"({"latency_ms":150})").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(get("/v1/stages").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(145));
}

TEST_F(KulaAdmin, KnobsRejectOutOfRangeValues) {
  EXPECT_EQ(admin("PUT", "/_sandbox/faults", R"({"error_rate":1.5})").status, 422);
  EXPECT_EQ(admin("PUT", "/_sandbox/faults", R"({"latency_ms":"slow"})").status, 422);
  EXPECT_EQ(admin("PUT", "/_sandbox/delivery", R"({"duplicate":"yes"})").status, 422);
  EXPECT_EQ(admin("PUT", "/_sandbox/delivery", R"({"delay_ms":-5})").status, 422);
  EXPECT_EQ(admin("PUT", "/_sandbox/delivery", R"({"signature":"maybe"})").status, 422);
  EXPECT_EQ(admin("PUT", "/_sandbox/rate-limit", R"({"requests_per_second":-1})").status, 422);
  auto ok = admin("PUT", "/_sandbox/delivery", R"({"duplicate":true,"delay_ms":10})");
  ASSERT_EQ(ok.status, 200);
  EXPECT_TRUE(obj(ok).at("duplicate").as_bool());
  EXPECT_FALSE(obj(ok).at("reorder").as_bool()) << "absent fields keep their value";
  EXPECT_TRUE(sb().deliveryKnobs().duplicate);
  auto rl = admin("PUT", "/_sandbox/rate-limit", R"({"requests_per_second":5,"burst":2})");
  ASSERT_EQ(rl.status, 200);
  EXPECT_TRUE(obj(rl).at("enabled").as_bool());
  EXPECT_EQ(sb().rateLimit().second, 2.0);
}

TEST_F(KulaAdmin, WaitDeliveriesAnswersIdle) {
  auto r = admin("POST", "/_sandbox/wait-deliveries?timeout_ms=500");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(obj(r).at("idle").as_bool());
  EXPECT_EQ(admin("POST", "/_sandbox/wait-deliveries?timeout_ms=soon").status, 400);
}

TEST_F(KulaAdmin, ResetRestoresTheSeedAndForgetsEventsAndDeliveries) {
  ASSERT_EQ(admin("POST", "/_sandbox/candidates", R"({"name":"Temp","email":"temp@example.com"})").status, 201);
  ASSERT_EQ(admin("POST", "/_sandbox/candidates/cand_ada/notes", R"({"body":"x"})").status, 201);
  ASSERT_EQ(admin("PUT", "/_sandbox/delivery", R"({"duplicate":true})").status, 200);
  auto r = admin("POST", "/_sandbox/reset");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(obj(r).at("seed")), "small");
  auto s = obj(admin("GET", "/_sandbox/state"));
  EXPECT_EQ(s.at("candidates").as_array().size(), 4u);
  EXPECT_TRUE(s.at("events").as_array().empty());
  EXPECT_TRUE(s.at("deliveries").as_array().empty());
  EXPECT_TRUE(s.at("delivery").at("duplicate").as_bool()) << "knobs stay";
  EXPECT_EQ(str(obj(get("/v1/flows/flow_eng")).at("ats_posting_id")), kEngPosting);

  ASSERT_EQ(admin("POST", "/_sandbox/reset", R"({"seed":"empty"})").status, 200);
  EXPECT_TRUE(obj(get("/v1/candidates")).at("data").as_array().empty());
  auto bad = admin("POST", "/_sandbox/reset", R"({"seed":"galactic"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(errorCode(bad), "unknown_seed");
  EXPECT_EQ(admin("POST", "/_sandbox/reset", R"({"sed":"small"})").status, 422);
  EXPECT_EQ(admin("POST", "/_sandbox/reset", "{").status, 400);
}

TEST_F(KulaAdmin, UnknownAdminRouteIs404) {
  EXPECT_EQ(admin("GET", "/_sandbox/nothing").status, 404);
  EXPECT_EQ(admin("DELETE", "/_sandbox/state").status, 405);
}

// Every writing endpoint fed junk: each answer is a 4xx with the error envelope and the sandbox keeps serving.
TEST_F(KulaAdmin, MalformedBodiesNeverCrashAndAlwaysAnswerWithTheEnvelope) {
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"POST", "/v1/candidates"},
      {"PUT", "/v1/candidates/cand_ada/stage"},
      {"PUT", "/v1/candidates/cand_ada/ats"},
      {"POST", "/_sandbox/candidates"},
      {"POST", "/_sandbox/flows"},
      {"POST", "/_sandbox/flows/flow_eng/candidates"},
      {"POST", "/_sandbox/referrals"},
      {"POST", "/_sandbox/candidates/cand_ada/stage"},
      {"POST", "/_sandbox/candidates/cand_ada/notes"},
      {"POST", "/_sandbox/candidates/cand_ada/messages"},
      {"POST", "/_sandbox/candidates/cand_ada/resumes"},
      {"PUT", "/_sandbox/faults"},
      {"PUT", "/_sandbox/delivery"},
      {"PUT", "/_sandbox/webhook"},
      {"PUT", "/_sandbox/rate-limit"},
  };
  const std::vector<std::string> bodies = {
      "",
      "{",
      "null",
      "[]",
      "\"str\"",
      "12",
      "{\"a\":}",
      std::string(2000, '['),
      "{\"name\":null,\"emails\":null,\"stage\":null,\"body\":null}",
      "{\"name\":{},\"emails\":[{}],\"phones\":{},\"stage\":[],\"body\":1,\"private\":1,\"url\":2,\"error_rate\":\"x\"}",
      "{\"candidate\":5,\"candidate_id\":[],\"referrer\":\"me\",\"added_by\":7,\"ats\":[1]}",
      "{\"duplicate\":1,\"delay_ms\":1e300,\"retry_base_delay_ms\":-1e300,\"timestamp_skew_s\":1e300}",
      "{\"seed\":-1e300,\"latency_ms\":1e300,\"requests_per_second\":\"fast\"}",
      "\xff\xfe\x00garbage",
      "{\"name\":\"\xc3\x28\"}",
  };
  for (const auto& [method, path] : endpoints) {
    for (const auto& body : bodies) {
      const bool is_api = path.rfind("/v1", 0) == 0;
      auto r = is_api ? api(method, path, body) : admin(method, path, body);
      EXPECT_GE(r.status, 400) << method << " " << path << " <- " << body.substr(0, 60) << " -> " << r.body;
      EXPECT_LT(r.status, 500) << method << " " << path << " <- " << body.substr(0, 60) << " -> " << r.body;
      EXPECT_FALSE(errorCode(r).empty()) << method << " " << path << " <- " << body.substr(0, 60);
    }
  }
  EXPECT_EQ(get("/v1/stages").status, 200);
  EXPECT_EQ(sb().snapshot().candidates.size(), 4u);
}

}  // namespace
}  // namespace atsync::sandbox::kula::testing
