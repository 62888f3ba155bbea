// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/faults.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "atsync/sandbox/json_util.hpp"

namespace atsync::sandbox {

FaultInjector::FaultInjector(ErrorFactory error_factory) : error_factory_(std::move(error_factory)) {
  if (!error_factory_) {
    error_factory_ = [](int status) {
      return jsonError(status,
                       status == 503   ? "ServiceUnavailable"
                       : status == 429 ? "TooManyRequests"
                                       : "InternalServerError",
                       "injected fault (sandbox)");
    };
  }
}

void FaultInjector::set(const FaultSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  random_.reseed(settings.seed);
}

FaultSettings FaultInjector::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

FaultCounters FaultInjector::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

std::optional<Response> FaultInjector::before(const Request& request) {
  int latency_ms = 0;
  int error_status = 0;
  std::string retry_after;
  bool reset = false;
  {
    std::lock_guard lock(mutex_);
    latency_ms = settings_.latency_ms;
    const auto scripted = std::find_if(settings_.script.begin(), settings_.script.end(), [&](const ScriptedAnswer& a) {
      return a.count > 0 && (a.method.empty() || a.method == request.method) && request.path.ends_with(a.path_suffix);
    });
    // The draws happen in a fixed order so a seed reproduces the same pattern; a scripted answer draws nothing.
    if (scripted != settings_.script.end()) {
      --scripted->count;
      error_status = scripted->status;
      retry_after = scripted->retry_after;
      ++counters_.scripted;
    } else if (random_.chance(settings_.error_rate)) {
      error_status = random_.chance(0.5) ? 503 : 500;
      ++counters_.errors;
    } else if (random_.chance(settings_.reset_rate)) {
      reset = true;
      ++counters_.resets;
    }
  }
  if (latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms));
  if (error_status != 0) {
    Response r = error_factory_(error_status);
    if (!retry_after.empty()) r.setHeader("Retry-After", retry_after);
    return r;
  }
  if (reset) {
    Response r;
    r.drop_connection = true;
    return r;
  }
  return std::nullopt;
}

void FaultInjector::after(const Request& request, Response& response) {
  const bool write = request.method == "POST" || request.method == "PUT" || request.method == "PATCH" ||
                     request.method == "DELETE";
  if (!write || response.status < 200 || response.status >= 300) return;
  std::lock_guard lock(mutex_);
  if (random_.chance(settings_.commit_then_drop_rate)) {
    response.drop_connection = true;
    ++counters_.commit_then_drops;
  }
}

}  // namespace atsync::sandbox
