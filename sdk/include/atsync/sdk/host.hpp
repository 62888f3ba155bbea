// SPDX-License-Identifier: Apache-2.0
#pragma once

// The plugin's view of the host: a thin C++ wrapper over atsync_host_api.

#include <atsync/sdk/abi.h>
#include <atsync/sdk/detail/json_io.hpp>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/http.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace atsync::sdk {

/// Releases a host-owned buffer when it goes out of scope.
class HostBuffer {
 public:
  explicit HostBuffer(const atsync_host_api* api) : api_(api) {}
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  ~HostBuffer() {
    if (buffer_.data != nullptr) api_->callback_buffer_free(&buffer_);
  }
  atsync_buffer* out() { return &buffer_; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(buffer_.data), buffer_.size};
  }

 private:
  const atsync_host_api* api_;
  atsync_buffer buffer_{nullptr, 0};
};

class Host {
 public:
  Host(const atsync_host_api* api, atsync_host_context* context) : api_(api), context_(context) {}

  /// The host's ABI minor: a plugin checks it before using a slot newer than 1.0.
  std::uint16_t abiMinor() const { return api_->header.abi_minor; }

  void log(atsync_log_level level, std::string_view message) const {
    api_->callback_log(context_, level, message.data(), message.size());
  }
  void debug(std::string_view m) const { log(ATSYNC_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(ATSYNC_LOG_INFO, m); }
  void warn(std::string_view m) const { log(ATSYNC_LOG_WARN, m); }

  void reportError(const Error& error) const {
    const auto text = boost::json::serialize(boost::json::value_from(error));
    api_->callback_report_error(context_, text.data(), text.size());
  }

  /// Runs a request through the host. Any HTTP status is a response; no answer at all throws OperationError
  /// with the host's error document (code "transport", retryable, outcome_unknown for writes). The body is copied
  /// into the response; httpView avoids that copy.
  HttpResponse http(const HttpRequest& request, std::span<const std::uint8_t> body = {}) const {
    return httpView(request, body, [](HttpResponse& response, std::string_view response_body) {
      response.body.assign(response_body);
      return std::move(response);
    });
  }

  /// Like http(), but lends the response body instead of copying it: calls `on_response(HttpResponse& head,
  /// std::string_view body)` (head.body is empty) and returns what it returns. `body` points into the host's
  /// buffer and is valid only until on_response returns: parse it, or copy what must stay.
  template <class OnResponse>
  std::invoke_result_t<OnResponse, HttpResponse&, std::string_view> httpView(const HttpRequest& request, std::span<const std::uint8_t> body,
                          OnResponse&& on_response) const {
    HostBuffer response_json(api_);
    HostBuffer response_body(api_);
    atsync_status status = ATSYNC_STATUS_ERROR;
    {
      // The request document is built in a call arena and serialised onto the stack; both die before the answer
      // is read.
      detail::CallArena<> arena;
      const boost::json::value doc = boost::json::value_from(request, arena.storage());
      const detail::JsonText<> text(doc);
      status = api_->callback_http(context_, text.data(), text.size(), body.data(), body.size(), response_json.out(),
                                   response_body.out());
    }
    detail::CallArena<> arena;
    boost::system::error_code ec;
    const boost::json::value doc = detail::parseInto(response_json.view(), arena.storage(), ec);
    if (status != ATSYNC_STATUS_OK) {
      Error e = ec ? Error{std::string(errc::kTransport), "host HTTP call failed without an error document", true,
                           std::nullopt, !request.idempotent}
                   : boost::json::value_to<Error>(doc);
      throw OperationError(std::move(e));
    }
    if (ec) throw OperationError(errc::kInternal, "host returned a malformed HTTP response document");
    HttpResponse head = boost::json::value_to<HttpResponse>(doc);
    return std::forward<OnResponse>(on_response)(head, response_body.view());
  }

  std::optional<std::string> stateGet(std::string_view key) const {
    HostBuffer value(api_);
    const atsync_status status = api_->callback_state_get(context_, key.data(), key.size(), value.out());
    if (status == ATSYNC_STATUS_NOT_FOUND) return std::nullopt;
    if (status != ATSYNC_STATUS_OK) throw OperationError(errc::kInternal, "host state read failed for key " + std::string(key));
    return std::string(value.view());
  }

  void statePut(std::string_view key, std::string_view value) const {
    const atsync_status status = api_->callback_state_put(
        context_, key.data(), key.size(), reinterpret_cast<const std::uint8_t*>(value.data()), value.size());
    if (status != ATSYNC_STATUS_OK) throw OperationError(errc::kInternal, "host state write failed for key " + std::string(key));
  }

  void stateErase(std::string_view key) const {
    api_->callback_state_put(context_, key.data(), key.size(), nullptr, 0);
  }

  std::int64_t nowMs() const { return api_->callback_clock_now_ms(context_); }

 private:
  const atsync_host_api* api_;
  atsync_host_context* context_;
};

}  // namespace atsync::sdk
