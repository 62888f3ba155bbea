// SPDX-License-Identifier: Apache-2.0
#include "secrets/key_ring.hpp"
#include "secrets/reseal.hpp"
#include "secrets/sealed_state.hpp"
#include "secrets/store_token_store.hpp"
#include "secrets/token_cipher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <random>

namespace atsync::host::secrets {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "a-passphrase-of-at-least-32-characters!!";
constexpr char kNewKey[] = "the-new-key-after-a-rotation-32-characters";

KeyRing ring(const char* current, std::vector<std::string> previous = {}) {
  auto keys = KeyRing::fromSecrets(current, previous);
  EXPECT_TRUE(keys) << keys.error();
  return std::move(*keys);
}

TEST(TokenCipher, RoundTripsAndUsesAFreshNonceEachTime) {
  auto cipher = TokenCipher::fromSecret(kKey);
  ASSERT_TRUE(cipher);
  const std::string a = cipher->seal("secret token", "acme/lever");
  const std::string b = cipher->seal("secret token", "acme/lever");
  EXPECT_NE(a, b) << "same plaintext, same key: a fresh 96-bit nonce must make the ciphertexts differ";
  EXPECT_EQ(a.find("secret token"), std::string::npos);
  EXPECT_THAT(a, ::testing::StartsWith("v1."));
  EXPECT_EQ(*cipher->open(a, "acme/lever"), "secret token");
  EXPECT_EQ(*cipher->open(b, "acme/lever"), "secret token");
}

TEST(TokenCipher, TheSameSecretDerivesTheSameKey) {
  const std::string sealed = TokenCipher::fromSecret(kKey)->seal("x", "c/p");
  EXPECT_EQ(*TokenCipher::fromSecret(kKey)->open(sealed, "c/p"), "x");
}

TEST(TokenCipher, RefusesAWrongKeyAnotherContextOrAlteredText) {
  auto cipher = TokenCipher::fromSecret(kKey);
  const std::string sealed = cipher->seal("secret token", "acme/lever");
  auto other = TokenCipher::fromSecret("another-passphrase-of-32-characters-or-more");
  auto wrong_key = other->open(sealed, "acme/lever");
  ASSERT_FALSE(wrong_key);
  EXPECT_THAT(wrong_key.error(), HasSubstr("authentication failed"));
  EXPECT_FALSE(cipher->open(sealed, "other/lever")) << "a row moved to another connection must not decrypt";
  std::string altered = sealed;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(cipher->open(altered, "acme/lever"));
  EXPECT_FALSE(cipher->open("plain text", "acme/lever"));
  EXPECT_FALSE(cipher->open("v1.!!!", "acme/lever"));
}

TEST(TokenCipher, RefusesAnEmptySecret) { EXPECT_FALSE(TokenCipher::fromSecret("")); }

class StoreTokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("atsync-secrets-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto store = store::openStore("sqlite:" + (dir_ / "t.db").string());
    ASSERT_TRUE(store) << store.error();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string fileBytes() {
    std::string all;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(dir_ / (std::string("t.db") + suffix), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(StoreTokenStoreTest, SavesSealedAndLoadsBack) {
  const KeyRing keys = ring(kKey);
  std::vector<std::string> observed;
  StoreTokenStore tokens(*store_, keys, "acme", "lever",
                         [&](const std::vector<std::string>& s) { observed.insert(observed.end(), s.begin(), s.end()); });
  EXPECT_FALSE(tokens.load());
  tokens.save({"access-TOKEN-123456", "refresh-TOKEN-654321", 42, "offline_access"});
  const auto loaded = tokens.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->access_token, "access-TOKEN-123456");
  EXPECT_EQ(loaded->refresh_token, "refresh-TOKEN-654321");
  EXPECT_EQ(loaded->expires_at_ms, 42);
  EXPECT_EQ(loaded->scope, "offline_access");
  EXPECT_THAT(observed, ::testing::Contains("refresh-TOKEN-654321")) << "the redactor learns every token";
  const std::string bytes = fileBytes();
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find("access-TOKEN-123456"), std::string::npos);
  EXPECT_EQ(bytes.find("refresh-TOKEN-654321"), std::string::npos);
}

TEST_F(StoreTokenStoreTest, ARefreshIsClaimedByOneProcessAtATimeThroughTheStore) {
  const KeyRing keys = ring(kKey);
  // A second process: its own store connection to the same file, its own claim holder.
  auto other_store = store::openStore("sqlite:" + (dir_ / "t.db").string());
  ASSERT_TRUE(other_store) << other_store.error();
  StoreTokenStore server(*store_, keys, "acme", "lever");
  StoreTokenStore import(**other_store, keys, "acme", "lever");
  using Kind = http::RefreshClaim::Kind;

  EXPECT_EQ(server.claimRefresh("rt-0", 30000).kind, Kind::kMovedOn) << "no row: nothing to refresh";
  server.save({"at-0", "rt-0", 1, ""});
  EXPECT_EQ(server.claimRefresh("rt-0", 30000).kind, Kind::kClaimed);
  EXPECT_EQ(server.claimRefresh("rt-0", 30000).kind, Kind::kClaimed) << "a holder may claim again";
  EXPECT_EQ(import.claimRefresh("rt-0", 30000).kind, Kind::kBusy) << "the other process waits";

  server.save({"at-1", "rt-1", 2, ""});  // the refresh, saved: the claim ends
  const auto moved = import.claimRefresh("rt-0", 30000);
  EXPECT_EQ(moved.kind, Kind::kMovedOn);
  ASSERT_TRUE(moved.stored);
  EXPECT_EQ(moved.stored->access_token, "at-1");

  EXPECT_EQ(import.claimRefresh("rt-1", 30000).kind, Kind::kClaimed);
  import.releaseRefresh();  // its refresh failed
  EXPECT_EQ(server.claimRefresh("rt-1", 1).kind, Kind::kClaimed) << "released: no need to wait";
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(import.claimRefresh("rt-1", 30000).kind, Kind::kClaimed) << "an expired claim (its holder died) is taken over";
}

TEST_F(StoreTokenStoreTest, ATokenRowUnderAnotherKeyReadsAsNotAuthorizedWithAReason) {
  const KeyRing keys = ring(kKey);
  StoreTokenStore(*store_, keys, "acme", "lever").save({"a-token-value", "r-token-value", 1, ""});
  const KeyRing other = ring("a-different-key-of-at-least-32-characters");
  StoreTokenStore tokens(*store_, other, "acme", "lever");
  EXPECT_FALSE(tokens.load());
  EXPECT_THAT(tokens.lastError(), HasSubstr("cannot be decrypted"));
  EXPECT_THAT(tokens.lastError(), ::testing::Not(HasSubstr("token-value")));
}

TEST(KeyRing, SealsWithTheCurrentKeyAndOpensWithAnyConfiguredKey) {
  const std::string old_sealed = ring(kKey).seal("tokens", "c/p");
  const KeyRing rotated = ring(kNewKey, {kKey});
  auto opened = rotated.open(old_sealed, "c/p");
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->plaintext, "tokens");
  EXPECT_EQ(opened->key_index, 1u);
  const auto fresh = rotated.open(rotated.seal("tokens", "c/p"), "c/p");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->key_index, 0u);
  EXPECT_TRUE(ring(kNewKey).open(rotated.seal("tokens", "c/p"), "c/p")) << "sealing uses the current key";
}

