// SPDX-License-Identifier: Apache-2.0
// Unit tests of the Lever connector's pure parts: response envelopes, pagination, error mapping, Lever JSON → sdk
// model. Shapes follow Lever's docs and recorded traffic (LEVER-API.md §3, §4).
#include "lever_api.hpp"
#include "lever_parse.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

sdk::Error errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const sdk::OperationError& e) {
    return e.error();
  }
  ADD_FAILURE() << "no OperationError thrown";
  return {};
}

TEST(LeverApi, LastPageHasNoNextToken) {
  const Page p = parsePage(obj(R"({"data":[{"id":"a"}],"hasNext":false})"), "GET /x");
  EXPECT_EQ(p.data.size(), 1u);
  EXPECT_TRUE(p.next.empty());
}

TEST(LeverApi, PageWithNextTokenKeepsItVerbatim) {
  const Page p = parsePage(obj(R"({"data":[],"hasNext":true,"next":"%5B3%2C1491435120000%2C%22ab%22%5D"})"), "GET /x");
  EXPECT_EQ(p.next, "%5B3%2C1491435120000%2C%22ab%22%5D");
}

TEST(LeverApi, ListWithoutHasNextIsOnePage) {
  // GET /webhooks answers {data:[...]} only.
  EXPECT_TRUE(parsePage(obj(R"({"data":[]})"), "GET /webhooks").next.empty());
}

TEST(LeverApi, HasNextWithoutTokenIsABadResponse) {
  const auto e = errorOf([] { parsePage(obj(R"({"data":[],"hasNext":true})"), "GET /postings"); });
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("GET /postings"));
}

TEST(LeverApi, ListWithoutDataIsABadResponse) {
  const auto e = errorOf([] { parsePage(obj(R"({"hasNext":false})"), "GET /stages"); });
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("GET /stages"));
}

TEST(LeverApi, TruncatedBodyIsABadResponseNamingTheEndpoint) {
  const auto e = errorOf([] { parseBody(R"({"data":[{"id":"a"},{"id":)", "GET /opportunities"); });
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("GET /opportunities"));
  EXPECT_THAT(e.message, HasSubstr("truncated"));
}

TEST(LeverApi, MalformedBodyIsABadResponseSayingWhere) {
  const auto e = errorOf([] { parseBody("<html>502 Bad Gateway</html>", "GET /postings"); });
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("not valid JSON"));
  EXPECT_THAT(e.message, HasSubstr("<html>"));
}

TEST(LeverApi, NonObjectBodyIsABadResponse) {
  EXPECT_EQ(errorOf([] { parseBody("[1,2]", "GET /stages"); }).code, "bad_response");
  EXPECT_EQ(errorOf([] { parseBody("", "GET /stages"); }).code, "bad_response");
}

