// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the Kula sandbox holds, in the shapes of KULA-API.md "Objects". Plain values so tests can copy a
// snapshot out from under the lock and assert on it at leisure.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atsync::sandbox::kula {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

struct Person {
  std::string name;
  std::string email;
};

struct Phone {
  std::string type;
  std::string value;
};

struct AtsLink {
  std::string opportunity_id;
  std::optional<std::string> contact_id;
};

struct Stage {
  std::string id;
  std::string name;
  int order = 0;
};

struct Flow {
  std::string id;
  std::string name;
  std::optional<std::string> ats_posting_id;
  TimePoint created_at{};
};

struct Candidate {
  std::string id;
  std::string name;
  std::vector<std::string> emails;
  std::vector<Phone> phones;
  std::vector<std::string> links;
  std::string headline;
  std::string location;
  std::string stage;
  std::optional<AtsLink> ats;
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct Note {
  std::string id;
  std::string candidate_id;
  std::string body;
  Person author;
  bool is_private = false;
  TimePoint created_at{};
};

struct Message {
  std::string id;
  std::string candidate_id;
  std::optional<std::string> flow_id;
  std::string direction;  // "outbound" | "inbound"
  std::string channel;    // "email" | "linkedin" | "sms"
  std::optional<std::string> subject;
  std::string body;
  TimePoint sent_at{};
};

struct Resume {
  std::string id;
  std::string candidate_id;
  std::string file_name;
  std::string content_type;
  std::uint64_t size_bytes = 0;
  std::string sha256;  // lower-case hex of content
  TimePoint created_at{};
  std::string content;  // the raw bytes
};

/// One entry of the event log. `body` is the exact envelope JSON delivered to webhooks (signed as is).
struct Event {
  std::uint64_t seq = 0;  // 1-based position in the log
  std::string id;         // "evt_..."
  std::string type;
  TimePoint occurred_at{};
  boost::json::object data;
  std::string body;
};

}  // namespace atsync::sandbox::kula
