// SPDX-License-Identifier: Apache-2.0
// The host side of the ABI: C callbacks that forward to InstanceServices. Nothing may throw out of them.

#include "plugin/instance_services.hpp"

#include <atsync/sdk/detail/buffers.hpp>
#include <atsync/sdk/detail/json_io.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace atsync::host::plugin {
namespace {

using sdk::detail::fillBuffer;
using sdk::detail::fillError;

/// Response bodies lent to plugins. abi.h makes callback_http's body a host-owned buffer released with
/// callback_buffer_free, the host's own slot: so instead of copying a large body into a malloc'd buffer the host
/// lends the response's own string and takes it back when the plugin releases the buffer. Small bodies are
/// copied (cheaper than the table). The table is process-wide because callback_buffer_free has no context.
class BodyLoans {
 public:
  static constexpr std::size_t kLendFrom = 16 * 1024;

  static BodyLoans& instance() {
    static BodyLoans* loans = new BodyLoans();  // never destroyed: buffers may be released during exit
    return *loans;
  }

  void lend(std::string&& body, atsync_buffer* out) {
    auto owned = std::make_unique<std::string>(std::move(body));
    auto* data = reinterpret_cast<std::uint8_t*>(owned->data());
    const std::size_t size = owned->size();
    {
      std::lock_guard lock(mutex_);
      loans_.emplace(data, std::move(owned));
      outstanding_.fetch_add(1, std::memory_order_release);
    }
    out->data = data;
    out->size = size;
  }

  /// Takes back a lent buffer; false when `buffer` is not a loan (then it is an ordinary malloc'd one).
  bool giveBack(atsync_buffer* buffer) noexcept {
    if (outstanding_.load(std::memory_order_acquire) == 0) return false;
    std::unique_ptr<std::string> owned;
    {
      std::lock_guard lock(mutex_);
      auto it = loans_.find(buffer->data);
      if (it == loans_.end()) return false;
      owned = std::move(it->second);
      loans_.erase(it);
      outstanding_.fetch_sub(1, std::memory_order_release);
    }
    buffer->data = nullptr;
    buffer->size = 0;
    return true;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<const void*, std::unique_ptr<std::string>> loans_;
  std::atomic<std::size_t> outstanding_{0};
};

InstanceServices& servicesOf(atsync_host_context* context) {
  return *reinterpret_cast<InstanceServices*>(context);
}

void callbackLog(atsync_host_context* context, atsync_log_level level, const char* message, size_t size) noexcept {
  try {
    servicesOf(context).log(level, std::string_view(message, size));
  } catch (...) {
    // Logging must never take the plugin down; a failed log line has nowhere else to go.
  }
}

void callbackReportError(atsync_host_context* context, const char* json, size_t size) noexcept {
  try {
    boost::system::error_code ec;
    auto doc = boost::json::parse(std::string_view(json, size), ec);
    sdk::Error error = ec ? sdk::Error{std::string(sdk::errc::kInternal), std::string(json, size), false, std::nullopt, false}
                          : boost::json::value_to<sdk::Error>(doc);
    servicesOf(context).reportError(error);
  } catch (...) {
  }
}

atsync_status callbackHttp(atsync_host_context* context, const char* request_json, size_t request_size,
                           const std::uint8_t* body, size_t body_size, atsync_buffer* response_json,
                           atsync_buffer* response_body) noexcept {
  fillBuffer(response_body, {});
  response_json->data = nullptr;
  response_json->size = 0;
  try {
    sdk::HttpRequest request;
    {
      // One arena for the request document; value_to copies everything it keeps into owned members (the JSON
      // body onto the default heap, http.hpp), so the arena can end before the request runs.
      sdk::detail::CallArena<> arena;
      boost::system::error_code ec;
      auto doc = sdk::detail::parseInto(std::string_view(request_json, request_size), arena.storage(), ec);
      if (ec) {
        fillError(response_json, {std::string(sdk::errc::kInvalidInput), "HTTP request document is not valid JSON",
                                  false, std::nullopt, false});
        return ATSYNC_STATUS_ERROR;
      }
      request = boost::json::value_to<sdk::HttpRequest>(doc);
    }
    auto result = servicesOf(context).http(request, std::span<const std::uint8_t>(body, body_size));
    if (!result) {
      fillError(response_json, result.error());
      return ATSYNC_STATUS_ERROR;
    }
    {
      sdk::detail::CallArena<1024> arena;
      sdk::detail::fillJson(response_json, boost::json::value_from(*result, arena.storage()), 512);
    }
    if (result->body.size() >= BodyLoans::kLendFrom) {
      BodyLoans::instance().lend(std::move(result->body), response_body);
    } else {
      fillBuffer(response_body, result->body);
      if (response_body->data == nullptr && !result->body.empty()) throw std::bad_alloc();
    }
    return ATSYNC_STATUS_OK;
  } catch (const sdk::OperationError& e) {
    sdk::detail::freeBuffer(response_json);
    fillError(response_json, e.error());
  } catch (const std::exception& e) {
    sdk::detail::freeBuffer(response_json);
    fillError(response_json, {std::string(sdk::errc::kInternal), std::string("host HTTP service failed: ") + e.what(),
                              false, std::nullopt, false});
  } catch (...) {
    sdk::detail::freeBuffer(response_json);
    fillError(response_json, {std::string(sdk::errc::kInternal), "host HTTP service failed", false, std::nullopt, false});
  }
  return ATSYNC_STATUS_ERROR;
}

atsync_status callbackStateGet(atsync_host_context* context, const char* key, size_t key_size,
                               atsync_buffer* value) noexcept {
  fillBuffer(value, {});
  try {
    auto found = servicesOf(context).stateGet(std::string_view(key, key_size));
    if (!found) return ATSYNC_STATUS_NOT_FOUND;
    fillBuffer(value, *found);
    return ATSYNC_STATUS_OK;
  } catch (...) {
    return ATSYNC_STATUS_ERROR;
  }
}

atsync_status callbackStatePut(atsync_host_context* context, const char* key, size_t key_size,
                               const std::uint8_t* value, size_t value_size) noexcept {
  try {
    std::optional<std::string_view> v;
    if (value != nullptr) v = std::string_view(reinterpret_cast<const char*>(value), value_size);
    return servicesOf(context).statePut(std::string_view(key, key_size), v) ? ATSYNC_STATUS_OK : ATSYNC_STATUS_ERROR;
  } catch (...) {
    return ATSYNC_STATUS_ERROR;
  }
}

std::int64_t callbackClockNowMs(atsync_host_context* context) noexcept {
  try {
    return servicesOf(context).nowMs();
  } catch (...) {
    return 0;
  }
}

void callbackBufferFree(atsync_buffer* buffer) noexcept {
  if (buffer == nullptr || buffer->data == nullptr) return;
  if (BodyLoans::instance().giveBack(buffer)) return;
  sdk::detail::freeBuffer(buffer);
}

constexpr atsync_host_api kHostApi{
    {static_cast<std::uint32_t>(sizeof(atsync_host_api)), ATSYNC_ABI_VERSION_MAJOR, ATSYNC_ABI_VERSION_MINOR},
    &callbackLog,
    &callbackReportError,
    &callbackHttp,
    &callbackStateGet,
    &callbackStatePut,
    &callbackClockNowMs,
    &callbackBufferFree,
};

}  // namespace

const atsync_host_api& hostApi() { return kHostApi; }

}  // namespace atsync::host::plugin
