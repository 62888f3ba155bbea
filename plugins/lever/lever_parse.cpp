// SPDX-License-Identifier: Apache-2.0
#include "lever_parse.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/error.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using sdk::detail::field;
using sdk::detail::integer;
using sdk::detail::object;
using sdk::detail::optInt;
using sdk::detail::optString;
using sdk::detail::str;
using sdk::detail::strings;

const json::object& requireRecord(const json::value& v, std::string_view what, std::string_view endpoint) {
  const auto* o = v.if_object();
  if (o == nullptr) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": a " + std::string(what) + " in Lever's answer is not an object");
  }
  return *o;
}

std::string requireId(const json::object& o, std::string_view what, std::string_view endpoint) {
  auto id = optString(o, "id");
  if (!id || id->empty()) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": a " + std::string(what) + " in Lever's answer has no 'id'");
  }
  return std::move(*id);
}

// An expandable reference: "id" or {"id": ...}.
std::optional<std::string> refId(const json::object& o, std::string_view key) {
  const auto* v = field(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (const auto* expanded = v->if_object()) return optString(*expanded, "id");
  return std::nullopt;
}

// Contact location: a string on opportunities, {name} on contacts.
std::string locationOf(const json::object& o) {
  const auto* v = field(o, "location");
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (const auto* lo = v->if_object()) return str(*lo, "name");
  return {};
}

std::vector<sdk::Phone> phonesOf(const json::object& o) {
  std::vector<sdk::Phone> out;
  const auto* v = field(o, "phones");
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& p : v->get_array()) {
    if (p.is_string()) {
      out.push_back({"other", std::string(p.get_string())});
    } else if (const auto* po = p.if_object()) {
      auto value = str(*po, "value");
      if (!value.empty()) out.push_back({str(*po, "type", "other"), std::move(value)});
    }
  }
  return out;
}

// The posting of an opportunity, when Lever names it: expanded applications carry `posting`.
std::optional<std::string> postingOf(const json::object& o) {
  const auto* apps = field(o, "applications");
  if (apps == nullptr || !apps->is_array()) return std::nullopt;
  for (const auto& a : apps->get_array()) {
    if (const auto* ao = a.if_object()) {
      if (auto p = refId(*ao, "posting"); p && !p->empty()) return p;
    }
  }
  return std::nullopt;
}

}  // namespace

sdk::Posting parsePosting(const json::value& v, std::string_view endpoint) {
  const auto& o = requireRecord(v, "posting", endpoint);
  sdk::Posting p;
  p.id = requireId(o, "posting", endpoint);
  p.title = str(o, "text");
  p.state = str(o, "state");
  p.channels = strings(o, "distributionChannels");
  if (const auto* c = object(o, "categories")) {
    p.team = str(*c, "team");
    p.department = str(*c, "department");
    p.location = str(*c, "location");
    p.commitment = str(*c, "commitment");
  }
  if (const auto* urls = object(o, "urls")) p.url = str(*urls, "show");
  p.updated_at_ms = optInt(o, "updatedAt").value_or(integer(o, "createdAt"));
  return p;
}

sdk::Stage parseStage(const json::value& v, int order, std::string_view endpoint) {
  const auto& o = requireRecord(v, "stage", endpoint);
  return {requireId(o, "stage", endpoint), str(o, "text"), order};
}

sdk::Opportunity parseOpportunity(const json::value& v, std::string_view endpoint) {
  const auto& o = requireRecord(v, "opportunity", endpoint);
  sdk::Opportunity p;
  p.id = requireId(o, "opportunity", endpoint);
  p.contact_id = refId(o, "contact").value_or("");
  p.person.name = str(o, "name");
  p.person.headline = str(o, "headline");
  p.person.location = locationOf(o);
  p.person.emails = strings(o, "emails");
  p.person.phones = phonesOf(o);
  p.person.links = strings(o, "links");
  p.stage_id = refId(o, "stage").value_or("");
  p.posting_id = postingOf(o);
  p.origin = str(o, "origin");
  p.sources = strings(o, "sources");
  p.tags = strings(o, "tags");
  // `archived` is null or {reason, archivedAt}; the docs' legacy examples use a top-level archivedAt instead.
  p.archived = field(o, "archived") != nullptr || field(o, "archivedAt") != nullptr;
  p.created_at_ms = integer(o, "createdAt");
  // updatedAt may be null on old records (LEVER-API.md §4): fall back to the newest timestamp we have.
  p.updated_at_ms = optInt(o, "updatedAt").value_or(std::max(p.created_at_ms, integer(o, "lastAdvancedAt")));
  return p;
}

std::vector<StageChange> parseStageChanges(const json::object& opportunity) {
  std::vector<StageChange> out;
  const auto* v = field(opportunity, "stageChanges");
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    const auto* so = e.if_object();
    if (so == nullptr) continue;
    StageChange c;
    c.to_stage_id = refId(*so, "toStageId").value_or("");
    if (c.to_stage_id.empty()) continue;
    c.at_ms = integer(*so, "updatedAt");
    c.user_id = refId(*so, "userId");
    out.push_back(std::move(c));
  }
  return out;
}

LeverNote parseNote(const json::value& v, std::string_view endpoint) {
  const auto& o = requireRecord(v, "note", endpoint);
  LeverNote n;
  n.id = requireId(o, "note", endpoint);
  n.deleted = field(o, "deletedAt") != nullptr;
  if (const auto* fields = field(o, "fields"); fields && fields->is_array()) {
    for (const auto& f : fields->get_array()) {
      if (const auto* fo = f.if_object()) {
        if (auto value = optString(*fo, "value")) n.values.push_back(std::move(*value));
      }
    }
  }
  // Older shapes carry the text at the top level.
  if (auto value = optString(o, "value")) n.values.push_back(std::move(*value));
  return n;
}

std::string contentTypeForExtension(std::string_view ext) {
  std::string e;
  for (char c : ext) {
    if (c != '.') e.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes{{
      {"pdf", "application/pdf"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"txt", "text/plain"},
      {"js", "text/javascript"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"rtf", "application/rtf"},
  }};
  for (const auto& [k, type] : kTypes) {
    if (k == e) return std::string(type);
  }
  return "application/octet-stream";
}

sdk::FileRef parseFile(const json::value& v, std::string_view subject_id, std::string_view endpoint) {
  const auto& o = requireRecord(v, "file", endpoint);
  sdk::FileRef f;
  f.id = requireId(o, "file", endpoint);
  f.subject_id = std::string(subject_id);
  f.name = str(o, "name");
  f.content_type = contentTypeForExtension(str(o, "ext"));
  // Lever's documented examples give size and uploadedAt as strings ("1000", "1468953420000").
  f.size_bytes = integer(o, "size", -1);
  f.created_at_ms = integer(o, "uploadedAt");
  return f;
}

}  // namespace atsync::lever
