// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns Kula events into signed webhook POSTs, with the misbehaviours of a real sender on demand: each event
// twice, out of order, late, or not at all (it stays in the event log either way). Retries and the HTTP
// itself are sandbox/common's WebhookSender; this class decides what to hand it and when, and signs each
// copy at hand-off so a late delivery still carries a fresh timestamp.

#include <atsync/sandbox/kula/model.hpp>
#include <atsync/sandbox/webhook_sender.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace atsync::sandbox::kula {

/// Runtime delivery knobs; PUT /_sandbox/delivery changes them.
struct DeliveryKnobs {
  bool duplicate = false;       ///< deliver every event twice
  bool reorder = false;         ///< swap each event with the next one (a lone event goes after reorder_hold_ms)
  int delay_ms = 0;             ///< hold every event this long before the first attempt
  bool drop = false;            ///< deliver nothing (events still go to the log)
  int retry_base_delay_ms = 1000;  ///< first retry wait; doubles per attempt
  std::string signature{"valid"};  ///< "valid" | "invalid" (wrong key) | "missing" (no Kula-Signature)
  int timestamp_skew_s = 0;     ///< added to Kula-Timestamp, to exercise the receiver's 5-minute window
};

struct WebhookTarget {
  std::string url;     ///< empty: events are logged but not delivered
  std::string secret;
};

/// One copy of one event on its way to the receiver.
struct WebhookDelivery {
  std::string event_id;
  std::string event_type;
  int copy = 1;  ///< 2 for the duplicate copy
  std::string url;
  /// "held" (delayed or waiting to be reordered), "pending", "delivered", "failed", "dropped", "skipped" (no URL)
  std::string state;
  std::vector<sandbox::DeliveryAttempt> attempts;
};

class WebhookDispatcher {
 public:
  struct Options {
    int max_attempts = 6;
    int timeout_ms = 5000;
    int reorder_hold_ms = 300;
  };

  WebhookDispatcher(Options options, WebhookTarget target, DeliveryKnobs knobs);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  /// Never blocks on the network: safe to call under the store lock.
  void submit(const Event& event);

  void setTarget(WebhookTarget target);
  WebhookTarget target() const;
  void setKnobs(const DeliveryKnobs& knobs);
  DeliveryKnobs knobs() const;

  /// Every copy in submission order (bounded history), with its attempts so far.
  std::vector<WebhookDelivery> deliveries() const;
  /// True once nothing is held or pending (all delivered, failed or dropped) within the timeout.
  bool waitIdle(std::chrono::milliseconds timeout) const;
  /// Forgets every delivery, held, pending or finished (a sandbox reset).
  void clear();
  void stop();

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Job {
    std::size_t record = 0;  // absolute index into records_ (see forgotten_)
    std::string body;
  };
  struct Held {
    SteadyClock::time_point due;       // when the jobs would have gone without reordering
    SteadyClock::time_point deadline;  // when they go anyway if no later event overtakes them
    std::vector<Job> jobs;
  };

  void run();
  void handOff(const Job& job);  // called with mutex_ held
  void releaseHeld(SteadyClock::time_point not_before);  // called with mutex_ held
  std::size_t addRecord(const Event& event, int copy, std::string state);
  WebhookDelivery* record(std::size_t index);

  Options options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  WebhookTarget target_;
  DeliveryKnobs knobs_;
  std::unique_ptr<sandbox::WebhookSender> sender_;
  std::multimap<SteadyClock::time_point, Job> schedule_;
  std::optional<Held> held_;  // the reorder slot
  std::deque<WebhookDelivery> records_;
  std::deque<std::optional<std::uint64_t>> sender_ids_;  // parallel to records_
  std::size_t forgotten_ = 0;  // records dropped from the front to bound memory
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace atsync::sandbox::kula
