// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/json.hpp>

#include <string>

#include "atsync/sandbox/lever/lever_state.hpp"

namespace atsync::sandbox::lever::detail {

// Lever's JSON shapes for the records (field names and nulls as in recorded real responses).

boost::json::object renderUser(const User& u);
boost::json::object renderStage(const Stage& s);
boost::json::object renderArchiveReason(const ArchiveReason& a);
boost::json::object renderPosting(const Posting& p);
boost::json::object renderContact(const Contact& c);
boost::json::object renderOpportunity(const Opportunity& o, const LeverData& d);
boost::json::object renderNote(const Note& n);
/// `api_base` is "http://127.0.0.1:PORT/v1" for downloadUrl.
boost::json::object renderFile(const File& f, const std::string& api_base);
/// `with_token`: only the create response carries configuration.signatureToken.
boost::json::object renderWebhook(const Webhook& w, bool with_token);

boost::json::array toArray(const std::vector<std::string>& v);
boost::json::value optString(const std::optional<std::string>& v);

}  // namespace atsync::sandbox::lever::detail
