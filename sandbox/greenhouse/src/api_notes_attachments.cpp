// SPDX-License-Identifier: Apache-2.0
// /v3/notes (write words admin_only|private|public, read words *_visible) and /v3/attachments (on an
// application; a new resume or cover letter turns the previous one of its type into `other`).
#include <Poco/Base64Decoder.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "impl.hpp"
#include "iso_time.hpp"
#include "list_query.hpp"
#include "render.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

const std::vector<std::string> kNoteTypes = {"NOTE", "ACTIVITY", "EMAIL", "INTERVIEW", "FOLLOW_UP", "TOUCHPOINT",
                                             "FEEDBACK"};
const std::vector<std::string> kAttachmentTypes = {"resume",           "cover_letter",        "take_home_test",
                                                   "offer_packet",     "offer_letter",        "signed_offer_letter",
                                                   "midfunnel_agreement", "automated_agreement", "form_attachment",
                                                   "other"};
// The sandbox's extension blocklist (Greenhouse's own list is not public).
const std::vector<std::string> kBlockedExtensions = {"exe", "bat", "cmd", "com", "dll", "js", "msi", "scr", "sh", "vbs"};

bool oneOf(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::optional<std::string> decodeBase64Strict(const std::string& in) {
  if (in.empty()) return std::nullopt;
  for (char c : in) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=' && c != '\n' && c != '\r') {
      return std::nullopt;
    }
  }
  std::istringstream is(in);
  Poco::Base64Decoder decoder(is);
  std::string out;
  char c = 0;
  try {
    while (decoder.get(c)) out.push_back(c);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return out;
}

Response createNote(Impl& s, Request& r) {
  GH_TRY(body, jsonBody(r));
  if (auto e = onlyFields(body, {"candidate_id", "application_id", "user_id", "body", "visibility", "note_type"})) {
    return *e;
  }
  GH_TRY(candidate_id, optionalId(body, "candidate_id"));
  GH_TRY(application_id, optionalId(body, "application_id"));
  GH_TRY(user_id, optionalId(body, "user_id"));
  GH_TRY(text, optionalText(body, "body"));
  GH_TRY(visibility, optionalText(body, "visibility"));
  GH_TRY(note_type, optionalText(body, "note_type"));
  if (!candidate_id) return fieldError("candidate_id", "is required");
  if (!user_id) return fieldError("user_id", "is required: the note's author");
  if (!text || text->empty()) return fieldError("body", "is required");
  if (!visibility) return fieldError("visibility", "is required: admin_only, private or public");
  if (*visibility != "admin_only" && *visibility != "private" && *visibility != "public") {
    return fieldError("visibility", "`" + *visibility + "` is not one of admin_only, private, public (the "
                                                        "*_visible words are read-side only)");
  }
  const std::string type = note_type.value_or("NOTE");
  if (!oneOf(kNoteTypes, type)) return fieldError("note_type", "`" + type + "` is not one of " + joined(kNoteTypes));
  auto lock = s.state.lock();
  auto& d = s.state.data();
  auto c = d.candidates.find(*candidate_id);
  if (c == d.candidates.end()) return fieldError("candidate_id", "candidate " + std::to_string(*candidate_id) + " does not exist");
  if (application_id) {
    auto a = d.applications.find(*application_id);
    if (a == d.applications.end() || a->second.candidate_id != *candidate_id) {
      return fieldError("application_id", "`" + std::to_string(*application_id) + "` is not an application of candidate " +
                                              std::to_string(*candidate_id));
    }
  }
  auto u = d.users.find(*user_id);
  if (u == d.users.end() || u->second.deactivated) {
    return fieldError("user_id", "user " + std::to_string(*user_id) + " is not an active user");
  }
  Note n;
  n.id = d.next_id++;
  n.candidate_id = *candidate_id;
  n.application_id = application_id;
  n.user_id = *user_id;
  n.body = *text;
  n.visibility = *visibility;
  n.type = type;
  n.created_at_ms = n.updated_at_ms = nowMs();
  c->second.last_activity_at_ms = n.created_at_ms;
  d.notes.emplace(n.id, n);
  return jsonResponse(201, renderNote(n));
}

