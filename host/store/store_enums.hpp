// SPDX-License-Identifier: Apache-2.0
#pragma once

// The closed sets of values the store's rows carry: an event's side, an inbox event's status, a command's state, a
// link's provenance, a stage mapping's direction and origin, an activity entry's level. The database keeps each as
// the TEXT spelled here (these spellings are also what the admin API, the CLI, the metrics and the activity log
// show): toString gives it, fromString reads it back and refuses anything else.

#include <array>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace atsync::host::store {

/// Which slot's plugin produced an event (inbox.side).
enum class EventSide { kAts, kPlatform };

/// Where an inbox event is (inbox.status).
enum class InboxStatus { kPending, kProcessed, kIgnored, kFailed };

/// Where a command is (commands.state): pending and in_flight are open, the others final.
enum class CommandState { kPending, kInFlight, kDone, kDead, kSkipped };

/// Who created a link's opportunity (links.provenance): F8–F10 only write to the ones the platform created.
enum class LinkProvenance { kCreatedByPlatform, kImported };

/// Which way a stage mapping translates (stage_mappings.direction).
enum class MappingDirection { kAtsToPlatform, kPlatformToAts };

/// Where a stage mapping row came from (stage_mappings.origin).
enum class MappingOrigin { kConfig, kDefault, kAdmin };

/// How much an activity entry matters (activity.level).
enum class ActivityLevel { kInfo, kWarn, kError };

namespace detail {

/// Each enumeration's spellings, indexed by the enumerator's value (declaration order above).
template <class E>
struct EnumSpellings;
template <>
struct EnumSpellings<EventSide> {
  static constexpr std::array<std::string_view, 2> kNames{"ats", "platform"};
};
template <>
struct EnumSpellings<InboxStatus> {
  static constexpr std::array<std::string_view, 4> kNames{"pending", "processed", "ignored", "failed"};
};
template <>
struct EnumSpellings<CommandState> {
  static constexpr std::array<std::string_view, 5> kNames{"pending", "in_flight", "done", "dead", "skipped"};
};
template <>
struct EnumSpellings<LinkProvenance> {
  static constexpr std::array<std::string_view, 2> kNames{"created_by_platform", "imported"};
};
template <>
struct EnumSpellings<MappingDirection> {
  static constexpr std::array<std::string_view, 2> kNames{"ats_to_platform", "platform_to_ats"};
};
template <>
struct EnumSpellings<MappingOrigin> {
  static constexpr std::array<std::string_view, 3> kNames{"config", "default", "admin"};
};
template <>
struct EnumSpellings<ActivityLevel> {
  static constexpr std::array<std::string_view, 3> kNames{"info", "warn", "error"};
};

}  // namespace detail

/// One of the enumerations above.
template <class E>
concept StoreEnum = requires { detail::EnumSpellings<E>::kNames; };

/// The spelling of a value, as stored and as shown to users.
template <StoreEnum E>
constexpr std::string_view toString(E value) {
  return detail::EnumSpellings<E>::kNames[static_cast<std::size_t>(value)];
}

/// The value spelled `text`; nothing for any other text (the spellings are exact: no case folding, no trimming).
template <StoreEnum E>
constexpr std::optional<E> fromString(std::string_view text) {
  const auto& names = detail::EnumSpellings<E>::kNames;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

/// Every spelling, comma-separated ("pending, in_flight, done, dead, skipped"), for messages that list the choices.
template <StoreEnum E>
std::string spellings() {
  std::string out;
  for (const auto name : detail::EnumSpellings<E>::kNames) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

/// Writes the spelling (test failures and logs then read "in_flight", not a number).
template <StoreEnum E>
std::ostream& operator<<(std::ostream& out, E value) {
  return out << toString(value);
}

}  // namespace atsync::host::store
