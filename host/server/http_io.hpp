// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small pieces every route of the HTTP front uses: reading a capped body, splitting the path, query parameters,
// writing JSON and HTML answers through the redactor.

#include "logging/redactor.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <boost/json/value.hpp>

#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <vector>

namespace atsync::host::server {

std::int64_t nowMs();

/// Reads at most `limit` + 1 bytes, so an oversized body is detected without buffering all of it.
std::string readBody(std::istream& in, std::size_t limit);

/// "/api/v1/connections/acme" -> {"api", "v1", "connections", "acme"} (percent-decoded, query dropped).
std::vector<std::string> pathSegments(const std::string& uri);

/// Query parameters, percent-decoded; the last of a repeated name wins.
std::map<std::string, std::string> queryParameters(const std::string& uri);

std::string htmlEscape(std::string_view text);

/// Every answer body passes `redactor` (may be null) before it is sent.
void sendJson(Poco::Net::HTTPServerResponse& response, int status, const boost::json::value& body,
              const logging::Redactor* redactor);
void sendText(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
              const std::string& body, const logging::Redactor* redactor);
/// {"error": {"code": code, "message": message}}
boost::json::value errorBody(std::string_view code, std::string_view message);

}  // namespace atsync::host::server