Response listNotes(Impl& s, Request& r) {
  static const ListSpec spec{"notes", {"candidate_ids", "application_ids", "type", "visibility"}};
  GH_TRY(q, parseListQuery(r, spec));
  GH_TRY(candidate_ids, q.idSet("candidate_ids"));
  GH_TRY(application_ids, q.idSet("application_ids"));
  const auto type = q.get("type");
  const auto visibility = q.get("visibility");
  if (visibility && *visibility != "admin_only_visible" && *visibility != "privately_visible" &&
      *visibility != "publicly_visible") {
    return fieldError("visibility", "`" + *visibility +
                                        "` is not one of admin_only_visible, privately_visible, publicly_visible");
  }
  auto lock = s.state.lock();
  return listPage(
      q, s.state.data().notes,
      [&](const Note& n) {
        return (!candidate_ids || candidate_ids->count(n.candidate_id)) &&
               (!application_ids || (n.application_id && application_ids->count(*n.application_id))) &&
               (!type || n.type == *type) && (!visibility || readVisibility(n.visibility) == *visibility);
      },
      renderNote, s.rootUrl());
}

Response createAttachment(Impl& s, Request& r) {
  GH_TRY(body, jsonBody(r));
  if (auto e = onlyFields(body, {"application_id", "filename", "type", "content", "url", "visibility"})) return *e;
  GH_TRY(application_id, optionalId(body, "application_id"));
  GH_TRY(filename, optionalText(body, "filename"));
  GH_TRY(type, optionalText(body, "type"));
  GH_TRY(content, optionalText(body, "content"));
  GH_TRY(url, optionalText(body, "url"));
  GH_TRY(visibility, optionalText(body, "visibility"));
  if (!application_id) return fieldError("application_id", "is required");
  if (!filename || filename->empty()) return fieldError("filename", "is required");
  const auto dot = filename->rfind('.');
  std::string ext = dot == std::string::npos ? "" : filename->substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (oneOf(kBlockedExtensions, ext)) {
    return fieldError("filename", "`" + *filename + "` has a blocked extension ." + ext);
  }
  if (!type) return fieldError("type", "is required: one of " + joined(kAttachmentTypes));
  if (!oneOf(kAttachmentTypes, *type)) return fieldError("type", "`" + *type + "` is not one of " + joined(kAttachmentTypes));
  if (content.has_value() == url.has_value()) return unprocessable("give exactly one of content (base64) or url");
  std::string bytes;
  if (content) {
    auto decoded = decodeBase64Strict(*content);
    if (!decoded) return fieldError("content", "is not valid base64");
    bytes = std::move(*decoded);
  } else if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
    return fieldError("url", "`" + *url + "` is not an http(s) URL Greenhouse could fetch");
  }
  if (visibility && *visibility != "public" && *visibility != "admin_only" && *visibility != "private") {
    return fieldError("visibility", "`" + *visibility + "` is not one of public, admin_only, private");
  }
  auto lock = s.state.lock();
  auto& d = s.state.data();
  auto app = d.applications.find(*application_id);
  if (app == d.applications.end()) {
    return fieldError("application_id", "application " + std::to_string(*application_id) + " does not exist");
  }
  const std::int64_t now = nowMs();
  if (*type == "resume" || *type == "cover_letter") {
    for (auto& [id, a] : d.attachments) {
      if (a.application_id == *application_id && a.type == *type) {
        a.type = "other";
        a.updated_at_ms = now;
      }
    }
  }
  Attachment a;
  a.id = d.next_id++;
  a.application_id = *application_id;
  a.filename = *filename;
  a.type = *type;
  a.visibility = visibility;
  a.content = std::move(bytes);
  a.source_url = url;
  a.uploaded_by = actingUser(r);
  a.created_at_ms = a.updated_at_ms = now;
  app->second.last_activity_at_ms = now;
  const Attachment& stored = d.attachments.emplace(a.id, std::move(a)).first->second;
  return jsonResponse(201, renderAttachment(stored, s.rootUrl()));
}

Response listAttachments(Impl& s, Request& r) {
  static const ListSpec spec{"attachments", {"application_ids", "type"}};
  GH_TRY(q, parseListQuery(r, spec));
  GH_TRY(application_ids, q.idSet("application_ids"));
  const auto type = q.get("type");
  auto lock = s.state.lock();
  const std::string root = s.rootUrl();
  return listPage(
      q, s.state.data().attachments,
      [&](const Attachment& a) {
        return (!application_ids || application_ids->count(a.application_id)) && (!type || a.type == *type);
      },
      [&](const Attachment& a) { return renderAttachment(a, root); }, root);
}

}  // namespace

void registerNoteAndAttachmentRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("GET", "/v3/notes", [self](Request& r) { return listNotes(*self, r); }, "harvest:notes:list");
  s.api.add("POST", "/v3/notes", [self](Request& r) { return createNote(*self, r); }, "harvest:notes:create");
  s.api.add("GET", "/v3/attachments", [self](Request& r) { return listAttachments(*self, r); },
            "harvest:attachments:list");
  s.api.add("POST", "/v3/attachments", [self](Request& r) { return createAttachment(*self, r); },
            "harvest:attachments:create");
}

}  // namespace atsync::sandbox::greenhouse::detail
