// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lever JSON → sdk model. Tolerant, because Lever's real answers drift from its docs (LEVER-API.md §3, §4):
// unknown keys are ignored, nulls read as absent, timestamps and sizes may be numbers or decimal strings,
// expandable fields (contact, stage, applications) may be ids or objects. Only a missing `id` is an error
// (bad_response naming the endpoint): without it a record cannot be referred to again.

#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::lever {

sdk::Posting parsePosting(const boost::json::value& v, std::string_view endpoint);
sdk::Stage parseStage(const boost::json::value& v, int order, std::string_view endpoint);
sdk::Opportunity parseOpportunity(const boost::json::value& v, std::string_view endpoint);

/// One entry of an opportunity's `stageChanges` history.
struct StageChange {
  std::string to_stage_id;
  std::int64_t at_ms = 0;
  std::optional<std::string> user_id;
};
/// The history in the order Lever gives it (oldest first).
std::vector<StageChange> parseStageChanges(const boost::json::object& opportunity);

/// What note.find needs of a Lever note: its id, whether it was deleted, and the text of every comment.
struct LeverNote {
  std::string id;
  bool deleted = false;
  std::vector<std::string> values;
};
LeverNote parseNote(const boost::json::value& v, std::string_view endpoint);

/// A Lever file (`{id, name, ext, size, uploadedAt, ...}`) as an sdk file reference on `subject_id`.
sdk::FileRef parseFile(const boost::json::value& v, std::string_view subject_id, std::string_view endpoint);

/// A content type for a file extension Lever reports (".pdf"); application/octet-stream when unknown.
std::string contentTypeForExtension(std::string_view ext);

}  // namespace atsync::lever
