// SPDX-License-Identifier: Apache-2.0
#pragma once

// The text the connector writes on Lever about the partner platform: the opportunity's source, the referrer note,
// the notes and messages it copies. The platform's name is input (`platform:{name}`, SDK 1.1), never written into
// this plugin: the same connector serves whichever platform the host pairs it with (sdk/schema/operations.md).

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace atsync::lever {

/// The name used when the input names no platform (an SDK 1.0 host sends no `platform`).
inline constexpr std::string_view kUnnamedPlatform = "the partner platform";

/// `platform.name` of an operation's input, else kUnnamedPlatform.
std::string platformName(const boost::json::object& in);

/// The note a referral puts on its new opportunity (Lever's create has no referrer field), without its marker line:
/// "Referred by <name>[ <email>] through <platform>.", or "Referred through <platform>." when no name is known.
std::string referrerText(std::string_view name, std::string_view email, std::string_view platform);

/// What a note.add shows above its marker line. `kind` "note": the platform's text, then "— <author> (<platform>)"
/// when it has an author; "message": "<platform> <channel> message (<direction>)[: <subject>]", a blank line and the
/// text; absent (an SDK 1.0 host, or a command stored by one): `body` as it is, composed by that host. Throws
/// invalid_input for another kind.
std::string noteText(const boost::json::object& in, std::string_view platform);

}  // namespace atsync::lever
