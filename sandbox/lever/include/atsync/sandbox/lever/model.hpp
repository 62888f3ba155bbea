// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atsync::sandbox::lever {

// Records as the sandbox holds them. Every listable record has a `seq` (insertion order, never reused)
// and `created_at_ms`: pagination tokens name both, so a page boundary stays put while records are added.

struct User {
  std::uint64_t seq = 0;
  std::string id;
  std::string name;
  std::string username;
  std::string email;
  std::string access_role;  ///< super admin | admin | team member | limited team member | interviewer
  std::string job_title;
  std::optional<std::string> manager_id;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> deactivated_at_ms;
};

struct Stage {
  std::uint64_t seq = 0;
  std::string id;
  std::string text;
  std::int64_t created_at_ms = 0;
};

struct ArchiveReason {
  std::uint64_t seq = 0;
  std::string id;
  std::string text;
  std::string status;  ///< active | inactive
  std::string type;    ///< hired | non-hired
  std::int64_t created_at_ms = 0;
};

struct PostingCategories {
  std::string team;
  std::string department;
  std::string location;
  std::string commitment;
};

struct Posting {
  std::uint64_t seq = 0;
  std::string id;
  std::string text;
  std::string state;  ///< published | internal | closed | draft | pending | rejected
  std::optional<std::vector<std::string>> distribution_channels;  ///< null unless published
  std::string confidentiality = "non-confidential";
  std::string user;
  std::string owner;
  std::optional<std::string> hiring_manager;
  PostingCategories categories;
  std::vector<std::string> tags;
  std::string description;
  std::string country = "US";
  std::string workplace_type = "onsite";
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Phone {
  std::string type;
  std::string value;
};

struct Contact {
  std::string id;
  std::string name;
  std::string headline;
  std::string location;
  std::vector<std::string> emails;
  std::vector<Phone> phones;
  std::int64_t created_at_ms = 0;
};

struct StageChange {
  std::string to_stage_id;
  int to_stage_index = 0;
  std::int64_t updated_at_ms = 0;
  std::optional<std::string> user_id;
};

struct Archived {
  std::string reason;
  std::int64_t archived_at_ms = 0;
};

struct Application {
  std::string id;
  std::string opportunity_id;
  std::string posting_id;
  std::string type;  ///< posting | referral | user
  std::optional<std::string> user;
  std::int64_t created_at_ms = 0;
};

struct Opportunity {
  std::uint64_t seq = 0;
  std::string id;
  std::string contact_id;
  std::string stage;
  std::vector<StageChange> stage_changes;
  std::string confidentiality = "non-confidential";
  std::optional<Archived> archived;
  std::vector<std::string> tags;
  std::vector<std::string> sources;
  std::vector<std::string> links;
  std::string origin;
  std::optional<std::string> sourced_by;
  std::optional<std::string> owner;
  std::vector<std::string> followers;
  std::vector<std::string> applications;  ///< application ids (at most one)
  std::optional<std::string> posting_id;
  std::string opportunity_location;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t last_interaction_at_ms = 0;
  std::int64_t last_advanced_at_ms = 0;
};

struct NoteField {
  std::string value;
  std::int64_t created_at_ms = 0;
  std::optional<std::string> user;
  std::optional<int> score;
  std::string stage;
};

struct Note {
  std::uint64_t seq = 0;
  std::string id;
  std::string opportunity_id;
  std::vector<NoteField> fields;
  std::optional<std::string> user;
  bool secret = false;
  bool api_created = false;  ///< only these may be edited or deleted through the API
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> deleted_at_ms;
};

struct File {
  std::uint64_t seq = 0;
  std::string id;
  std::string opportunity_id;
  std::string name;
  std::string ext;
  std::string content_type;
  std::string data;
  std::optional<std::string> user;
  std::int64_t created_at_ms = 0;  ///< uploadedAt
  std::optional<std::int64_t> deleted_at_ms;
};

struct Webhook {
  std::string id;
  std::string event;
  std::string url;
  std::vector<std::string> origins;  ///< empty = every origin
  std::string signature_token;
  std::string source;  ///< "api" (created through /v1/webhooks) or "ui" (sandbox admin API)
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

}  // namespace atsync::sandbox::lever
