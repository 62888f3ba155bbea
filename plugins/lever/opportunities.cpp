// SPDX-License-Identifier: Apache-2.0
// opportunity.create, opportunity.find, opportunity.get and opportunity.set_stage: a platform's flow or referral becomes
// a Lever opportunity, a retry finds it again by its marker tag, and stage changes are written back.
#include "lever_connector.hpp"
#include "lever_parse.hpp"
#include "markers.hpp"
#include "platform_text.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

#include <algorithm>
#include <array>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using sdk::detail::optString;
using sdk::detail::requireString;
using sdk::detail::str;

// Lever's origin enum (LEVER-API.md §6). The host writes sourced (flows) and referred (referrals).
constexpr std::array<std::string_view, 6> kOrigins{"sourced", "referred", "applied", "agency", "internal", "university"};

// Lever's phone types; anything else (a platform's "cell", "") becomes "other" rather than a refused create.
std::string phoneType(const std::string& type) {
  for (std::string_view known : {"mobile", "home", "work", "skype", "other"}) {
    if (type == known) return type;
  }
  return "other";
}

json::object createBody(const sdk::Person& person, const std::string& posting_id, const std::string& origin,
                        const std::optional<std::string>& stage_id, std::string_view key, std::string_view platform) {
  json::object body;
  body["name"] = person.name;
  if (!person.headline.empty()) body["headline"] = person.headline;
  if (!person.location.empty()) body["location"] = person.location;
  // Lever dedupes the contact by these emails: an existing person gets a new opportunity, not a new contact.
  body["emails"] = sdk::detail::toArray(person.emails);
  json::array phones;
  for (const auto& p : person.phones) phones.push_back({{"type", phoneType(p.type)}, {"value", p.value}});
  body["phones"] = std::move(phones);
  body["links"] = sdk::detail::toArray(person.links);
  body["postings"] = json::array{json::value(posting_id)};  // Lever refuses more than one
  body["origin"] = origin;
  // The platform's name, so recruiters see where the candidate came from (and can filter by it).
  body["sources"] = json::array{json::value(platform)};
  body["tags"] = json::array{json::value(kAtsyncTag), json::value(markerTag(key))};
  if (stage_id) body["stage"] = *stage_id;
  return body;
}

bool hasTag(const sdk::Opportunity& o, const std::string& tag) {
  return std::find(o.tags.begin(), o.tags.end(), tag) != o.tags.end();
}

}  // namespace

sdk::Output LeverConnector::opportunityCreate(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.create";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const auto* person_value = sdk::detail::field(in, "person");
  if (person_value == nullptr) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, "opportunity.create: missing field 'person'");
  }
  const auto person = json::value_to<sdk::Person>(*person_value);
  if (person.name.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, "opportunity.create: 'person.name' is empty");
  }
  const std::string posting_id = requireString(in, "posting_id", kWhat);
  requireSafeId(posting_id, "posting_id");
  const std::string origin = requireString(in, "origin", kWhat);
  if (std::find(kOrigins.begin(), kOrigins.end(), origin) == kOrigins.end()) {
    throw sdk::OperationError(sdk::errc::kInvalidInput,
                              "opportunity.create: 'origin' is '" + origin + "' (expected sourced or referred)");
  }
  const auto stage_id = optString(in, "stage_id");
  if (stage_id) requireSafeId(*stage_id, "stage_id");
  // {name, email}; a bare string is taken as the referrer's name.
  std::optional<json::object> referrer;
  if (const auto* r = sdk::detail::field(in, "referrer")) {
    if (r->is_object()) referrer = r->get_object();
    if (r->is_string() && !r->get_string().empty()) referrer = json::object{{"name", r->get_string()}};
  }

  auto request = api_.request("POST", "/opportunities", "POST /opportunities");
  api_.performAs(request);  // required: Lever answers 400 "Missing perform_as parameter" without it
  const std::string platform = platformName(in);
  request.json = createBody(person, posting_id, origin, stage_id, key, platform);
  // Not idempotent: a blind retry after a lost answer would create a second opportunity. The engine runs
  // opportunity.find with the same key first.
  const json::object envelope = api_.call(request);
  sdk::Opportunity opportunity = parseOpportunity(dataObject(envelope, request.endpoint), request.endpoint);
  if (!opportunity.posting_id) opportunity.posting_id = posting_id;
  // `deduped` sits next to `data` in real answers; accept it inside `data` too.
  const bool deduped = sdk::detail::boolean(envelope, "deduped", sdk::detail::boolean(dataObject(envelope, request.endpoint), "deduped"));

  json::object out{{"opportunity", json::value_from(opportunity)}, {"deduped_contact", deduped}};
  if (referrer) {
    // Lever's create has no referrer field, so the referrer goes into the opportunity's first note, where a
    // recruiter reads it (a tag would put the referrer's email into the account-wide tag list). The note has
    // its own marker, derived from the same key. The opportunity already exists at this point: failing the
    // whole operation would make the engine's retry find it and stop, so the note's outcome is reported instead.
    const std::string name = str(*referrer, "name");
    const std::string email = str(*referrer, "email");
    const std::string text =
        referrerText(name, email, platform) + "\n\n" + noteSignature(key + "#referrer", "", platform);
    try {
      out["referrer_note_id"] = postNote(opportunity.id, text);
    } catch (const sdk::OperationError& e) {
      api_.host().warn("lever: opportunity " + opportunity.id + " created, but its referrer note failed: " +
                       e.error().message);
      out["referrer_note_id"] = nullptr;
      out["referrer_note_error"] = json::value_from(e.error());
    }
  }
  return out;
}