sdk::HttpResponse response(int status, std::string body) {
  sdk::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(LeverApi, MapsStatusesToSdkErrors) {
  EXPECT_EQ(errorFromResponse(response(401, ""), "GET /x", true).code, "unauthorized");
  EXPECT_EQ(errorFromResponse(response(403, ""), "GET /x", true).code, "unauthorized");
  EXPECT_EQ(errorFromResponse(response(404, ""), "GET /x", true).code, "not_found");
  const auto limited = errorFromResponse(response(429, R"({"code":"TooManyRequests","message":"slow down"})"), "GET /x", true);
  EXPECT_EQ(limited.code, "rate_limited");
  EXPECT_TRUE(limited.retryable);
  const auto down = errorFromResponse(response(503, "maintenance"), "POST /opportunities", false);
  EXPECT_EQ(down.code, "vendor_error");
  EXPECT_TRUE(down.retryable);
  EXPECT_TRUE(down.outcome_unknown) << "a 5xx on a write may have committed it";
  EXPECT_FALSE(errorFromResponse(response(500, ""), "GET /x", true).outcome_unknown);
  EXPECT_EQ(down.http_status, 503);
  EXPECT_FALSE(down.retry_after_ms);
}

TEST(LeverApi, ARetryAfterTheHostReadTravelsInTheError) {
  auto limited = response(429, "{}");
  limited.retry_after_ms = 30000;
  EXPECT_EQ(errorFromResponse(limited, "GET /x", true).retry_after_ms, 30000);
  auto down = response(503, "maintenance");
  down.retry_after_ms = 120000;
  EXPECT_EQ(errorFromResponse(down, "PUT /opportunities/:id/stage", true).retry_after_ms, 120000);
  auto refused = response(400, "{}");
  refused.retry_after_ms = 1000;  // not worth retrying at all, whatever the header says
  EXPECT_FALSE(errorFromResponse(refused, "POST /opportunities", false).retry_after_ms);
}

TEST(LeverApi, BadRequestCarriesLeversMessage) {
  const auto e = errorFromResponse(
      response(400, R"({"code":"BadRequestError","message":"Missing perform_as parameter. Please specify a user."})"),
      "POST /opportunities", false);
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_FALSE(e.retryable);
  EXPECT_THAT(e.message, HasSubstr("POST /opportunities"));
  EXPECT_THAT(e.message, HasSubstr("Missing perform_as parameter"));
}

TEST(LeverApi, OffsetTokensTravelUntouched) {
  EXPECT_EQ(rawQueryValue("%5B3%2C1491435120000%2C%225599cc20-1f%22%5D"), "%5B3%2C1491435120000%2C%225599cc20-1f%22%5D");
  EXPECT_EQ(rawQueryValue("0.1414895548650.a6070140-33db"), "0.1414895548650.a6070140-33db");
  // Characters that would break the query are escaped; a lone '%' is not a valid escape.
  EXPECT_EQ(rawQueryValue("a b&c#d"), "a%20b%26c%23d");
  EXPECT_EQ(rawQueryValue("50%"), "50%25");
  EXPECT_EQ(rawQueryValue("%zz"), "%25zz");
}

TEST(LeverApi, RefusesIdsThatAreNotOnePathSegment) {
  EXPECT_NO_THROW(requireSafeId("lead-new", "stage_id"));
  EXPECT_NO_THROW(requireSafeId("a6070140-33db-407c-91f5-2760e15c8e94", "opportunity_id"));
  for (const char* bad : {"", ".", "..", "../webhooks", "a/b", "a?b=c", "a b"}) {
    const auto e = errorOf([&] { requireSafeId(bad, "opportunity_id"); });
    EXPECT_EQ(e.code, "invalid_input") << bad;
    EXPECT_THAT(e.message, HasSubstr("opportunity_id"));
  }
}

TEST(LeverParse, OpportunityToleratesRealWorldShapes) {
  // Numbers as strings, nulls, an expanded contact and stage, phone strings, unknown keys.
  const auto o = parseOpportunity(json::parse(R"({
      "id":"opp-1","name":"Ada Lovelace","headline":null,"contact":{"id":"c-1","name":"Ada"},
      "emails":["ada@example.com",null],"phones":[{"type":"mobile","value":"+1 555"},"+44 20",{"value":null}],
      "links":null,"location":{"name":"London"},"stage":{"id":"lead-new","text":"New lead"},
      "origin":"sourced","sources":["Kula"],"tags":["atsync"],"archived":null,
      "createdAt":"1407460071043","updatedAt":null,"lastAdvancedAt":1407460099999,"mystery":{"x":1}})"),
                                  "GET /opportunities");
  EXPECT_EQ(o.id, "opp-1");
  EXPECT_EQ(o.contact_id, "c-1");
  EXPECT_EQ(o.person.name, "Ada Lovelace");
  EXPECT_EQ(o.person.headline, "");
  EXPECT_EQ(o.person.location, "London");
  EXPECT_EQ(o.person.emails, std::vector<std::string>{"ada@example.com"});
  ASSERT_EQ(o.person.phones.size(), 2u);
  EXPECT_EQ(o.person.phones[0].type, "mobile");
  EXPECT_EQ(o.person.phones[1].value, "+44 20");
  EXPECT_EQ(o.stage_id, "lead-new");
  EXPECT_FALSE(o.archived);
  EXPECT_EQ(o.created_at_ms, 1407460071043);
  EXPECT_EQ(o.updated_at_ms, 1407460099999) << "null updatedAt falls back to the newest known timestamp";
  EXPECT_FALSE(o.posting_id.has_value());
}

