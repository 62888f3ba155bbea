// SPDX-License-Identifier: Apache-2.0
#pragma once

// Harvest v3 as the connector speaks it: request documents, Greenhouse's error answers mapped to sdk errors, bare
// JSON array lists with an opaque cursor in the Link header (sent alone on later pages), ids as decimal strings.
// Credentials, the rate limit, retries and TLS are the host's; everything else about the wire lives here.

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
#include <vector>

namespace atsync::greenhouse {

/// One page of a list: the records and the next cursor (empty on the last page).
struct Page {
  boost::json::array items;
  std::string next_cursor;
};

// ---- pure functions (unit-tested without a host) ----

/// The sdk error for a non-2xx answer: 401/403 unauthorized, 404 not_found, 429 rate_limited (retryable), 5xx and
/// 408 vendor_error (retryable; outcome unknown for a write), 422 and the rest vendor_error with Greenhouse's
/// `message` and `errors`.
sdk::Error errorFromResponse(const sdk::HttpResponse& response, std::string_view endpoint, bool idempotent);

/// A 2xx body as JSON of the expected kind; bad_response naming the endpoint and what was found otherwise.
boost::json::array parseArray(std::string_view body, std::string_view endpoint);
boost::json::object parseObject(std::string_view body, std::string_view endpoint);

/// The `cursor` query value of the Link header's rel="next" URL, still %-encoded; empty when there is no next
/// page. A rel="next" link without a cursor is bad_response (stopping would silently truncate the list).
std::string nextCursor(const sdk::HttpResponse& response, std::string_view endpoint);

/// A decimal id from an input field; invalid_input naming the field otherwise (it goes into paths and filters).
std::string requireId(std::string_view value, std::string_view field);

/// A record's integer id field as a decimal string; bad_response naming the record kind when absent.
std::string idOf(const boost::json::object& record, std::string_view key, std::string_view what);
/// Same, empty when absent or null.
std::string optionalIdOf(const boost::json::object& record, std::string_view key);

/// A short printable excerpt for error messages (vendor bodies may be HTML or binary).
std::string excerpt(std::string_view text);

// ---- the client ----

class HarvestApi {
 public:
  HarvestApi(sdk::Host host, std::string base_url);

  /// A request for `path` (starting with '/'), labelled `endpoint` for metrics and errors. GETs are idempotent.
  sdk::HttpRequest request(std::string method, std::string_view path, std::string endpoint) const;
  /// Runs the request; returns the response of a 2xx or throws the mapped OperationError.
  sdk::HttpResponse send(const sdk::HttpRequest& request) const;
  /// A write with a JSON body whose answer is a JSON object.
  boost::json::object post(std::string_view path, std::string endpoint, boost::json::object body) const;
  /// One page: the first with the request's filters, later ones with `cursor` as the only parameter (v3 refuses
  /// anything beside it).
  Page page(const sdk::HttpRequest& first, std::string_view cursor) const;
  /// Every record of every page, handed to `visit` as an object (a non-object item is bad_response).
  void forEach(const sdk::HttpRequest& first, const std::function<void(const boost::json::object&)>& visit) const;
  /// Every record of a list filtered by up to 50 ids per request (v3's limit), e.g. candidates by `ids`.
  void forEachById(const sdk::HttpRequest& first, std::string_view id_param, const std::vector<std::string>& ids,
                   const std::function<void(const boost::json::object&)>& visit) const;

  const sdk::Host& host() const { return host_; }

 private:
  sdk::Host host_;
  std::string base_url_;
};

}  // namespace atsync::greenhouse
