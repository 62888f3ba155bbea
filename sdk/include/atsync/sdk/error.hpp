// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace atsync::sdk {

/// Error codes of the error document (sdk/schema/error.schema.json). Stable strings, snake_case.
namespace errc {
inline constexpr std::string_view kNotSupported = "not_supported";        ///< operation not implemented
inline constexpr std::string_view kInvalidInput = "invalid_input";        ///< the input document is wrong
inline constexpr std::string_view kInvalidConfig = "invalid_config";      ///< the instance config is wrong
inline constexpr std::string_view kUnauthorized = "unauthorized";         ///< credentials refused (401/403)
inline constexpr std::string_view kNotFound = "not_found";                ///< the vendor object does not exist
inline constexpr std::string_view kRateLimited = "rate_limited";          ///< a 429, or the host's rate-limit budget
inline constexpr std::string_view kVendorError = "vendor_error";          ///< the vendor refused the request
inline constexpr std::string_view kBadResponse = "bad_response";          ///< the vendor's answer did not parse
inline constexpr std::string_view kTransport = "transport";              ///< no answer: connect, TLS, timeout
inline constexpr std::string_view kBadSignature = "bad_signature";        ///< webhook signature check failed
inline constexpr std::string_view kTooLarge = "too_large";                ///< a payload over a documented limit
/// A poll's cursor the vendor no longer accepts (its log does not reach back that far): the host reports the gap
/// and starts again from the oldest position the vendor still has (events.poll, changes.poll).
inline constexpr std::string_view kCursorExpired = "cursor_expired";
inline constexpr std::string_view kInternal = "internal";                ///< a bug or an unexpected exception
}  // namespace errc

/// The error document that crosses the ABI.
struct Error {
  std::string code{errc::kInternal};
  std::string message;
  /// True when the same call may succeed later (429, 5xx, timeouts).
  bool retryable = false;
  /// The vendor's HTTP status, when the error came from an HTTP answer.
  std::optional<int> http_status;
  /// True when a write may have taken effect although no answer arrived (the host checks before retrying).
  bool outcome_unknown = false;
  /// Milliseconds from now before the same call is worth trying again: the vendor's Retry-After (copy
  /// HttpResponse::retry_after_ms), or, for a rate_limited error the host raised without sending anything, when
  /// the connection's rate-limit budget has room again. The host's dispatcher waits at least this long.
  /// (Initialised so that the positional initialisers of the fields above stay valid and quiet.)
  std::optional<std::int64_t> retry_after_ms{};
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Error& e) {
  boost::json::object o;
  o["code"] = e.code;
  o["message"] = e.message;
  o["retryable"] = e.retryable;
  if (e.http_status) o["http_status"] = *e.http_status;
  if (e.outcome_unknown) o["outcome_unknown"] = true;
  if (e.retry_after_ms) o["retry_after_ms"] = *e.retry_after_ms;
  v = std::move(o);
}

inline Error tag_invoke(boost::json::value_to_tag<Error>, const boost::json::value& v) {
  Error e;
  const auto* o = v.if_object();
  if (o == nullptr) {
    e.message = "error document is not a JSON object";
    return e;
  }
  if (const auto* p = o->if_contains("code"); p && p->is_string()) e.code = std::string(p->get_string());
  if (const auto* p = o->if_contains("message"); p && p->is_string()) e.message = std::string(p->get_string());
  if (const auto* p = o->if_contains("retryable"); p && p->is_bool()) e.retryable = p->get_bool();
  if (const auto* p = o->if_contains("http_status"); p && p->is_int64()) e.http_status = static_cast<int>(p->get_int64());
  if (const auto* p = o->if_contains("outcome_unknown"); p && p->is_bool()) e.outcome_unknown = p->get_bool();
  if (const auto* p = o->if_contains("retry_after_ms"); p && p->is_int64() && p->get_int64() >= 0) {
    e.retry_after_ms = p->get_int64();
  }
  return e;
}

/// Thrown by plugin code to fail an operation with a specific error document. The SDK edge turns it into
/// ATSYNC_STATUS_ERROR; it never crosses the ABI as an exception.
class OperationError : public std::runtime_error {
 public:
  explicit OperationError(Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
  OperationError(std::string_view code, std::string message, bool retryable = false)
      : OperationError(Error{std::string(code), std::move(message), retryable, std::nullopt, false}) {}
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

}  // namespace atsync::sdk
