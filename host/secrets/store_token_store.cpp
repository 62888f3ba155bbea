// SPDX-License-Identifier: Apache-2.0
#include "secrets/store_token_store.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <Poco/Environment.h>
#include <boost/json.hpp>

#include <openssl/crypto.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>

namespace atsync::host::secrets {

std::string serializeTokens(const http::OAuthTokens& tokens) {
  return boost::json::serialize(boost::json::object{{"access_token", tokens.access_token},
                                                    {"refresh_token", tokens.refresh_token},
                                                    {"expires_at_ms", tokens.expires_at_ms},
                                                    {"scope", tokens.scope}});
}

std::optional<http::OAuthTokens> parseTokens(std::string_view json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  auto str = [&](std::string_view k) {
    const auto* f = o.if_contains(k);
    return (f != nullptr && f->is_string()) ? std::string(f->get_string()) : std::string();
  };
  http::OAuthTokens t;
  t.access_token = str("access_token");
  t.refresh_token = str("refresh_token");
  t.scope = str("scope");
  if (const auto* e = o.if_contains("expires_at_ms"); e != nullptr && e->is_int64()) t.expires_at_ms = e->get_int64();
  return t;
}

namespace {

std::string newHolder() {
  std::random_device random;
  char tail[9];
  std::snprintf(tail, sizeof tail, "%08x", static_cast<unsigned>(random()));
  return Poco::Environment::nodeName() + ":" + std::to_string(::getpid()) + ":" + tail;
}

}  // namespace

StoreTokenStore::StoreTokenStore(store::Store& store, const KeyRing& keys, std::string connection_id,
                                 std::string plugin, SecretObserver observer)
    : store_(store),
      keys_(keys),
      connection_id_(std::move(connection_id)),
      plugin_(std::move(plugin)),
      observer_(std::move(observer)),
      holder_(newHolder()) {}

std::optional<http::OAuthTokens> StoreTokenStore::load() {
  std::optional<std::string> sealed;
  store_.transact([&](store::Transaction& tx) { sealed = tx.tokens(connection_id_, plugin_); });
  std::lock_guard lock(mutex_);
  last_error_.clear();
  if (!sealed || sealed->empty()) return std::nullopt;
  auto opened = keys_.open(*sealed, context());
  if (!opened) {
    last_error_ = "stored OAuth tokens of connection '" + connection_id_ + "' (" + plugin_ +
                  ") cannot be decrypted: " + opened.error() +
                  "; add the key they were sealed with to previous_encryption_keys, or authorize the connection again";
    return std::nullopt;
  }
  auto tokens = parseTokens(opened->plaintext);
  OPENSSL_cleanse(opened->plaintext.data(), opened->plaintext.size());
  if (!tokens) {
    last_error_ = "stored OAuth tokens of connection '" + connection_id_ + "' are not a token document";
    return std::nullopt;
  }
  if (observer_) observer_({tokens->access_token, tokens->refresh_token});
  return tokens;
}

void StoreTokenStore::save(const http::OAuthTokens& tokens) {
  // Redaction first: from here on these values may appear in error texts.
  if (observer_) observer_({tokens.access_token, tokens.refresh_token});
  std::string plain = serializeTokens(tokens);
  const std::string sealed = keys_.seal(plain, context());
  OPENSSL_cleanse(plain.data(), plain.size());
  store_.transact([&](store::Transaction& tx) { tx.setTokens(connection_id_, plugin_, sealed); });
  std::lock_guard lock(mutex_);
  last_error_.clear();
}

http::RefreshClaim StoreTokenStore::claimRefresh(const std::string& refresh_token, std::int64_t hold_ms) {
  const std::int64_t now = wallClockMs();
  bool claimed = false;
  store_.transact([&](store::Transaction& tx) {
    claimed = tx.claimTokenRefresh(connection_id_, plugin_, holder_, now, now + hold_ms);
  });
  // The claim is what keeps others out; the tokens are read after it, so a refresh saved just before it shows.
  auto stored = load();
  if (!stored || stored->refresh_token != refresh_token) {
    if (claimed) releaseRefresh();
    return {http::RefreshClaim::Kind::kMovedOn, std::move(stored)};
  }
  return {claimed ? http::RefreshClaim::Kind::kClaimed : http::RefreshClaim::Kind::kBusy, std::nullopt};
}

void StoreTokenStore::releaseRefresh() {
  store_.transact([&](store::Transaction& tx) { tx.releaseTokenRefresh(connection_id_, plugin_, holder_); });
}

std::string StoreTokenStore::lastError() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace atsync::host::secrets
