// SPDX-License-Identifier: Apache-2.0
#pragma once

// A loopback endpoint that records the webhooks the Kula sandbox sends, exactly as they arrived (headers and
// raw body), so a test can hand them to the plugin's webhook.parse the way the host's ingress will.

#include <atsync/sandbox/http_server.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace atsync::kula_test {

struct ReceivedWebhook {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::int64_t received_at_ms = 0;
};

class WebhookReceiver {
 public:
  WebhookReceiver()
      : server_(sandbox::HttpServer::Options{}, [this](sandbox::Request& request) { return record(request); }) {
    server_.start();
  }
  ~WebhookReceiver() { server_.stop(); }

  std::string url() const { return server_.baseUrl() + "/hooks/test/kula"; }

  /// Waits until at least `count` deliveries arrived (or the timeout passed) and returns all of them.
  std::vector<ReceivedWebhook> waitFor(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
    return received_;
  }

 private:
  sandbox::Response record(const sandbox::Request& request) {
    {
      std::lock_guard lock(mutex_);
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      received_.push_back({request.headers, request.body,
                           std::chrono::duration_cast<std::chrono::milliseconds>(now).count()});
    }
    arrived_.notify_all();
    sandbox::Response response;
    response.status = 204;
    return response;
  }

  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ReceivedWebhook> received_;
  sandbox::HttpServer server_;  // last: stopped (joined) before the members its handler touches go away
};

}  // namespace atsync::kula_test
