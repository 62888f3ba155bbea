// SPDX-License-Identifier: Apache-2.0
// Harvest v3's JSON for each record (GREENHOUSE-API.md §4), in one place so lists, writes and the admin API
// agree on field names and on the read-side words (`admin_only_visible`, `in_process`).
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>

#include "atsync/sandbox/greenhouse/greenhouse_state.hpp"

namespace atsync::sandbox::greenhouse::detail {

boost::json::object renderUser(const User& u);
boost::json::object renderJob(const Job& j);
boost::json::object renderJobPost(const JobPost& p, const std::string& root_url);
boost::json::object renderStage(const JobInterviewStage& s);
boost::json::object renderCandidate(const Candidate& c);
boost::json::object renderApplication(const Application& a);
boost::json::object renderApplicationStage(const ApplicationStage& s, std::int64_t now_ms);
boost::json::object renderNote(const Note& n);
boost::json::object renderAttachment(const Attachment& a, const std::string& root_url);
boost::json::object renderSource(const Source& s);
boost::json::object renderReferrer(const Referrer& r);

/// admin_only -> admin_only_visible, private -> privately_visible, public -> publicly_visible.
std::string readVisibility(const std::string& write_word);

boost::json::value optionalId(const std::optional<Id>& id);
boost::json::value optionalTime(const std::optional<std::int64_t>& ms);

}  // namespace atsync::sandbox::greenhouse::detail
