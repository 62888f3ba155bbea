// SPDX-License-Identifier: Apache-2.0
// connection.check: Lever writes every opportunity, note and file on behalf of `perform_as`, and refuses each write
// once that user is deactivated. Checked before the connection is ready, so an operator reads why in /readyz and
// `atsync status` instead of finding the first dead letter.
#include "lever_api.hpp"
#include "lever_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

namespace atsync::lever {

namespace json = boost::json;

sdk::Output LeverConnector::connectionCheck(const sdk::Input& /*input*/) {
  const std::string& user_id = api_.performAsUser();
  requireSafeId(user_id, "perform_as");
  auto request = api_.request("GET", "/users/" + user_id, "GET /users/:user");
  json::object envelope;
  try {
    envelope = api_.call(request);
  } catch (const sdk::OperationError& e) {
    if (e.error().code != sdk::errc::kNotFound) throw;
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "perform_as '" + user_id + "' is not a user of this Lever account; set perform_as to "
                              "the id of an active user (GET /users lists them)");
  }
  const auto& user = dataObject(envelope, request.endpoint);
  const std::string name = sdk::detail::optString(user, "name").value_or(user_id);
  if (const auto* deactivated = user.if_contains("deactivatedAt"); deactivated && !deactivated->is_null()) {
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "perform_as user '" + name + "' (" + user_id + ") is deactivated in Lever, which refuses "
                              "every write on a deactivated user's behalf; reactivate the user or set perform_as to "
                              "an active one");
  }
  return json::object{{"summary", "acting as " + name + " (" + user_id + ")"}};
}

}  // namespace atsync::lever
