// SPDX-License-Identifier: Apache-2.0
#include "secrets/store_token_store.hpp"
#include "secrets/token_cipher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace atsync::host::secrets {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "a-passphrase-of-at-least-32-characters!!";

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
  auto cipher = TokenCipher::fromSecret(kKey);
  std::vector<std::string> observed;
  StoreTokenStore tokens(*store_, *cipher, "acme", "lever",
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

TEST_F(StoreTokenStoreTest, ATokenRowUnderAnotherKeyReadsAsNotAuthorizedWithAReason) {
  auto cipher = TokenCipher::fromSecret(kKey);
  StoreTokenStore(*store_, *cipher, "acme", "lever").save({"a-token-value", "r-token-value", 1, ""});
  auto other = TokenCipher::fromSecret("a-different-key-of-at-least-32-characters");
  StoreTokenStore tokens(*store_, *other, "acme", "lever");
  EXPECT_FALSE(tokens.load());
  EXPECT_THAT(tokens.lastError(), HasSubstr("cannot be decrypted"));
  EXPECT_THAT(tokens.lastError(), ::testing::Not(HasSubstr("token-value")));
}

}  // namespace
}  // namespace atsync::host::secrets
