// SPDX-License-Identifier: Apache-2.0
// The connector against a server that follows KULA-API.md in its own way, or breaks it: odd but legal answers
// are understood, broken ones fail the operation with bad_response naming the endpoint, and nothing crashes.

#include "connector_harness.hpp"

#include <atsync/sandbox/http_server.hpp>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

namespace atsync::kula_test {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

sandbox::Response answer(int status, std::string body, std::string content_type = "application/json") {
  sandbox::Response r;
  r.status = status;
  r.body = std::move(body);
  r.setHeader("Content-Type", std::move(content_type));
  return r;
}

class KulaConnectorForeignServer : public ::testing::Test {
 protected:
  KulaConnectorForeignServer()
      : server_(sandbox::HttpServer::Options{}, [this](sandbox::Request& r) { return route(r); }) {
    server_.start();
    harness_ = std::make_unique<testing::ConnectorHarness>(
        "kula", json::object{{"base_url", server_.baseUrl() + "/"}, {"api_key", "foreign-key"}, {"webhook_secret", "s"}});
  }
  ~KulaConnectorForeignServer() override {
    harness_.reset();
    server_.stop();
  }

  sdk::Error failure(std::string_view op, const json::value& input) {
    auto out = harness_->invoke(op, input);
    if (out) {
      ADD_FAILURE() << op << " succeeded: " << json::serialize(out->document);
      return {};
    }
    return out.error();
  }

  sandbox::Response route(const sandbox::Request& r) {
    {
      std::lock_guard lock(mutex_);
      authorizations_.push_back(r.header("Authorization").value_or(""));
    }
    const std::string& p = r.path;
    if (p == "/v1/stages") return answer(200, R"({"data":"oops","next_cursor":null})");
    if (p == "/v1/candidates/not_json") return answer(200, "<html>hello</html>", "text/html");
    if (p == "/v1/candidates/bad_email") return answer(200, R"({"id":"bad_email","emails":[1]})");
    if (p == "/v1/candidates/minimal") return answer(200, R"({"id":"minimal","future_field":{"x":1}})");
    if (p == "/v1/candidates/minimal/stage" && r.method == "PUT") return answer(200, "");
    if (p == "/v1/candidates/busy/ats") {
      return answer(409, R"({"error":{"code":"conflict","message":"candidate is being merged"}})");
    }
    if (p == "/v1/candidates/loop/notes") return answer(200, R"({"data":[],"next_cursor":"same"})");
    if (p == "/v1/resumes/r1/content") return answer(200, std::string("\x00\x01raw", 5), "application/msword");
    if (p == "/v1/events") {
      return answer(200, R"({"data":[
        {"id":"evt_good","type":"candidate.stage_changed","occurred_at":"2026-11-28T10:15:00.123+02:00",
         "data":{"candidate_id":"c1","from_stage":null,"to_stage":"offer","changed_by":null,"source":"kula","new":1}},
        {"id":"evt_bad","type":"note.created","occurred_at":"2026-11-28T10:16:00Z","data":{"note":{"id":"n1"}}},
        {"id":"evt_future","type":"candidate.merged","occurred_at":"2026-11-28T10:17:00Z","data":{}}],
        "next_cursor":"after_evt_future"})");
    }
    return answer(404, R"({"error":{"code":"not_found","message":"nothing here"}})");
  }

  std::mutex mutex_;
  std::vector<std::string> authorizations_;
  sandbox::HttpServer server_;
  std::unique_ptr<testing::ConnectorHarness> harness_;
};

TEST_F(KulaConnectorForeignServer, MalformedSuccessBodiesAreBadResponses) {
  auto e = failure("stages.list", json::object{});
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("GET /v1/stages"));
  EXPECT_THAT(e.message, HasSubstr("data: expected an array, found a string"));

  e = failure("candidate.get", json::object{{"candidate_id", "not_json"}});
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("GET /v1/candidates/{id}"));

  e = failure("candidate.get", json::object{{"candidate_id", "bad_email"}});
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("emails[0]: expected a string, found a number"));
}

TEST_F(KulaConnectorForeignServer, ToleratesUnknownFieldsAndMissingOptionalOnes) {
  auto out = harness_->invoke("candidate.get", json::object{{"candidate_id", "minimal"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->document.at("candidate").at("id"), "minimal");
  EXPECT_TRUE(out->document.at("candidate").at("person").at("emails").as_array().empty());
}

TEST_F(KulaConnectorForeignServer, SetStageWithoutABodyReadsTheCandidateBack) {
  auto out = harness_->invoke("candidate.set_stage", json::object{{"candidate_id", "minimal"}, {"stage", "offer"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->document.at("candidate").at("id"), "minimal");
}

TEST_F(KulaConnectorForeignServer, ConflictIsAVendorErrorWithKulasMessage) {
  const auto e = failure("candidate.link", json::object{{"candidate_id", "busy"}, {"opportunity_id", "o"}, {"contact_id", "c"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_EQ(e.http_status, 409);
  EXPECT_FALSE(e.retryable);
  EXPECT_THAT(e.message, HasSubstr("candidate is being merged"));
}

TEST_F(KulaConnectorForeignServer, ACursorThatDoesNotAdvanceIsRefused) {
  const auto e = failure("notes.list", json::object{{"candidate_id", "loop"}});
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("twice"));
}

TEST_F(KulaConnectorForeignServer, PollRefusesBadEntriesAndMovesOn) {
  auto out = harness_->invoke("events.poll", json::object{{"cursor", "start"}});
  ASSERT_TRUE(out) << out.error().message;
  const auto& doc = out->document;
  ASSERT_EQ(doc.at("events").as_array().size(), 1u);
  EXPECT_EQ(doc.at("events").at(0).at("id"), "evt_good");
  EXPECT_EQ(doc.at("events").at(0).at("occurred_at_ms"), 1795853700123);  // 10:15:00.123 at +02:00
  EXPECT_TRUE(doc.at("events").at(0).at("data").at("from_stage").is_null());
  ASSERT_EQ(doc.at("refused").as_array().size(), 2u);
  EXPECT_EQ(doc.at("refused").at(0).at("id"), "evt_bad");
  EXPECT_THAT(std::string(doc.at("refused").at(0).at("reason").as_string()), HasSubstr("data[1].data.note.candidate_id"));
  EXPECT_EQ(doc.at("refused").at(1).at("id"), "evt_future");
  EXPECT_EQ(doc.at("cursor"), "after_evt_future");
}

TEST_F(KulaConnectorForeignServer, ResumeBytesWithoutAFileName) {
  auto out = harness_->invoke("resume.content", json::object{{"resume_id", "r1"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->bytes.size(), 5u);
  EXPECT_EQ(out->document.at("file").at("name"), "r1");
  EXPECT_EQ(out->document.at("file").at("content_type"), "application/msword");
}

TEST_F(KulaConnectorForeignServer, TheHostInjectsTheBearerKey) {
  ASSERT_TRUE(harness_->invoke("candidate.get", json::object{{"candidate_id", "minimal"}}));
  std::lock_guard lock(mutex_);
  ASSERT_FALSE(authorizations_.empty());
  EXPECT_EQ(authorizations_.back(), "Bearer foreign-key");
}

}  // namespace
}  // namespace atsync::kula_test