TEST(LeverParse, OpportunityPostingComesFromExpandedApplications) {
  const auto o = parseOpportunity(
      json::parse(R"({"id":"o","applications":[{"id":"app","posting":"p-1"}],"archived":{"reason":"r","archivedAt":5}})"),
      "GET /opportunities");
  EXPECT_EQ(o.posting_id, "p-1");
  EXPECT_TRUE(o.archived);
}

TEST(LeverParse, TimestampsOutsideInt64ReadAsAbsent) {
  // Found by fuzz/lever_response: casting 1.79e123 to int64_t was undefined behaviour (UBSan float-cast-overflow).
  const auto o = parseOpportunity(obj(R"({"id":"o1","createdAt":1.79e123,"updatedAt":-1e300,"lastAdvancedAt":5})"),
                                  "GET /opportunities");
  EXPECT_EQ(o.created_at_ms, 0);
  EXPECT_EQ(o.updated_at_ms, 5);
}

TEST(LeverParse, OpportunityWithoutIdIsABadResponse) {
  const auto e = errorOf([] { parseOpportunity(json::parse(R"({"name":"x"})"), "GET /opportunities"); });
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("GET /opportunities"));
  EXPECT_EQ(errorOf([] { parseOpportunity(json::parse("42"), "GET /opportunities"); }).code, "bad_response");
}

TEST(LeverParse, PostingMapsCategoriesChannelsAndUrl) {
  const auto p = parsePosting(json::parse(R"({"id":"p","text":"Backend Engineer","state":"published",
      "distributionChannels":["public","internal"],"categories":{"team":"Platform","department":"Eng",
      "location":"Berlin","commitment":"Full-time","level":null},"urls":{"show":"https://jobs.lever.co/acme/p"},
      "updatedAt":"1700000000000","salaryRange":null})"),
                              "GET /postings");
  EXPECT_EQ(p.title, "Backend Engineer");
  EXPECT_EQ(p.channels, (std::vector<std::string>{"public", "internal"}));
  EXPECT_EQ(p.team, "Platform");
  EXPECT_EQ(p.location, "Berlin");
  EXPECT_EQ(p.url, "https://jobs.lever.co/acme/p");
  EXPECT_EQ(p.updated_at_ms, 1700000000000);
  // Non-published postings have distributionChannels:null and urls:null.
  const auto draft = parsePosting(json::parse(R"({"id":"d","state":"draft","distributionChannels":null,"urls":null})"),
                                  "GET /postings");
  EXPECT_TRUE(draft.channels.empty());
  EXPECT_TRUE(draft.url.empty());
}

TEST(LeverParse, FileSizeAndUploadTimeMayBeStrings) {
  const auto f = parseFile(json::parse(R"({"id":"f","name":"cv.pdf","ext":".pdf","size":"1000",
                                           "uploadedAt":"1468953420000","status":null})"),
                           "opp", "GET /opportunities/:id/files");
  EXPECT_EQ(f.size_bytes, 1000);
  EXPECT_EQ(f.created_at_ms, 1468953420000);
  EXPECT_EQ(f.content_type, "application/pdf");
  EXPECT_EQ(f.subject_id, "opp");
}

TEST(LeverParse, NoteReadsEveryCommentAndDeletion) {
  const auto n = parseNote(json::parse(R"({"id":"n","fields":[{"value":"one"},{"value":"two"}],"deletedAt":null})"),
                           "GET /opportunities/:id/notes");
  EXPECT_EQ(n.values, (std::vector<std::string>{"one", "two"}));
  EXPECT_FALSE(n.deleted);
  EXPECT_TRUE(parseNote(json::parse(R"({"id":"n","deletedAt":"1"})"), "x").deleted);
}

TEST(LeverParse, StageChangesKeepOrderAndUser) {
  const auto h = parseStageChanges(obj(R"({"stageChanges":[{"toStageId":"lead-new","updatedAt":1,"userId":"u"},
      {"toStageId":"offer","updatedAt":"2","userId":null},{"bogus":true}]})"));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].to_stage_id, "offer");
  EXPECT_EQ(h[1].at_ms, 2);
  EXPECT_FALSE(h[1].user_id.has_value());
  EXPECT_EQ(h[0].user_id, "u");
}

}  // namespace
}  // namespace atsync::lever
