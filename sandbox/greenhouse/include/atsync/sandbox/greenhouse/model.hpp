// SPDX-License-Identifier: Apache-2.0
// The records a Greenhouse tenant holds, in Harvest v3's terms (GREENHOUSE-API.md §4): ids are integers,
// nothing is embedded, children name their parent. Times are ms since the epoch; render.cpp writes ISO 8601.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atsync::sandbox::greenhouse {

using Id = std::int64_t;

struct User {
  Id id = 0;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> primary_email;  ///< none for the Integration Service User
  std::vector<std::string> emails;
  bool site_admin = false;
  bool deactivated = false;
  bool service_account = false;  ///< hidden from /v3/users unless show_service_accounts=true
  std::optional<std::string> employee_id;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Job {
  Id id = 0;
  std::string name;
  std::optional<std::string> requisition_id;
  std::string status = "open";  ///< open | draft | closed
  bool confidential = false;
  std::optional<std::int64_t> opened_at_ms;
  std::optional<std::int64_t> closed_at_ms;
  std::optional<Id> department_id;
  std::vector<Id> office_ids;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct JobPost {
  Id id = 0;
  Id job_id = 0;
  Id job_board_id = 0;
  std::string title;
  std::string content;
  bool internal = false;
  bool active = true;  ///< false: the post was deleted (excluded from lists unless active=false is asked)
  bool live = false;   ///< published and its board live
  bool featured = false;
  std::optional<std::int64_t> first_published_at_ms;
  std::string language = "en";
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// A stage definition. Stages belong to one job; names repeat across jobs with different ids.
struct JobInterviewStage {
  Id id = 0;
  Id job_id = 0;
  std::string name;
  int sort_order = 0;
  bool active = true;  ///< inactive stages are kept for history
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// One entry of a candidate's contact arrays (`email_addresses`, `phone_numbers`, ...). Social media
/// addresses have no type.
struct ContactEntry {
  std::string value;
  std::string type;
};

struct Candidate {
  Id id = 0;
  std::optional<std::string> first_name;  ///< null on an anonymized candidate
  std::optional<std::string> last_name;
  std::optional<std::string> company;
  std::optional<std::string> title;
  bool is_private = false;
  bool can_email = true;
  bool anonymized = false;
  std::vector<std::string> tags;
  std::vector<ContactEntry> email_addresses;
  std::vector<ContactEntry> phone_numbers;
  std::vector<ContactEntry> addresses;
  std::vector<ContactEntry> website_addresses;
  std::vector<ContactEntry> social_media_addresses;
  std::int64_t last_activity_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Application {
  Id id = 0;
  Id candidate_id = 0;
  Id job_id = 0;
  std::optional<Id> job_post_id;
  std::string status = "in_process";  ///< in_process | rejected | hired | converted (the response words)
  Id stage_id = 0;                    ///< the current /v3/application_stages row
  Id job_interview_stage_id = 0;      ///< the current stage's definition
  std::string stage_name;
  std::optional<Id> recruiter_id;
  std::optional<Id> coordinator_id;
  std::optional<Id> source_id;
  std::optional<Id> referrer_id;  ///< a /v3/referrers id, not a user id
  bool prospect = false;
  std::optional<std::int64_t> rejected_at_ms;
  std::int64_t last_activity_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// One stay of an application in a stage (the stage history): a new row each time the application
/// enters a stage; the open row is the current one.
struct ApplicationStage {
  Id id = 0;
  Id application_id = 0;
  Id job_interview_stage_id = 0;
  std::int64_t entered_at_ms = 0;
  std::optional<std::int64_t> exited_at_ms;
  std::int64_t updated_at_ms = 0;
};

struct Note {
  Id id = 0;
  Id candidate_id = 0;
  std::optional<Id> application_id;
  Id user_id = 0;
  std::string body;
  std::string visibility;  ///< write-side word: admin_only | private | public
  std::string type = "NOTE";
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Attachment {
  Id id = 0;
  Id application_id = 0;
  std::string filename;
  std::string type;  ///< resume | cover_letter | ... | other
  std::optional<std::string> visibility;
  std::string content;                    ///< decoded bytes when sent as `content`
  std::optional<std::string> source_url;  ///< when sent as `url` (never fetched)
  Id uploaded_by = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Source {
  Id id = 0;
  std::string name;
  std::string type;  ///< e.g. referral, job_board, company_marketing
};

struct Referrer {
  Id id = 0;
  std::string name;
  std::optional<Id> user_id;
};

}  // namespace atsync::sandbox::greenhouse
