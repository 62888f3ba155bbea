// SPDX-License-Identifier: Apache-2.0
#include "runtime/answer_check.hpp"

#include <boost/json/value_from.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace atsync::host::runtime {
namespace {

namespace json = boost::json;

std::string label(std::string_view plugin, std::string_view operation) {
  return "plugin '" + std::string(plugin) + "' operation '" + std::string(operation) + "'";
}

/// " (item id 'p-7')" for a problem inside an array element that has a string id: an index alone is hard to find
/// in a page of a hundred postings.
std::string itemIdOf(const json::value& document, const std::string& pointer) {
  // The deepest object along the pointer whose parent is an array: find_pointer on each prefix of the pointer.
  const json::value* item = nullptr;
  const json::value* parent = nullptr;
  for (std::size_t end = pointer.find('/', 1);; end = pointer.find('/', end + 1)) {
    boost::system::error_code ec;
    const json::value* at = document.find_pointer(std::string_view(pointer).substr(0, end), ec);
    if (at == nullptr) break;
    if (parent != nullptr && parent->is_array() && at->is_object()) item = at;
    parent = at;
    if (end == std::string::npos) break;
  }
  if (item == nullptr) return {};
  const auto* id = item->get_object().if_contains("id");
  if (id == nullptr || !id->is_string() || id->get_string().empty()) return {};
  return " (item id '" + std::string(id->get_string()) + "')";
}

std::string summarise(const std::vector<config::SchemaError>& errors, const json::value& document) {
  // The first problem in full, and how many more: one plugin bug tends to repeat on every item of a page.
  std::string text = errors.front().message + itemIdOf(document, errors.front().pointer);
  if (errors.front().kind == config::SchemaError::Kind::kUnknownKey) text += " at '" + errors.front().pointer + "'";
  if (errors.size() > 1) {
    text += "; and " + std::to_string(errors.size() - 1) + (errors.size() == 2 ? " more problem" : " more problems");
  }
  return text;
}

}  // namespace

std::optional<sdk::Error> checkAnswer(const config::SchemaDirectory& schemas, std::string_view plugin,
                                      std::string_view operation, const json::value& document) {
  const auto* answers = schemas.find("answers.schema.json");
  const auto* defs = answers != nullptr && answers->is_object() ? answers->get_object().if_contains("$defs") : nullptr;
  if (defs == nullptr || !defs->is_object() || !defs->get_object().contains(operation)) return std::nullopt;
  const std::string ref = "answers.schema.json#/$defs/" + std::string(operation);
  const auto errors = schemas.validate(ref, document, "answer");
  if (errors.empty()) return std::nullopt;
  return sdk::Error{std::string(sdk::errc::kInternal),
                    label(plugin, operation) + " answered a document off the SDK schema (" + ref +
                        "): " + summarise(errors, document),
                    false, std::nullopt, false};
}

sdk::Error checkErrorDocument(const config::SchemaDirectory& schemas, std::string_view plugin,
                              std::string_view operation, sdk::Error error) {
  const json::value document = json::value_from(error);
  const auto errors = schemas.validate("error.schema.json", document, "error");
  if (errors.empty()) return error;
  // What the engine decides by (retryable, outcome_unknown, retry_after_ms) is kept: losing outcome_unknown could
  // make a second write. Only a code the engine does not know becomes "internal".
  const bool known_code = std::none_of(errors.begin(), errors.end(),
                                       [](const config::SchemaError& e) { return e.pointer == "/code"; });
  if (!known_code) error.code = std::string(sdk::errc::kInternal);
  const std::string original = error.message.empty() ? std::string("(no message)") : error.message;
  error.message = label(plugin, operation) + " failed with an error document off the SDK schema (error.schema.json): " +
                  summarise(errors, document) + "; its message: " + original;
  return error;
}

}  // namespace atsync::host::runtime
