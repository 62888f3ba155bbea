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

  authorizeAts();
  if (HasFatalFailure()) return;
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
