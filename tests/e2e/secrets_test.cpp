// SPDX-License-Identifier: Apache-2.0
// Secrets at rest, as an operator sees them: what the store file holds after `atsync run` registered Lever's
// webhooks.

#include "e2e_fixture.hpp"

#include <fstream>
#include <iterator>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;
namespace seed = lever::seed;

constexpr char kKeyA[] = "e2e-key-A-0123456789abcdef0123456789abcdef";

class Secrets : public EndToEnd {
 protected:
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

}  // namespace
}  // namespace atsync::e2e
