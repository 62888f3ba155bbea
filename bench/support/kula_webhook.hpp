// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula webhook deliveries as the Kula service sends them (KULA-API.md "Events Kula sends"): the envelope and the
// Kula-Timestamp / Kula-Signature headers.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace atsync::bench {

/// A note.created envelope for a public note on `candidate_id` whose body is `text`.
std::string noteCreatedEvent(const std::string& event_id, const std::string& note_id, const std::string& candidate_id,
                             const std::string& text);

/// The signature headers of `body` signed with `secret` at `unix_seconds`.
std::vector<std::pair<std::string, std::string>> kulaSignatureHeaders(const std::string& secret, const std::string& body,
                                                                      std::int64_t unix_seconds);

}  // namespace atsync::bench
