// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Lever Data API v1 as the connector speaks it: request documents (base URL, perform_as, endpoint labels),
// the response envelope, offset pagination and Lever's error answers mapped to sdk errors. Everything the host
// does not do (credentials, rate limit, retries, TLS) happens here and nowhere else in the plugin.

#include <atsync/sdk/error.hpp>
#include <atsync/sdk/host.hpp>
#include <atsync/sdk/http.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace atsync::lever {

/// One page of a Lever list: `{data:[...], hasNext, next}`. `next` is empty on the last page.
struct Page {
  boost::json::array data;
  std::string next;
};

// ---- pure functions (unit-tested without a host) ----

/// The sdk error for a non-2xx Lever answer: 401/403 unauthorized, 404 not_found, 429 rate_limited (retryable),
/// 5xx vendor_error (retryable; outcome unknown for a write), other statuses vendor_error with Lever's message.
/// A retryable error carries the host's reading of Retry-After (retry_after_ms).
sdk::Error errorFromResponse(const sdk::HttpResponse& response, std::string_view endpoint, bool idempotent);

/// Parses a 2xx body as a JSON object; bad_response naming the endpoint (and where the JSON broke) otherwise.
boost::json::object parseBody(std::string_view body, std::string_view endpoint);

/// `{data:[...], hasNext?, next?}` → Page. A page that says hasNext:true without a `next` token is refused
/// (bad_response): silently stopping would truncate the list.
Page parsePage(const boost::json::object& envelope, std::string_view endpoint);

/// `envelope.data` as an object (single-object answers); bad_response otherwise.
const boost::json::object& dataObject(const boost::json::object& envelope, std::string_view endpoint);

/// A value for a `raw_query_keys` parameter: Lever's offset tokens arrive %-encoded and must travel untouched,
/// but a token holding a raw '&', '#', space or non-ASCII byte would corrupt the query, so those (and only those)
/// are escaped. Valid %XX escapes are kept as they are.
std::string rawQueryValue(std::string_view token);

/// Refuses an id that cannot be one path segment (empty, ".", "..", or characters outside [A-Za-z0-9._~-]),
/// so input can never reach another Lever path. Lever ids are UUIDs or built-in names like "lead-new".
void requireSafeId(std::string_view id, std::string_view field);

// ---- the client ----

class LeverApi {
 public:
  LeverApi(sdk::Host host, std::string base_url, std::string perform_as);

  /// A request for `path` (starting with '/'), labelled `endpoint` for metrics and errors. GETs are idempotent.
  sdk::HttpRequest request(std::string method, std::string_view path, std::string endpoint) const;
  /// Adds `perform_as=<integration user>`: Lever attributes the write to that user.
  void performAs(sdk::HttpRequest& request) const;

  /// Runs the request; returns the parsed 2xx envelope or throws the mapped OperationError.
  boost::json::object call(const sdk::HttpRequest& request, std::span<const std::uint8_t> body = {}) const;

  /// Fetches one list page; `offset` empty for the first page.
  Page page(sdk::HttpRequest request, std::string_view offset) const;

  /// Walks every page of a list, handing each item to `visit`. Stops with bad_response when Lever repeats a
  /// token (it would loop forever).
  void forEach(const sdk::HttpRequest& request, const std::function<void(const boost::json::value&)>& visit) const;

  const sdk::Host& host() const { return host_; }
  const std::string& performAsUser() const { return perform_as_; }

 private:
  sdk::Host host_;
  std::string base_url_;
  std::string perform_as_;
};

}  // namespace atsync::lever