TEST(KeyRing, SaysHowManyKeysOpenedNothing) {
  const std::string sealed = ring(kKey).seal("tokens", "c/p");
  auto opened = ring(kNewKey, {"yet-another-key-of-32-characters-or-more"}).open(sealed, "c/p");
  ASSERT_FALSE(opened);
  EXPECT_THAT(opened.error(), HasSubstr("opens with none of the configured keys (encryption_key and 1 previous key)"));
  EXPECT_THAT(opened.error(), HasSubstr("authentication failed"));
}

TEST(KeyRing, NamesTheKeyThatCannotBeUsed) {
  auto keys = KeyRing::fromSecrets(kKey, {kNewKey, ""});
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error(), "previous_encryption_keys[1]: the encryption key is empty");
}

TEST_F(StoreTokenStoreTest, TokensSealedBeforeARotationLoadWithThePreviousKey) {
  StoreTokenStore(*store_, ring(kKey), "acme", "lever").save({"a-token-value", "r-token-value", 1, ""});
  const KeyRing rotated = ring(kNewKey, {kKey});
  StoreTokenStore tokens(*store_, rotated, "acme", "lever");
  const auto loaded = tokens.load();
  ASSERT_TRUE(loaded) << tokens.lastError();
  EXPECT_EQ(loaded->refresh_token, "r-token-value");
}

