// SPDX-License-Identifier: Apache-2.0
#pragma once

// Harvest v3 records read into what the connector needs, and the mapping to atsync documents. An application
// is atsync's opportunity, its candidate the contact; stage ids are job_interview_stages ids (stage definitions,
// one set per job), so an opportunity carries stage_name beside stage_id (SDK 1.1).

#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::greenhouse {

struct Application {
  std::string id;
  std::string candidate_id;
  std::string job_id;
  std::string job_post_id;             ///< empty when none (a prospect, or an application on a job without a post)
  std::string status;                  ///< in_process | rejected | hired | converted (the response words)
  std::string stage_row_id;            ///< `stage_id`: the current application_stages row
  std::string job_interview_stage_id;  ///< the current stage's definition; empty when the tenant does not send it
  std::string stage_name;
  std::string source_id;
  std::string referrer_id;
  bool prospect = false;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Candidate {
  std::string id;
  sdk::Person person;
  std::vector<std::string> tags;
};

/// A /v3/applications record; bad_response naming the field when an id or a timestamp is missing or malformed.
Application parseApplication(const boost::json::object& record, std::string_view endpoint);

/// A /v3/candidates record. An anonymized candidate (null names, no emails) is a person with an empty name.
Candidate parseCandidate(const boost::json::object& record, std::string_view endpoint);

/// The atsync opportunity of an application (and its candidate, when read). `stage_id` is the current stage
/// definition as the caller resolved it (GreenhouseConnector::currentStageId); stage_name comes from the application.
/// `job_id` is added beside: stage names are resolved within it.
boost::json::object opportunityJson(const Application& application, const Candidate* candidate,
                                    const std::string& stage_id);

/// A required timestamp field as ms since the epoch; bad_response naming the field otherwise.
std::int64_t requireTime(const boost::json::object& record, std::string_view key, std::string_view where);

/// The string of a JSON value if it is one; empty for null or absent.
std::string text(const boost::json::object& o, std::string_view key);

}  // namespace atsync::greenhouse
