// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace atsync::sandbox {

struct DeliveryAttempt {
  int attempt = 0;           ///< 1-based
  int status = 0;            ///< HTTP status, 0 when no response (connection refused, reset, timeout)
  std::string error;         ///< empty on a response
  std::int64_t at_ms = 0;    ///< wall clock, ms since epoch
  std::int64_t duration_ms = 0;
};

struct Delivery {
  enum class State { kPending, kDelivered, kFailed, kDropped };  ///< dropped: never sent (setDropping)
  std::uint64_t id = 0;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string tag;  ///< caller's label, e.g. the event name
  State state = State::kPending;
  std::vector<DeliveryAttempt> attempts;
};

const char* toString(Delivery::State state);

/// Background POSTs with retries: a delivery is retried on a non-2xx answer (3xx included) or a
/// connection failure, waiting base_delay_ms, then factor times longer each time, up to max_attempts
/// attempts in total. Every attempt is recorded for inspection.
class WebhookSender {
 public:
  struct Options {
    int max_attempts = 6;  ///< first try + 5 retries
    int base_delay_ms = 1000;
    double backoff_factor = 2.0;
    int timeout_ms = 5000;
    std::size_t history_limit = 10000;  ///< oldest finished deliveries are forgotten beyond this
    int workers = 1;                    ///< one worker keeps deliveries in order for a healthy receiver
  };

  explicit WebhookSender(Options options);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// Queues a POST; returns the delivery id. Only http:// URLs are delivered (https fails the attempt).
  std::uint64_t enqueue(std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body,
                        std::string tag = {});
  std::vector<Delivery> deliveries() const;
  std::optional<Delivery> delivery(std::uint64_t id) const;
  /// Blocks until nothing is pending or the timeout passes; true when idle.
  bool waitIdle(std::chrono::milliseconds timeout) const;
  void setBaseDelayMs(int base_delay_ms);
  /// While on, a queued webhook is recorded as dropped and never sent: the vendor's webhooks are off, or point
  /// somewhere else. The event itself still happened (a poller finds it).
  void setDropping(bool dropping);
  void clear();
  /// Stops the workers; pending deliveries stay pending. Idempotent.
  void stop();

 private:
  void run();
  DeliveryAttempt post(const Delivery& delivery, int attempt) const;

  Options options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  mutable std::condition_variable idle_;
  std::map<std::uint64_t, Delivery> deliveries_;
  std::multimap<std::chrono::steady_clock::time_point, std::uint64_t> schedule_;
  std::size_t in_flight_ = 0;
  bool dropping_ = false;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace atsync::sandbox
