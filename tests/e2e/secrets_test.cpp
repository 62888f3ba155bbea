// SPDX-License-Identifier: Apache-2.0
// Secrets at rest, as an operator sees them: what the store file holds after `atsync run` registered Lever's
// webhooks, rotating `encryption_key` with `previous_encryption_keys` and `atsync reseal`, and the stored OAuth
// tokens shared by the server and the one-shot verbs.

#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <fstream>
#include <iterator>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;
namespace seed = lever::seed;

constexpr char kKeyA[] = "e2e-key-A-0123456789abcdef0123456789abcdef";
constexpr char kKeyB[] = "e2e-key-B-fedcba9876543210fedcba9876543210";
constexpr char kKeyC[] = "e2e-key-C-neither-of-the-two-keys-ever-used";

struct Answer {
  int status = 0;
  std::string location;
  std::string cookie;  ///< Set-Cookie up to its first ';'
  std::string body;
};

Answer get(const std::string& url, const std::string& cookie = {}) {
  const Poco::URI uri(url);
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  session.setTimeout(Poco::Timespan(20, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  if (!cookie.empty()) request.set("Cookie", cookie);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Answer a;
  a.status = static_cast<int>(response.getStatus());
  a.location = response.get("Location", "");
  a.cookie = response.get("Set-Cookie", "");
  a.cookie = a.cookie.substr(0, a.cookie.find(';'));
  Poco::StreamCopier::copyToString(in, a.body);
  return a;
}

class Secrets : public EndToEnd {
 protected:
  /// What a Lever Super Admin does up to Lever's answer: "Connect Lever" in the console, Accept at Lever. `start`
  /// keeps the browser's cookie, `consent.location` is the callback URL Lever sends the browser to.
  void startAuthorization(Answer& start, Answer& consent) {
    ASSERT_TRUE(waitFor([&] { return httpGetStatus(hostPort(), "/healthz") == 200; }, seconds(20))) << host().output();
    const std::string host_url = "http://127.0.0.1:" + std::to_string(hostPort());
    const auto minted = httpCall(host_url + "/api/v1/connections/" + kConnection + "/authorize", "POST", "{}",
                                 {{"Authorization", std::string("Bearer ") + kAdminToken}});
    ASSERT_EQ(minted.status, 200) << minted.body;
    start = get(host_url + std::string(boost::json::parse(minted.body).at("start_url").as_string()));
    ASSERT_EQ(start.status, 302) << start.body;
    consent = get(start.location + "&auto=approve");
    ASSERT_EQ(consent.status, 302) << consent.body;
  }

  /// The whole authorization, back on atsync.
  void authorizeLever() {
    Answer start;
    Answer consent;
    startAuthorization(start, consent);
    if (HasFatalFailure()) return;
    const auto callback = get(consent.location, start.cookie);
    ASSERT_EQ(callback.status, 200) << callback.body;
  }

  /// Every byte of the SQLite store: the database file and its WAL and shared-memory files.
  std::string storeBytes() const {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(dir())) {
      if (entry.path().filename().string().rfind("atsync.db", 0) != 0) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }

  /// The webhooks atsync created through Lever's API: id → signature token.
  std::map<std::string, std::string> apiWebhooks() const {
    std::map<std::string, std::string> out;
    for (const auto& w : const_cast<Secrets*>(this)->leverSandbox().state().webhooks()) {
      if (w.source == "api") out[w.id] = w.signature_token;
    }
    return out;
  }

  /// A recruiter moves Ada's opportunity in Lever; true when Kula shows the mapped stage, i.e. the signed
  /// webhook was accepted and applied.
  bool leverStageReachesKula(const std::string& opportunity, const std::string& lever_stage,
                             const std::string& kula_stage) {
    if (!leverSandbox().moveStage(opportunity, lever_stage)) return false;
    return waitFor([&] { return kulaCandidate(kAda)->stage == kula_stage; }, seconds(15));
  }

  static int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }
};

TEST_F(Secrets, LeverWebhookSignatureTokensAreSealedInTheStoreAndStillVerifyDeliveries) {
  WorldOptions options;
  options.encryption_key = kKeyA;
  startWorld(options);  // connecting registers Lever's webhooks through its API
  const auto webhooks = apiWebhooks();
  ASSERT_EQ(webhooks.size(), 2u) << "candidateStageChange and applicationCreated";

  const std::string bytes = storeBytes();
  ASSERT_FALSE(bytes.empty());
  for (const auto& [id, token] : webhooks) {
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(bytes.find(token), std::string::npos) << "webhook " << id << "'s signature token is in the store file";
  }

  // Deliveries signed with those tokens are still verified and applied.
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opportunity = waitLinked(kAda);
  ASSERT_FALSE(opportunity.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_TRUE(leverStageReachesKula(opportunity, seed::kStageOnsite, "interviewing"));
  EXPECT_EQ(apiWebhooks(), webhooks);
}

TEST_F(Secrets, WithoutEncryptionKeyTheHostSaysPluginStateIsKeptInPlaintext) {
  startWorld();
  EXPECT_NE(host().output().find("without encryption_key"), std::string::npos) << host().output();
}

TEST_F(Secrets, RotatedKeyKeepsTheHostRunningAndResealMovesEverythingToTheNewKey) {
  WorldOptions options;
  options.encryption_key = kKeyA;
  startWorld(options);
  const auto webhooks = apiWebhooks();
  ASSERT_EQ(webhooks.size(), 2u);
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opportunity = waitLinked(kAda);
  ASSERT_FALSE(opportunity.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  ASSERT_EQ(host().terminate(seconds(30)).value_or(-1), 0);

  // A key that sealed nothing: reseal refuses, in one line, and changes nothing.
  options.encryption_key = kKeyC;
  writeConfig(options);
  auto wrong = atsync({"reseal"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_EQ(lines(wrong.err), 1) << wrong.err;
  EXPECT_NE(wrong.err.find("atsync reseal: "), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("opens with none of the configured keys"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("connection 'e2e'"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find(kKeyA), std::string::npos);
  EXPECT_EQ(wrong.err.find(kKeyC), std::string::npos);

  // B is the new key, A still opens what it sealed: the host runs as before, on the webhooks it registered.
  options.encryption_key = kKeyB;
  options.previous_encryption_keys = {kKeyA};
  writeConfig(options);
  startHost();
  EXPECT_EQ(apiWebhooks(), webhooks) << "the stored webhook tokens opened: nothing was registered again";
  EXPECT_TRUE(leverStageReachesKula(opportunity, seed::kStageOnsite, "interviewing"));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  ASSERT_EQ(host().terminate(seconds(30)).value_or(-1), 0);

  auto resealed = atsync({"reseal"});
  ASSERT_EQ(resealed.exit_code, 0) << resealed.err;
  EXPECT_NE(resealed.out.find("resealed 2 plugin state values (2 under a previous key"), std::string::npos)
      << resealed.out;

  // B alone now opens the whole store.
  options.previous_encryption_keys.clear();
  writeConfig(options);
  auto again = atsync({"reseal"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("resealed 2 plugin state values (0 under a previous key"), std::string::npos) << again.out;
  startHost();
  EXPECT_EQ(apiWebhooks(), webhooks);
  EXPECT_TRUE(leverStageReachesKula(opportunity, seed::kStageRecruiterScreen, "screening"));
}

TEST_F(Secrets, RotatedKeyOpensOAuthTokensAndResealMovesThemToTheNewKey) {
  WorldOptions options;
  options.ats_oauth = true;
  options.encryption_key = kKeyA;
  startSandboxes(options);
  ASSERT_TRUE(host().start()) << host().output();
  authorizeLever();
  ASSERT_TRUE(host().waitReady(seconds(20))) << host().output();
  ASSERT_EQ(host().terminate(seconds(30)).value_or(-1), 0);

  // Neither key: the tokens do not open, the connection waits for a new authorization, and the log says why.
  options.encryption_key = kKeyC;
  writeConfig(options);
  ASSERT_TRUE(host().start());
  EXPECT_FALSE(host().waitReady(seconds(3)));
  EXPECT_NE(host().output().find("cannot be decrypted: opens with none of the configured keys"), std::string::npos)
      << host().output();
  host().terminate(seconds(30));
  auto wrong = atsync({"reseal"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("OAuth tokens of connection 'e2e' (plugin 'lever') opens with none of the configured"),
            std::string::npos)
      << wrong.err;

  // B current, A previous: the tokens sealed with A open, no new authorization needed.
  options.encryption_key = kKeyB;
  options.previous_encryption_keys = {kKeyA};
  writeConfig(options);
  startHost();
  ASSERT_EQ(host().terminate(seconds(30)).value_or(-1), 0);
  auto resealed = atsync({"reseal"});
  ASSERT_EQ(resealed.exit_code, 0) << resealed.err;
  EXPECT_NE(resealed.out.find("and 1 OAuth token row (1 under a previous key)"), std::string::npos) << resealed.out;

  // B alone.
  options.previous_encryption_keys.clear();
  writeConfig(options);
  startHost();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  EXPECT_FALSE(waitLinked(kAda).empty()) << "Lever calls work with the resealed tokens";
}

TEST_F(Secrets, OneShotVerbsUseTheStoredOAuthTokensAndRefreshInTurnWithTheServer) {
  // Issue 11: `atsync postings` and `atsync invoke` next to a serving host, on one connection whose Lever access
  // tokens live 2 s and whose refresh tokens rotate on use.
  WorldOptions options;
  options.ats_oauth = true;
  options.encryption_key = kKeyA;
  options.ats_token_expires_in_s = 2;  // inside the 60 s refresh skew: every Lever call refreshes, and rotates
  startSandboxes(options);
  ASSERT_TRUE(host().start()) << host().output();
  authorizeLever();
  ASSERT_TRUE(host().waitReady(seconds(20))) << host().output();

  // The server calls Lever for flow candidates while `atsync postings` calls it from its own process.
  const std::vector<std::string> candidates = {kAda, "cand_grace", "cand_alan"};
  for (const auto& c : candidates) ASSERT_TRUE(kulaStore().addToFlow(kFlow, c, kRecruiter).ok());
  for (int i = 0; i < 3; ++i) {
    auto postings = atsync({"postings", "--connection", kConnection});
    ASSERT_EQ(postings.exit_code, 0) << postings.err;
    EXPECT_NE(postings.out.find("published postings for connection"), std::string::npos) << postings.out;
  }
  // A plugin author's `atsync invoke` reads pages of Lever opportunities, refreshing at every call, while the server
  // does too. (The import itself refuses to run next to a serving host: it would dispatch the same commands.)
  auto pages = atsync({"invoke", "--connection", kConnection, "--side", "ats", "import.page", "--repeat", "3"});
  ASSERT_EQ(pages.exit_code, 0) << pages.out << pages.err;
  EXPECT_NE(pages.out.find("\"opportunities\""), std::string::npos) << pages.out;
  auto import = atsync({"import", "--connection", kConnection});
  EXPECT_EQ(import.exit_code, 1) << import.out << import.err;
  EXPECT_NE(import.err.find("is serving the SQLite store"), std::string::npos) << import.err;
  for (const auto& c : candidates) EXPECT_FALSE(waitLinked(c).empty()) << c;

  // Nobody spent a refresh token another had rotated: the server still reaches Lever afterwards.
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, "cand_katherine", kRecruiter).ok());
  EXPECT_FALSE(waitLinked("cand_katherine").empty()) << host().output();
  EXPECT_EQ(host().output().find("needs re-authorization"), std::string::npos) << host().output();
  const auto postings = atsync({"postings", "--connection", kConnection});
  EXPECT_EQ(postings.exit_code, 0) << postings.err;
}

TEST_F(Secrets, AnAuthorizationStartedBeforeARestartCompletesAfterIt) {
  WorldOptions options;
  options.ats_oauth = true;
  options.encryption_key = kKeyA;
  startSandboxes(options);
  ASSERT_TRUE(host().start()) << host().output();
  Answer start;
  Answer consent;
  startAuthorization(start, consent);
  ASSERT_FALSE(HasFatalFailure());

  // The administrator is at Lever's consent page when the host restarts (a deploy, or another host of the store
  // answers the callback): the state lives in the store, so the callback still completes.
  ASSERT_EQ(host().terminate(seconds(30)).value_or(-1), 0);
  ASSERT_TRUE(host().start()) << host().output();
  ASSERT_TRUE(waitFor([&] { return httpGetStatus(hostPort(), "/healthz") == 200; }, seconds(20))) << host().output();
  const auto callback = get(consent.location, start.cookie);
  ASSERT_EQ(callback.status, 200) << callback.body;
  EXPECT_TRUE(host().waitReady(seconds(20))) << host().output();
  EXPECT_NE(get(consent.location, start.cookie).status, 200) << "a state is still single-use";
  // Only hashes are stored: the state in the callback URL is nowhere in the store's bytes.
  std::string state;
  for (const auto& [key, value] : Poco::URI(consent.location).getQueryParameters()) {
    if (key == "state") state = value;
  }
  ASSERT_FALSE(state.empty()) << consent.location;
  EXPECT_EQ(storeBytes().find(state), std::string::npos);
}

}  // namespace
}  // namespace atsync::e2e
