// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula's answer shapes over sandbox/common's Response: `{"error":{"code","message"}}` for failures.

#include <atsync/sandbox/http_types.hpp>
#include <atsync/sandbox/kula/api_error.hpp>

#include <boost/json/value.hpp>

#include <string_view>

namespace atsync::sandbox::kula {

Response kulaError(int status, std::string_view code, std::string_view message);
inline Response kulaError(const ApiError& e) { return kulaError(e.status, e.code, e.message); }
Response kulaJson(int status, const boost::json::value& body);

}  // namespace atsync::sandbox::kula
