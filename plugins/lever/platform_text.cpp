// SPDX-License-Identifier: Apache-2.0
#include "platform_text.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/error.hpp>

namespace atsync::lever {
namespace {

using sdk::detail::str;

const boost::json::object& objectAt(const boost::json::object& o, std::string_view key) {
  static const boost::json::object kEmpty;
  const auto* v = sdk::detail::object(o, key);
  return v != nullptr ? *v : kEmpty;
}

}  // namespace

std::string platformName(const boost::json::object& in) {
  std::string name = str(objectAt(in, "platform"), "name");
  return name.empty() ? std::string(kUnnamedPlatform) : name;
}

std::string referrerText(std::string_view name, std::string_view email, std::string_view platform) {
  std::string text = "Referred";
  if (!name.empty()) {
    text += " by ";
    text += name;
    if (!email.empty()) {
      text += " <";
      text += email;
      text += ">";
    }
  }
  text += " through ";
  text += platform;
  text += ".";
  return text;
}

std::string noteText(const boost::json::object& in, std::string_view platform) {
  const std::string kind = str(in, "kind");
  const std::string body = str(in, "body");
  if (kind.empty()) return body;
  if (kind == "note") {
    std::string text = body;
    // The integration user writes every note in Lever, so the platform's author is named in the text.
    if (const std::string author = str(objectAt(in, "author"), "name"); !author.empty()) {
      text += "\n\n\u2014 " + author + " (" + std::string(platform) + ")";
    }
    return text;
  }
  if (kind == "message") {
    const auto& m = objectAt(in, "message");
    std::string text = std::string(platform) + " " + str(m, "channel", "email") + " message (" +
                       str(m, "direction", "outbound") + ")";
    if (const std::string subject = str(m, "subject"); !subject.empty()) text += ": " + subject;
    return text + "\n\n" + body;
  }
  throw sdk::OperationError(sdk::errc::kInvalidInput,
                            "note.add: 'kind' is '" + kind + "' (expected note or message)");
}

}  // namespace atsync::lever
