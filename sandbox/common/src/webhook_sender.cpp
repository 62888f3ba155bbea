// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/webhook_sender.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cmath>
#include <exception>
#include <sstream>

namespace atsync::sandbox {

namespace {
std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

const char* toString(Delivery::State state) {
  switch (state) {
    case Delivery::State::kPending: return "pending";
    case Delivery::State::kDelivered: return "delivered";
    case Delivery::State::kFailed: return "failed";
    case Delivery::State::kDropped: return "dropped";
  }
  return "unknown";
}

WebhookSender::WebhookSender(Options options) : options_(options) {
  const int workers = options_.workers < 1 ? 1 : options_.workers;
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
}

WebhookSender::~WebhookSender() { stop(); }

std::uint64_t WebhookSender::enqueue(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                                     std::string body, std::string tag) {
  std::lock_guard lock(mutex_);
  Delivery d;
  d.id = next_id_++;
  d.url = std::move(url);
  d.headers = std::move(headers);
  d.body = std::move(body);
  d.tag = std::move(tag);
  const auto id = d.id;
  if (dropping_) d.state = Delivery::State::kDropped;
  deliveries_.emplace(id, std::move(d));
  if (!dropping_) schedule_.emplace(std::chrono::steady_clock::now(), id);
  // Forget the oldest finished deliveries so a long benchmark does not grow without bound.
  while (deliveries_.size() > options_.history_limit) {
    auto it = deliveries_.begin();
    while (it != deliveries_.end() && it->second.state == Delivery::State::kPending) ++it;
    if (it == deliveries_.end()) break;
    deliveries_.erase(it);
  }
  wake_.notify_one();
  return id;
}

std::vector<Delivery> WebhookSender::deliveries() const {
  std::lock_guard lock(mutex_);
  std::vector<Delivery> out;
  out.reserve(deliveries_.size());
  for (const auto& [id, d] : deliveries_) out.push_back(d);
  return out;
}

std::optional<Delivery> WebhookSender::delivery(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) return std::nullopt;
  return it->second;
}

void WebhookSender::setDropping(bool dropping) {
  std::lock_guard lock(mutex_);
  dropping_ = dropping;
}

bool WebhookSender::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return schedule_.empty() && in_flight_ == 0; });
}

void WebhookSender::setBaseDelayMs(int base_delay_ms) {
  std::lock_guard lock(mutex_);
  options_.base_delay_ms = base_delay_ms;
}

void WebhookSender::clear() {
  std::lock_guard lock(mutex_);
  schedule_.clear();
  for (auto it = deliveries_.begin(); it != deliveries_.end();) {
    it = it->second.state == Delivery::State::kPending ? std::next(it) : deliveries_.erase(it);
  }
  for (auto& [id, d] : deliveries_) d.state = Delivery::State::kFailed;  // abandoned by the reset
  idle_.notify_all();
}

void WebhookSender::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  idle_.notify_all();
}

void WebhookSender::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (schedule_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto due = schedule_.begin()->first;
    if (due > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, due);
      continue;
    }
    const std::uint64_t id = schedule_.begin()->second;
    schedule_.erase(schedule_.begin());
    auto it = deliveries_.find(id);
    if (it == deliveries_.end()) continue;
    Delivery snapshot = it->second;  // post without the lock held
    const int attempt = static_cast<int>(snapshot.attempts.size()) + 1;
    ++in_flight_;
    lock.unlock();
    DeliveryAttempt result = post(snapshot, attempt);
    lock.lock();
    --in_flight_;
    it = deliveries_.find(id);
    if (it != deliveries_.end()) {
      Delivery& d = it->second;
      const bool ok = result.status >= 200 && result.status < 300;
      d.attempts.push_back(std::move(result));
      if (ok) {
        d.state = Delivery::State::kDelivered;
      } else if (attempt >= options_.max_attempts) {
        d.state = Delivery::State::kFailed;
      } else if (d.state == Delivery::State::kPending) {
        const double delay = options_.base_delay_ms * std::pow(options_.backoff_factor, attempt - 1);
        schedule_.emplace(std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(delay)), id);
      }
    }
    if (schedule_.empty() && in_flight_ == 0) idle_.notify_all();
  }
}

DeliveryAttempt WebhookSender::post(const Delivery& delivery, int attempt) const {
  DeliveryAttempt result;
  result.attempt = attempt;
  result.at_ms = nowMs();
  const auto started = std::chrono::steady_clock::now();
  try {
    const Poco::URI uri(delivery.url);
    if (uri.getScheme() != "http") {
      result.error = "unsupported scheme '" + uri.getScheme() + "' (the sandbox delivers over http only)";
    } else {
      Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
      session.setTimeout(Poco::Timespan(static_cast<long>(options_.timeout_ms) * 1000));
      std::string target = uri.getPathEtc();
      if (target.empty()) target = "/";
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
      for (const auto& [k, v] : delivery.headers) request.set(k, v);
      request.setContentLength64(static_cast<Poco::Int64>(delivery.body.size()));
      session.sendRequest(request) << delivery.body;
      Poco::Net::HTTPResponse response;
      std::istream& is = session.receiveResponse(response);
      std::ostringstream ignored;  // Lever ignores the receiver's body; drain it for a clean close
      Poco::StreamCopier::copyStream(is, ignored);
      result.status = static_cast<int>(response.getStatus());
    }
  } catch (const std::exception& e) {
    result.error = e.what();
    if (const auto* pe = dynamic_cast<const Poco::Exception*>(&e)) result.error = pe->displayText();
  }
  result.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace atsync::sandbox