TEST(SealedState, IsBoundToItsRow) {
  const KeyRing keys = ring(kKey);
  const std::string sealed = sealState(keys, {"acme", "lever", "webhook/x"}, R"({"signature_token":"s"})");
  EXPECT_TRUE(isSealedState(sealed));
  EXPECT_FALSE(isSealedState(R"({"signature_token":"s"})"));
  EXPECT_EQ(openState(keys, {"acme", "lever", "webhook/x"}, sealed)->plaintext, R"({"signature_token":"s"})");
  EXPECT_FALSE(openState(keys, {"acme", "lever", "webhook/y"}, sealed));
  EXPECT_FALSE(openState(keys, {"other", "lever", "webhook/x"}, sealed));
}

class ResealTest : public StoreTokenStoreTest {
 protected:
  std::string stateValue(std::string_view key) {
    std::optional<std::string> v;
    store_->transact([&](store::Transaction& tx) { v = tx.pluginState("acme", "lever", key); });
    return v.value_or("");
  }
  void putState(std::string_view key, std::string_view value) {
    store_->transact([&](store::Transaction& tx) { tx.setPluginState("acme", "lever", key, value); });
  }
};

TEST_F(ResealTest, MovesEveryValueToTheCurrentKeyAndSealsLegacyPlaintext) {
  const KeyRing old_keys = ring(kKey);
  StoreTokenStore(*store_, old_keys, "acme", "lever").save({"a-token-value", "r-token-value", 1, ""});
  putState("webhook/a", sealState(old_keys, {"acme", "lever", "webhook/a"}, R"({"signature_token":"tok-A-123456"})"));
  putState("webhook/b", R"({"signature_token":"tok-B-654321"})");  // written before sealing existed

  const KeyRing rotated = ring(kNewKey, {kKey});
  auto report = reseal(*store_, rotated);
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->token_rows, 1);
  EXPECT_EQ(report->token_rows_previous_key, 1);
  EXPECT_EQ(report->state_values, 2);
  EXPECT_EQ(report->state_values_previous_key, 1);
  EXPECT_EQ(report->state_values_plaintext, 1);

  const KeyRing new_only = ring(kNewKey);
  StoreTokenStore tokens(*store_, new_only, "acme", "lever");
  ASSERT_TRUE(tokens.load()) << tokens.lastError();
  for (const char* key : {"webhook/a", "webhook/b"}) {
    ASSERT_TRUE(isSealedState(stateValue(key))) << key;
    EXPECT_TRUE(openState(new_only, {"acme", "lever", key}, stateValue(key))) << key;
  }
  // Only the live rows: SQLite may keep a rewritten row's old bytes in free pages and the WAL until they are reused
  // (docs/operations.md says to VACUUM for that).
  EXPECT_EQ(stateValue("webhook/b").find("tok-B-654321"), std::string::npos);
}

TEST_F(ResealTest, AValueNoKeyOpensStopsEverythingAndChangesNothing) {
  StoreTokenStore(*store_, ring(kKey), "acme", "lever").save({"a-token-value", "r-token-value", 1, ""});
  putState("webhook/a", sealState(ring("a-lost-key-of-at-least-32-characters-long"), {"acme", "lever", "webhook/a"},
                                  "{}"));
  putState("webhook/b", "{}");
  auto report = reseal(*store_, ring(kNewKey, {kKey}));
  ASSERT_FALSE(report);
  EXPECT_THAT(report.error(), HasSubstr("plugin state 'webhook/a' of connection 'acme' (plugin 'lever') opens with "
                                        "none of the configured keys"));
  EXPECT_EQ(stateValue("webhook/b"), "{}") << "rolled back";
  const KeyRing old_keys = ring(kKey);
  StoreTokenStore tokens(*store_, old_keys, "acme", "lever");
  EXPECT_TRUE(tokens.load()) << "the token row is still under the old key";
}

}  // namespace
}  // namespace atsync::host::secrets
