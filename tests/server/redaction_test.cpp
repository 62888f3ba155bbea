// SPDX-License-Identifier: Apache-2.0
// No secret ever leaves the host: a run with known secrets goes through a scenario full of errors, then every log
// line and every HTTP answer is searched for every secret.
#include "server_world.hpp"

#include "secrets/store_token_store.hpp"
#include "secrets/token_cipher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::testing {
namespace {

constexpr char kWrongKulaKey[] = "kula-WRONG-KEY-8e7d6c5b4a";

TEST(SecretRedaction, NoSecretInAnyLogLineOrHttpAnswer) {
  WorldOptions options;
  options.lever_token_expires_in_s = 2;
  options.kula_api_key_in_config = kWrongKulaKey;  // every Kula call fails: errors in the log and the activity
  ServerWorld world(options);
  ASSERT_EQ(world.start(), "");

  std::vector<HttpAnswer> answers;
  auto keep = [&](HttpAnswer a) {
    answers.push_back(a);
    return a;
  };
  // OAuth: tokens are issued, used, refreshed (2-second lifetime) and rotated.
  keep(world.startAuthorization());
  keep(world.authorize());
  keep(world.admin("GET", "/api/v1/connections/acme/postings"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  keep(world.admin("GET", "/api/v1/connections/acme/postings"));
  std::optional<std::string> sealed;
  world.app().store().transact([&](host::store::Transaction& tx) { sealed = tx.tokens("acme", "lever"); });
  ASSERT_TRUE(sealed);
  const auto tokens = host::secrets::parseTokens(*host::secrets::TokenCipher::fromSecret(kEncryptionKey)->open(*sealed, "acme/lever"));
  ASSERT_TRUE(tokens);

  // Secrets where they do not belong: in paths, queries, headers and bodies.
  keep(world.admin("GET", std::string("/api/v1/connections/") + kAdminToken));
  keep(world.admin("GET", std::string("/api/v1/activity?connection=") + kLeverClientSecret));
  keep(world.admin("GET", "/api/v1/connections/" + tokens->access_token + "/links"));
  keep(world.call("GET", "/api/v1/connections", {}, {{"Authorization", std::string("Bearer ") + kAdminToken + "x"}}));
  keep(world.call("GET", std::string("/no/such/") + kEncryptionKey));
  keep(world.call("POST", std::string("/hooks/acme/kula"), std::string("{\"secret\":\"") + kKulaWebhookSecret + "\"}"));
  keep(world.call("GET", std::string("/oauth/callback?state=") + kKulaWebhookSecret + "&code=x"));
  keep(world.admin("PUT", "/api/v1/connections/acme/stage-mappings",
                   std::string("{\"ats_to_platform\": {\"") + kWrongKulaKey + "\": \"x\"}}"));
  // The engine has failed against Kula (connect retries every 200 ms) and said so where an operator looks.
  ASSERT_TRUE(world.waitFor([&] {
    return world.admin("GET", "/api/v1/activity?connection=acme&kind=connect_failed").body.find("connect_failed") !=
           std::string::npos;
  }));
  keep(world.admin("GET", "/api/v1/activity?limit=500"));
  keep(world.admin("GET", "/api/v1/connections"));
  keep(world.admin("GET", "/api/v1/dead-letters"));
  keep(world.call("GET", "/readyz"));
  keep(world.call("GET", "/metrics"));

  const std::vector<std::string> secrets = {kAdminToken,        kEncryptionKey,         kWrongKulaKey,
                                            kKulaWebhookSecret, kLeverClientSecret,     tokens->access_token,
                                            tokens->refresh_token};
  const auto lines = world.logLines();
  ASSERT_GT(lines.size(), 10u);
  bool saw_redaction = false;
  for (const auto& secret : secrets) {
    for (const auto& line : lines) EXPECT_EQ(line.find(secret), std::string::npos) << "secret in log line: " << line;
    for (const auto& a : answers) {
      EXPECT_EQ(a.body.find(secret), std::string::npos) << "secret in an HTTP answer: " << a.body;
      for (const auto& [name, value] : a.headers) EXPECT_EQ(value.find(secret), std::string::npos) << name;
    }
  }
  for (const auto& a : answers) saw_redaction = saw_redaction || a.body.find("[REDACTED]") != std::string::npos;
  EXPECT_TRUE(saw_redaction) << "the paths above echo secrets: the filter must have masked some";
  // The errors did happen and were logged.
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("\"level\":\"error\"") != std::string::npos || l.find("\"level\":\"warn\"") != std::string::npos;
  }));
}

}  // namespace
}  // namespace atsync::testing
