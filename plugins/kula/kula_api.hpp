// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula's HTTP conventions (shared/KULA-API.md, "Conventions"): request documents for the host to run, the error
// envelope mapped to SDK errors, and list pagination. The host injects the Bearer key and honours Retry-After.

#include <atsync/sdk/error.hpp>
#include <atsync/sdk/host.hpp>
#include <atsync/sdk/http.hpp>
#include <atsync/sdk/json_reader.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::kula {

/// Kula's page size bounds (limit 1..200). The connector asks for the largest page to spend the fewest requests.
inline constexpr int kMaxPageSize = 200;

/// Percent-encodes an opaque id for use as one path segment (an id with "/" or "?" must not change the route).
/// Throws invalid_input for "", "." and "..", which no encoding keeps from changing the route.
std::string pathSegment(std::string_view id);

/// The SDK error for a non-2xx answer: Kula's error envelope when there is one, the status otherwise. A retryable
/// error carries `retry_after_ms`, the host's reading of Retry-After.
sdk::Error errorFromResponse(int status, std::string_view body, std::string_view endpoint,
                             const std::optional<std::string>& retry_after,
                             std::optional<std::int64_t> retry_after_ms = std::nullopt);

/// Parses a 2xx body as JSON; a body that is not JSON is bad_response naming the endpoint.
boost::json::value parseJsonBody(std::string_view body, std::string_view endpoint);

/// Runs `parse` over a 2xx answer, turning an sdk::ShapeError into bad_response naming the endpoint and the field.
template <class Parse>
auto parseAnswer(std::string_view endpoint, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const sdk::ShapeError& e) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": unexpected answer from Kula: " + e.what());
  }
}

/// One page of a Kula list.
struct Page {
  boost::json::array data;
  std::optional<std::string> next_cursor;
};

/// The `error.code` of a Kula error body ("invalid_cursor"), or empty.
std::string kulaErrorCode(std::string_view body);

/// Reads `{data:[...], next_cursor}`; bad_response naming the endpoint for anything else.
Page parsePage(const boost::json::value& doc, std::string_view endpoint);

class KulaApi {
 public:
  KulaApi(const sdk::Host& host, std::string base_url) : host_(host), base_url_(std::move(base_url)) {}

  /// A request for `path` (starting with "/v1/"), with the endpoint label used in metrics and errors.
  sdk::HttpRequest request(std::string method, const std::string& path, std::string endpoint) const;

  /// Runs a request; a non-2xx answer throws the mapped OperationError.
  sdk::HttpResponse send(const sdk::HttpRequest& request) const;
  /// Runs a request and returns the answer whatever its status (a caller that tells some refusals apart).
  sdk::HttpResponse exchange(const sdk::HttpRequest& request) const { return host_.http(request); }
  /// Throws the OperationError a non-2xx answer maps to; nothing for a 2xx.
  static void check(const sdk::HttpResponse& response, std::string_view endpoint);
  /// Runs a request and parses its 2xx JSON body.
  boost::json::value sendJson(const sdk::HttpRequest& request) const;

  /// Every record of a paginated list, following next_cursor until it is null. `request` carries the filters.
  boost::json::array listAll(sdk::HttpRequest request, int page_size) const;

 private:
  const sdk::Host& host_;
  std::string base_url_;
};

}  // namespace atsync::kula

