// SPDX-License-Identifier: Apache-2.0
#pragma once

// The wire shapes of KULA-API.md for the model structs.

#include <atsync/sandbox/kula/model.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace atsync::sandbox::kula {

/// RFC 3339 in UTC with second precision: "2026-11-28T10:15:00Z".
std::string formatTime(TimePoint t);
std::optional<TimePoint> parseTime(const std::string& text);
std::string sha256Hex(const std::string& bytes);

boost::json::value toJson(const Person& p);
boost::json::value toJson(const Stage& s);
boost::json::value toJson(const Flow& f);
boost::json::value toJson(const Candidate& c);
boost::json::value toJson(const Note& n);
boost::json::value toJson(const Message& m);
boost::json::value toJson(const Resume& r);  // metadata only, never the bytes
boost::json::value toJson(const Event& e);   // the envelope {id,type,occurred_at,data}

}  // namespace atsync::sandbox::kula
