// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula objects (shared/KULA-API.md, "Objects") into the SDK model. Unknown fields are ignored; the fields the
// engine acts on are required; a typed field of the wrong type is refused. Every function throws sdk::ShapeError.

#include <atsync/sdk/json_reader.hpp>
#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace atsync::kula {

/// A Kula flow as the SDK names it: posting_id is the linked ATS posting (ats_posting_id on Kula).
struct Flow {
  std::string id;
  std::string name;
  std::optional<std::string> posting_id;
};

/// The person fields Kula keeps at the top level of a candidate (name, emails, phones, links, headline, location).
sdk::Person parsePerson(const sdk::ObjectReader& r);
sdk::Candidate parseCandidate(const sdk::ObjectReader& r);
sdk::Stage parseStage(const sdk::ObjectReader& r);
Flow parseFlow(const sdk::ObjectReader& r);
sdk::Note parseNote(const sdk::ObjectReader& r);
sdk::Message parseMessage(const sdk::ObjectReader& r);
/// A Kula resume as an SDK file (subject_id = the candidate).
sdk::FileRef parseResume(const sdk::ObjectReader& r);
/// {name, email}; Kula sends null for "nobody" (a change made by the system).
std::optional<sdk::Author> parseOptionalAuthor(const sdk::ObjectReader& parent, std::string_view key);

boost::json::value toJson(const Flow& flow);
boost::json::value toJson(const std::optional<sdk::Author>& author);

}  // namespace atsync::kula
