// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/json_input.hpp>

#include <atsync/sandbox/json_util.hpp>

#include <boost/json.hpp>

#include <cctype>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

const char* kindOf(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

ApiError wrongType(std::string_view key, const char* expected, const json::value& found) {
  return invalid("'" + std::string(key) + "' must be " + expected + ", not " + kindOf(found));
}

bool blank(const std::string& s) {
  for (unsigned char c : s) {
    if (std::isspace(c) == 0) return false;
  }
  return true;
}

}  // namespace

Result<json::object> parseObject(const std::string& body) {
  std::string why;
  auto parsed = parseJson(body, &why);
  if (!parsed) return badRequest("invalid_json", "the request body is not valid JSON: " + why);
  json::value& v = *parsed;
  if (!v.is_object()) return badRequest("invalid_request", std::string("the request body must be a JSON object, not ") + kindOf(v));
  return std::move(v.get_object());
}

Result<std::optional<std::string>> optString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) return wrongType(key, "a string", *v);
  return std::optional<std::string>{std::string(v->get_string())};
}

Result<std::string> reqString(const json::object& o, std::string_view key) {
  auto s = optString(o, key);
  if (!s) return s.error();
  if (!s.value() || blank(*s.value())) return invalid("'" + std::string(key) + "' is required");
  return *s.value();
}

Result<std::optional<bool>> optBool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<bool>{};
  if (!v->is_bool()) return wrongType(key, "a boolean", *v);
  return std::optional<bool>{v->get_bool()};
}

Result<std::optional<double>> optNumber(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<double>{};
  if (!v->is_number()) return wrongType(key, "a number", *v);
  return std::optional<double>{v->to_number<double>()};
}

Result<std::vector<std::string>> stringList(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return wrongType(key, "an array of strings", *v);
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) return invalid("'" + std::string(key) + "' must contain strings, not " + kindOf(e));
    out.emplace_back(e.get_string());
  }
  return out;
}

Result<std::optional<Person>> optPerson(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<Person>{};
  if (!v->is_object()) return wrongType(key, "an object {name, email}", *v);
  auto name = optString(v->get_object(), "name");
  auto email = optString(v->get_object(), "email");
  if (!name || !email) return invalid("'" + std::string(key) + "' takes string 'name' and 'email'");
  return std::optional<Person>{Person{name.value().value_or(""), email.value().value_or("")}};
}

Result<CandidateInput> candidateInput(const json::object& o) {
  CandidateInput in;
  auto name = optString(o, "name");
  if (!name) return name.error();
  in.name = name.value();
  auto emails = stringList(o, "emails");
  if (!emails) return emails.error();
  in.emails = emails.value();
  // A single "email" is accepted too: scenario callers write it that way.
  auto email = optString(o, "email");
  if (!email) return email.error();
  if (email.value()) in.emails.insert(in.emails.begin(), *email.value());
  auto links = stringList(o, "links");
  if (!links) return links.error();
  in.links = links.value();
  if (const json::value* phones = o.if_contains("phones"); phones != nullptr && !phones->is_null()) {
    if (!phones->is_array()) return wrongType("phones", "an array of {type, value}", *phones);
    for (const auto& p : phones->get_array()) {
      if (p.is_string()) {
        in.phones.push_back(Phone{"other", std::string(p.get_string())});
        continue;
      }
      if (!p.is_object()) return invalid(std::string("'phones' must contain objects {type, value}, not ") + kindOf(p));
      auto type = optString(p.get_object(), "type");
      auto value = optString(p.get_object(), "value");
      if (!type || !value) return invalid("'phones' entries take string 'type' and 'value'");
      in.phones.push_back(Phone{type.value().value_or("other"), value.value().value_or("")});
    }
  }
  for (const char* key : {"headline", "location", "stage"}) {
    auto s = optString(o, key);
    if (!s) return s.error();
    if (std::string_view(key) == "headline") in.headline = s.value();
    if (std::string_view(key) == "location") in.location = s.value();
    if (std::string_view(key) == "stage") in.stage = s.value();
  }
  if (const json::value* ats = o.if_contains("ats"); ats != nullptr && !ats->is_null()) {
    if (!ats->is_object()) return wrongType("ats", "an object {opportunity_id, contact_id}", *ats);
    auto opp = reqString(ats->get_object(), "opportunity_id");
    if (!opp) return invalid("'ats.opportunity_id' must be a non-empty string");
    auto contact = optString(ats->get_object(), "contact_id");
    if (!contact) return invalid("'ats.contact_id' must be a string or null");
    in.ats = AtsLink{opp.value(), contact.value()};
  }
  return in;
}

}  // namespace atsync::sandbox::kula
