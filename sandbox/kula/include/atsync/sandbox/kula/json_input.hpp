// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading client JSON defensively: every malformed body or mistyped field becomes an ApiError (400 for an
// unreadable body, 422 for a readable one with wrong or missing fields), never an exception or a crash.

#include <atsync/sandbox/kula/api_error.hpp>
#include <atsync/sandbox/kula/kula_store.hpp>
#include <atsync/sandbox/kula/model.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::sandbox::kula {

/// The body as a JSON object: 400 invalid_json when it does not parse, 400 invalid_request when not an object.
Result<boost::json::object> parseObject(const std::string& body);

/// An optional string field: absent or null gives nullopt; any other non-string is a 422.
Result<std::optional<std::string>> optString(const boost::json::object& o, std::string_view key);
/// A required string field (present, a string, not blank).
Result<std::string> reqString(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> optBool(const boost::json::object& o, std::string_view key);
Result<std::optional<double>> optNumber(const boost::json::object& o, std::string_view key);
Result<std::vector<std::string>> stringList(const boost::json::object& o, std::string_view key);
/// `{name,email}` or absent/null.
Result<std::optional<Person>> optPerson(const boost::json::object& o, std::string_view key);

/// A candidate object as written by clients (POST /v1/candidates and the scenario actions).
Result<CandidateInput> candidateInput(const boost::json::object& o);

}  // namespace atsync::sandbox::kula
