// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/webhook_dispatcher.hpp>

#include <atsync/sandbox/hmac.hpp>

#include <algorithm>

namespace atsync::sandbox::kula {

namespace {

// Enough for any test or benchmark run to inspect; older copies are forgotten so memory stays bounded.
constexpr std::size_t kHistoryLimit = 20000;

}  // namespace

WebhookDispatcher::WebhookDispatcher(Options options, WebhookTarget target, DeliveryKnobs knobs)
    : options_(options), target_(std::move(target)), knobs_(std::move(knobs)) {
  sandbox::WebhookSender::Options so;
  so.max_attempts = std::max(1, options_.max_attempts);
  so.base_delay_ms = std::max(0, knobs_.retry_base_delay_ms);
  so.timeout_ms = options_.timeout_ms;
  so.history_limit = kHistoryLimit;
  so.workers = 1;  // in order for a healthy receiver; the reorder knob is the only source of disorder
  sender_ = std::make_unique<sandbox::WebhookSender>(so);
  thread_ = std::thread([this] { run(); });
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  sender_->stop();
}

std::size_t WebhookDispatcher::addRecord(const Event& event, int copy, std::string state) {
  records_.push_back(WebhookDelivery{event.id, event.type, copy, target_.url, std::move(state), {}});
  sender_ids_.emplace_back();
  while (records_.size() > kHistoryLimit) {
    records_.pop_front();
    sender_ids_.pop_front();
    ++forgotten_;
  }
  return forgotten_ + records_.size() - 1;
}

WebhookDelivery* WebhookDispatcher::record(std::size_t index) {
  if (index < forgotten_ || index - forgotten_ >= records_.size()) return nullptr;
  return &records_[index - forgotten_];
}

void WebhookDispatcher::submit(const Event& event) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  if (knobs_.drop) {
    addRecord(event, 1, "dropped");
    return;
  }
  if (target_.url.empty()) {
    addRecord(event, 1, "skipped");
    return;
  }
  const auto now = SteadyClock::now();
  const auto due = now + std::chrono::milliseconds(std::max(0, knobs_.delay_ms));
  std::vector<Job> jobs;
  const int copies = knobs_.duplicate ? 2 : 1;
  for (int copy = 1; copy <= copies; ++copy) jobs.push_back(Job{addRecord(event, copy, "held"), event.body});

  if (!knobs_.reorder) {
    for (auto& job : jobs) schedule_.emplace(due, std::move(job));
  } else if (!held_) {
    held_ = Held{due, due + std::chrono::milliseconds(std::max(0, options_.reorder_hold_ms)), std::move(jobs)};
  } else {
    // The newer event overtakes the held one: equal keys keep insertion order in a multimap.
    const auto at = std::max(due, held_->due);
    for (auto& job : jobs) schedule_.emplace(at, std::move(job));
    releaseHeld(at);
  }
  wake_.notify_all();
}

void WebhookDispatcher::releaseHeld(SteadyClock::time_point not_before) {
  if (!held_) return;
  const auto at = std::max(not_before, held_->due);
  for (auto& job : held_->jobs) schedule_.emplace(at, std::move(job));
  held_.reset();
}

void WebhookDispatcher::handOff(const Job& job) {
  WebhookDelivery* rec = record(job.record);
  const std::string url = rec != nullptr ? rec->url : target_.url;
  const auto unix_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
      knobs_.timestamp_skew_s;
  const std::string timestamp = std::to_string(unix_s);
  std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"},
                                                           {"User-Agent", "Kula-Webhooks/1 (atsync sandbox)"},
                                                           {"Kula-Timestamp", timestamp}};
  if (knobs_.signature != "missing") {
    // "invalid" signs with a key the receiver cannot know, so only a verifying receiver notices.
    const std::string key = knobs_.signature == "invalid" ? "not-" + target_.secret : target_.secret;
    headers.emplace_back("Kula-Signature", "v1=" + hmacSha256Hex(key, timestamp + "." + job.body));
  }
  const std::uint64_t id = sender_->enqueue(url, std::move(headers), job.body, rec != nullptr ? rec->event_id : "");
  if (rec != nullptr) {
    rec->state = "pending";
    sender_ids_[job.record - forgotten_] = id;
  }
}

void WebhookDispatcher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = SteadyClock::now();
    if (held_ && held_->deadline <= now) releaseHeld(now);
    while (!schedule_.empty() && schedule_.begin()->first <= now) {
      handOff(schedule_.begin()->second);
      schedule_.erase(schedule_.begin());
    }
    std::optional<SteadyClock::time_point> next;
    if (!schedule_.empty()) next = schedule_.begin()->first;
    if (held_ && (!next || held_->deadline < *next)) next = held_->deadline;
    if (next) {
      wake_.wait_until(lock, *next);
    } else {
      wake_.wait(lock);
    }
  }
}

void WebhookDispatcher::clear() {
  std::lock_guard lock(mutex_);
  schedule_.clear();
  held_.reset();
  records_.clear();
  sender_ids_.clear();
  forgotten_ = 0;
  sender_->clear();
}

void WebhookDispatcher::setTarget(WebhookTarget target) {
  std::lock_guard lock(mutex_);
  target_ = std::move(target);
}

WebhookTarget WebhookDispatcher::target() const {
  std::lock_guard lock(mutex_);
  return target_;
}

void WebhookDispatcher::setKnobs(const DeliveryKnobs& knobs) {
  std::lock_guard lock(mutex_);
  knobs_ = knobs;
  sender_->setBaseDelayMs(std::max(0, knobs_.retry_base_delay_ms));
  if (!knobs_.reorder) releaseHeld(SteadyClock::now());
  wake_.notify_all();
}

DeliveryKnobs WebhookDispatcher::knobs() const {
  std::lock_guard lock(mutex_);
  return knobs_;
}

std::vector<WebhookDelivery> WebhookDispatcher::deliveries() const {
  std::vector<WebhookDelivery> out;
  std::vector<std::optional<std::uint64_t>> ids;
  {
    std::lock_guard lock(mutex_);
    out.assign(records_.begin(), records_.end());
    ids.assign(sender_ids_.begin(), sender_ids_.end());
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!ids[i]) continue;
    if (auto d = sender_->delivery(*ids[i])) {
      out[i].state = sandbox::toString(d->state);
      out[i].attempts = d->attempts;
    }
  }
  return out;
}

bool WebhookDispatcher::waitIdle(std::chrono::milliseconds timeout) const {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    bool local_idle = false;
    {
      std::lock_guard lock(mutex_);
      local_idle = schedule_.empty() && !held_;
    }
    if (local_idle && sender_->waitIdle(std::chrono::milliseconds(0))) return true;
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace atsync::sandbox::kula
