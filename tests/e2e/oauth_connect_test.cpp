// SPDX-License-Identifier: Apache-2.0
// F1 through the real binary for every ATS that offers an authorization-code grant, with no browser: an
// administrator mints a start URL, follows atsync's redirect to the ATS's consent page, approves, and comes back to
// atsync's callback with the cookie it was given. The connection then works, for the server and for one-shot verbs.

#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <gmock/gmock.h>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

class OAuthConnect : public PerAts {};

TEST_P(OAuthConnect, AnAdministratorConnectsTheAtsAndTheConnectionWorks) {
  WorldOptions options;
  options.ats_oauth = true;
  options.ats_token_expires_in_s = 2;  // inside the refresh skew: every call refreshes, and the refresh token rotates
  startSandboxes(options);
  ASSERT_TRUE(host().start()) << host().output();
  ASSERT_TRUE(waitFor([&] { return httpGetStatus(hostPort(), "/healthz") == 200; }, seconds(20))) << host().output();
  EXPECT_NE(httpGetStatus(hostPort(), "/readyz"), 200) << "not ready before anyone connected the ATS";

  const std::string host_url = "http://127.0.0.1:" + std::to_string(hostPort());
  const auto minted = httpCall(host_url + "/api/v1/connections/" + kConnection + "/authorize", "POST", "{}",
                               {{"Authorization", std::string("Bearer ") + kAdminToken}});
  ASSERT_EQ(minted.status, 200) << minted.body;
  const auto start = httpCall(host_url + std::string(boost::json::parse(minted.body).at("start_url").as_string()));
  ASSERT_EQ(start.status, 302) << start.body;
  const std::string cookie = start.header("set-cookie").substr(0, start.header("set-cookie").find(';'));
  const std::string to_ats = start.header("location");
  EXPECT_FALSE(queryParam(to_ats, "scope").empty());

  // The ATS's consent page, approved: it sends the browser back with a code, not an error (an unknown scope is one).
  const auto consent = httpCall(to_ats + "&auto=approve");
  ASSERT_EQ(consent.status, 302) << consent.body;
  const std::string back = consent.header("location");
  EXPECT_EQ(queryParam(back, "error"), "") << queryParam(back, "error_description");
  ASSERT_FALSE(queryParam(back, "code").empty()) << back;

  const auto callback = httpCall(back, "GET", {}, {{"Cookie", cookie}});
  ASSERT_EQ(callback.status, 200) << callback.body;
  ASSERT_TRUE(host().waitReady(seconds(20))) << host().output();

  // The server writes with the new tokens...
  const std::string candidate = newKulaCandidate("Olive Oauth", "olive.oauth@e2e.example");
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, candidate, kRecruiter).ok());
  EXPECT_FALSE(waitLinked(candidate).empty()) << host().output();
  EXPECT_EQ(ats().opportunitiesOf("olive.oauth@e2e.example").size(), 1u);
  // ...and so does a one-shot verb next to it, from the tokens in the store.
  const auto postings = atsync({"postings", "--connection", kConnection});
  EXPECT_EQ(postings.exit_code, 0) << postings.out << postings.err;
  // Nobody spent a refresh token the other had rotated: the server still writes afterwards.
  const std::string another = newKulaCandidate("Otto Oauth", "otto.oauth@e2e.example");
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, another, kRecruiter).ok());
  EXPECT_FALSE(waitLinked(another).empty()) << host().output();
  EXPECT_EQ(host().output().find("needs re-authorization"), std::string::npos) << host().output();
}

INSTANTIATE_TEST_SUITE_P(EveryAts, OAuthConnect, everyAts(), atsName);

}  // namespace
}  // namespace atsync::e2e
