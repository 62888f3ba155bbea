// SPDX-License-Identifier: Apache-2.0
// The host side of the ABI: C callbacks that forward to InstanceServices. Nothing may throw out of them.

#include "plugin/instance_services.hpp"

#include <atsync/sdk/detail/buffers.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <cstring>

namespace atsync::host::plugin {
namespace {

using sdk::detail::fillBuffer;
using sdk::detail::fillError;

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
  try {
    boost::system::error_code ec;
    auto doc = boost::json::parse(std::string_view(request_json, request_size), ec);
    if (ec) {
      fillError(response_json, {std::string(sdk::errc::kInvalidInput), "HTTP request document is not valid JSON", false,
                                std::nullopt, false});
      return ATSYNC_STATUS_ERROR;
    }
    const auto request = boost::json::value_to<sdk::HttpRequest>(doc);
    auto result = servicesOf(context).http(request, std::span<const std::uint8_t>(body, body_size));
    if (!result) {
      fillError(response_json, result.error());
      return ATSYNC_STATUS_ERROR;
    }
    fillBuffer(response_json, boost::json::serialize(boost::json::value_from(*result)));
    fillBuffer(response_body, result->body);
    return ATSYNC_STATUS_OK;
  } catch (const sdk::OperationError& e) {
    fillError(response_json, e.error());
  } catch (const std::exception& e) {
    fillError(response_json, {std::string(sdk::errc::kInternal), std::string("host HTTP service failed: ") + e.what(),
                              false, std::nullopt, false});
  } catch (...) {
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

void callbackBufferFree(atsync_buffer* buffer) noexcept { sdk::detail::freeBuffer(buffer); }

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
