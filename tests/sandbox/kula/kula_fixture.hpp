// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared pieces of the Kula sandbox tests: a sandbox on an ephemeral port with authenticated HTTP helpers,
// and a webhook receiver (a real loopback server) that records what Kula delivers.

#include "../test_http.hpp"

#include <atsync/sandbox/http_server.hpp>
#include <atsync/sandbox/kula/kula_sandbox.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace atsync::sandbox::kula::testing {

using atsync::sandbox::testing::HttpResult;
using atsync::sandbox::testing::httpRequest;

inline constexpr const char* kApiKey = "kula-key";
inline constexpr const char* kSecret = "s3cret";
inline constexpr const char* kEngPosting = "post-eng-0001";

/// What the receiver saw: one POST from Kula.
struct ReceivedHook {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (detail::iequals(k, name)) return v;
    }
    return {};
  }
  std::string eventId() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("id")) return {};
    return std::string(v.as_object().at("id").as_string());
  }
};

class WebhookReceiver {
 public:
  /// `status_for(n)` answers the n-th (0-based) request; default 200.
  explicit WebhookReceiver(std::function<int(int)> status_for = [](int) { return 200; })
      : status_for_(std::move(status_for)) {
    server_ = std::make_unique<HttpServer>(HttpServer::Options{}, [this](Request& r) {
      int n = 0;
      {
        std::lock_guard lock(mutex_);
        n = static_cast<int>(received_.size());
        received_.push_back(ReceivedHook{r.headers, r.body, std::chrono::steady_clock::now()});
      }
      Response resp;
      resp.status = status_for_(n);
      resp.body = "{}";
      return resp;
    });
    server_->start();
  }
  ~WebhookReceiver() { server_->stop(); }

  std::string url() const { return server_->baseUrl() + "/hooks/acme/kula"; }
  std::vector<ReceivedHook> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  /// Polls until at least `n` requests arrived; false on timeout.
  bool waitFor(std::size_t n, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (received().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return received().size() >= n;
  }

 private:
  std::function<int(int)> status_for_;
  mutable std::mutex mutex_;
  std::vector<ReceivedHook> received_;
  std::unique_ptr<HttpServer> server_;
};

inline KulaSandbox::Options defaultOptions() {
  KulaSandbox::Options o;
  o.api_key = kApiKey;
  o.webhook_secret = kSecret;
  o.seed = "small";
  o.flow_postings = {{"flow_eng", kEngPosting}};
  o.delivery.retry_base_delay_ms = 20;  // keeps retry tests fast
  o.webhook_max_attempts = 4;
  o.reorder_hold_ms = 300;
  return o;
}

/// A started sandbox and helpers that speak to it as the connector would.
class KulaTest : public ::testing::Test {
 protected:
  void startSandbox(KulaSandbox::Options options = defaultOptions()) {
    sandbox_ = std::make_unique<KulaSandbox>(std::move(options));
    sandbox_->start();
  }
  void SetUp() override { startSandbox(); }
  void TearDown() override {
    if (sandbox_) sandbox_->stop();
  }

  KulaSandbox& sb() { return *sandbox_; }
  std::uint16_t port() const { return sandbox_->port(); }

  HttpResult api(const std::string& method, const std::string& target, const std::string& body = {}) {
    return httpRequest(port(), method, target, body, {{"Authorization", std::string("Bearer ") + kApiKey}});
  }
  HttpResult get(const std::string& target) { return api("GET", target); }
  HttpResult admin(const std::string& method, const std::string& target, const std::string& body = {}) {
    return httpRequest(port(), method, target, body);
  }
  static boost::json::object obj(const HttpResult& r) {
    auto v = r.json();
    return v.is_object() ? v.as_object() : boost::json::object{};
  }
  static std::string str(const boost::json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }
  /// The error code of a Kula error envelope, or "" when the body is not one.
  static std::string errorCode(const HttpResult& r) {
    auto o = obj(r);
    if (!o.contains("error") || !o.at("error").is_object()) return "";
    const auto& e = o.at("error").as_object();
    if (!e.contains("message") || !e.at("message").is_string()) return "";
    return str(e.at("code"));
  }

  std::unique_ptr<KulaSandbox> sandbox_;
};

}  // namespace atsync::sandbox::kula::testing