sdk::Output LeverConnector::opportunityFind(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.find";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const std::string email = str(in, "email");
  const auto posting_id = optString(in, "posting_id");
  const std::string tag = markerTag(key);

  auto request = api_.request("GET", "/opportunities", "GET /opportunities");
  request.query = {{"tag", tag}, {"limit", "100"}};
  if (!email.empty()) request.query.emplace_back("email", email);
  if (posting_id && !posting_id->empty()) request.query.emplace_back("posting_id", *posting_id);
  std::optional<sdk::Opportunity> found;
  api_.forEach(request, [&](const json::value& item) {
    sdk::Opportunity o = parseOpportunity(item, request.endpoint);
    // Lever filters by tag already; checking again costs nothing and protects against a filter it ignored.
    if (!found && hasTag(o, tag)) found = std::move(o);
  });
  if (found && !found->posting_id && posting_id) found->posting_id = *posting_id;
  return json::object{{"opportunity", found ? json::value_from(*found) : json::value(nullptr)}};
}

sdk::Output LeverConnector::opportunityGet(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.get";
  const std::string opportunity_id = requireString(input.object(kWhat), "opportunity_id", kWhat);
  requireSafeId(opportunity_id, "opportunity_id");
  // The opportunity carries its contact's data (name, emails, phones, location, headline): no second call.
  const auto request = api_.request("GET", "/opportunities/" + opportunity_id, "GET /opportunities/:id");
  const json::object envelope = api_.call(request);
  const sdk::Opportunity opportunity = parseOpportunity(dataObject(envelope, request.endpoint), request.endpoint);
  return json::object{{"opportunity", json::value_from(opportunity)}};
}

sdk::Output LeverConnector::opportunitySetStage(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.set_stage";
  const auto& in = input.object(kWhat);
  const std::string opportunity_id = requireString(in, "opportunity_id", kWhat);
  const std::string stage_id = requireString(in, "stage_id", kWhat);
  requireSafeId(opportunity_id, "opportunity_id");
  requireSafeId(stage_id, "stage_id");

  auto request = api_.request("PUT", "/opportunities/" + opportunity_id + "/stage", "PUT /opportunities/:id/stage");
  api_.performAs(request);  // optional for Lever, but it attributes the change (and lets polls spot our echoes)
  request.json = json::object{{"stage", stage_id}};
  // Setting the stage an opportunity already has is harmless, so the host may retry it.
  request.idempotent = true;
  const json::object envelope = api_.call(request);
  const sdk::Opportunity opportunity = parseOpportunity(dataObject(envelope, request.endpoint), request.endpoint);
  return json::object{{"opportunity", json::value_from(opportunity)}};
}

}  // namespace atsync::lever
