// SPDX-License-Identifier: Apache-2.0
// Notes and files (attachments) of one opportunity.
#include <algorithm>
#include <charconv>
#include <climits>

#include "atsync/sandbox/multipart.hpp"
#include "impl.hpp"
#include "pagination.hpp"
#include "render.hpp"

namespace atsync::sandbox::lever::detail {

namespace json = boost::json;

namespace {

json::object noteWithId(const Note& n) {
  json::object o = renderNote(n);
  o["noteId"] = n.id;
  return o;
}

// Parses value/secret/score/createdAt of a note body; fills `field` and `secret`.
std::optional<Response> readNoteBody(const json::object& body, NoteField& field, bool& secret) {
  const auto* value = body.if_contains("value");
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return badRequest("Missing or invalid 'value': the note text is required");
  }
  field.value = std::string(value->as_string());
  if (const auto* v = body.if_contains("secret"); v != nullptr && !v->is_null()) {
    if (v->is_bool()) {
      secret = v->as_bool();
    } else if (v->is_string() && (v->as_string() == "true" || v->as_string() == "false")) {
      secret = v->as_string() == "true";
    } else {
      return badRequest("Invalid 'secret': expected a boolean");
    }
  }
  if (const auto* v = body.if_contains("score"); v != nullptr && !v->is_null()) {
    auto score = jsonInt(body, "score");
    if (!score || *score < 1 || *score > 4) return badRequest("Invalid 'score': expected an integer from 1 to 4");
    field.score = static_cast<int>(*score);
  }
  const std::int64_t now = nowMs();
  field.created_at_ms = now;
  if (const auto* v = body.if_contains("createdAt"); v != nullptr && !v->is_null()) {
    auto at = jsonInt(body, "createdAt");
    if (!at || *at > now) return badRequest("Invalid 'createdAt': expected a past timestamp in milliseconds");
    field.created_at_ms = *at;
  }
  return std::nullopt;
}

Response createNote(Impl& s, Request& r) {
  auto lock = s.state.lock();
  LeverData& d = s.state.data();
  const Opportunity* o = d.findOpportunity(r.param("id"));
  if (o == nullptr) return notFound("opportunities", r.param("id"));
  auto user = performAs(r, d, false, "create");
  if (auto* e = std::get_if<Response>(&user)) return *e;
  auto body = bodyObject(r);
  if (auto* e = std::get_if<Response>(&body)) return *e;
  NoteField field;
  bool secret = false;
  if (auto error = readNoteBody(std::get<0>(body), field, secret)) return *error;
  field.user = std::get<0>(user);
  field.stage = o->stage;
  // note_id threads a comment onto an existing note.
  if (auto thread = r.queryValue("note_id"); thread && !thread->empty()) {
    Note* n = d.findNote(*thread);
    if (n == nullptr || n->opportunity_id != o->id || n->deleted_at_ms) return notFound("notes", *thread);
    n->fields.push_back(field);
    return jsonResponse(201, json::object{{"data", noteWithId(*n)}});
  }
  Note n;
  n.id = s.random.uuid();
  n.opportunity_id = o->id;
  n.user = field.user;
  n.secret = secret;
  n.api_created = true;
  n.created_at_ms = field.created_at_ms;
  n.fields.push_back(std::move(field));
  const Note& stored = d.addNote(std::move(n));
  return jsonResponse(201, json::object{{"data", noteWithId(stored)}});
}

// Finds a live note of the opportunity named in the route; nullptr sets `error`.
Note* liveNote(LeverData& d, const Request& r, Response& error) {
  if (d.findOpportunity(r.param("id")) == nullptr) {
    error = notFound("opportunities", r.param("id"));
    return nullptr;
  }
  Note* n = d.findNote(r.param("note"));
  if (n == nullptr || n->opportunity_id != r.param("id") || n->deleted_at_ms) {
    error = notFound("notes", r.param("note"));
    return nullptr;
  }
  return n;
}

Response uploadFile(Impl& s, Request& r) {
  auto lock = s.state.lock();
  LeverData& d = s.state.data();
  const Opportunity* o = d.findOpportunity(r.param("id"));
  if (o == nullptr) return notFound("opportunities", r.param("id"));
  auto user = performAs(r, d, true, "upload");
  if (auto* e = std::get_if<Response>(&user)) return *e;
  const std::string type = r.header("Content-Type").value_or("");
  if (!isMultipart(type)) return badRequest("Files must be uploaded as multipart/form-data with a 'file' field");
  auto parts = parseMultipart(type, r.body);
  if (!parts) return badRequest("Malformed multipart/form-data body");
  auto it = std::find_if(parts->begin(), parts->end(), [](const MultipartPart& p) { return p.name == "file"; });
  if (it == parts->end()) return badRequest("Missing 'file' field in multipart/form-data body");
  // Lever documents a 30MB limit but not the answer; the sandbox uses 413 with Lever's error shape.
  if (it->data.size() > s.options.max_file_bytes) {
    return jsonError(413, "RequestEntityTooLarge",
                     "File is too large (" + std::to_string(it->data.size()) + " bytes). The file size is limited to 30MB.");
  }
  File f;
  f.id = s.random.uuid();
  f.opportunity_id = o->id;
  f.name = it->filename.empty() ? "file" : it->filename;
  const auto dot = f.name.rfind('.');
  f.ext = dot == std::string::npos ? "" : f.name.substr(dot);
  f.content_type = it->content_type.empty() ? "application/octet-stream" : it->content_type;
  f.data = std::move(it->data);
  f.user = std::get<0>(user);
  f.created_at_ms = nowMs();
  const File& stored = d.addFile(std::move(f));
  return jsonResponse(201, json::object{{"data", renderFile(stored, s.apiBase())}});
}

// nullopt for a malformed value; an empty optional inside when absent.
std::optional<std::optional<std::int64_t>> parseMs(const Request& r, const char* name) {
  auto v = r.queryValue(name);
  if (!v) return std::optional<std::int64_t>();
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || ptr != v->data() + v->size()) return std::nullopt;
  return std::optional<std::int64_t>(n);
}

File* liveFile(LeverData& d, const Request& r, Response& error) {
  if (d.findOpportunity(r.param("id")) == nullptr) {
    error = notFound("opportunities", r.param("id"));
    return nullptr;
  }
  File* f = d.findFile(r.param("file"));
  if (f == nullptr || f->opportunity_id != r.param("id") || f->deleted_at_ms) {
    error = notFound("files", r.param("file"));
    return nullptr;
  }
  return f;
}

}  // namespace

void registerNoteAndFileRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add(
      "GET", "/v1/opportunities/{id}/notes",
      [self](Request& r) {
        auto lock = self->state.lock();
        const auto& d = self->state.data();
        if (d.findOpportunity(r.param("id")) == nullptr) return notFound("opportunities", r.param("id"));
        const std::string id = r.param("id");
        return listPage(
            r, d.notes, [&](const Note& n) { return n.opportunity_id == id && !n.deleted_at_ms; }, renderNote);
      },
      "notes");
  s.api.add(
      "GET", "/v1/opportunities/{id}/notes/{note}",
      [self](Request& r) {
        auto lock = self->state.lock();
        Response error;
        const Note* n = liveNote(self->state.data(), r, error);
        return n ? jsonResponse(200, json::object{{"data", renderNote(*n)}}) : error;
      },
      "notes");
  s.api.add("POST", "/v1/opportunities/{id}/notes", [self](Request& r) { return createNote(*self, r); }, "notes");
  s.api.add(
      "PUT", "/v1/opportunities/{id}/notes/{note}",
      [self](Request& r) {
        auto lock = self->state.lock();
        Response error;
        Note* n = liveNote(self->state.data(), r, error);
        if (n == nullptr) return error;
        if (!n->api_created) return jsonError(403, "ForbiddenError", "Only notes created through the API can be edited");
        auto body = bodyObject(r);
        if (auto* e = std::get_if<Response>(&body)) return *e;
        const auto* values = std::get<0>(body).if_contains("values");
        if (values == nullptr || !values->is_array() || values->as_array().empty()) {
          return badRequest("Missing or invalid 'values': expected [{value, createdAt}]");
        }
        std::vector<NoteField> fields;
        bool secret = n->secret;
        if (const auto* v = std::get<0>(body).if_contains("secret"); v != nullptr && !v->is_null()) {
          if (!v->is_bool()) return badRequest("Invalid 'secret': expected a boolean");
          secret = v->as_bool();
        }
        for (const auto& v : values->as_array()) {
          if (!v.is_object()) return badRequest("Invalid 'values': expected [{value, createdAt}]");
          NoteField f;
          if (auto e = readNoteBody(v.as_object(), f, secret)) return *e;
          f.user = n->user;
          f.stage = self->state.data().findOpportunity(n->opportunity_id)->stage;
          fields.push_back(std::move(f));
        }
        n->fields = std::move(fields);
        n->secret = secret;
        return jsonResponse(200, json::object{{"data", {{"noteId", n->id}}}});
      },
      "notes");
  s.api.add(
      "DELETE", "/v1/opportunities/{id}/notes/{note}",
      [self](Request& r) {
        auto lock = self->state.lock();
        Response error;
        Note* n = liveNote(self->state.data(), r, error);
        if (n == nullptr) return error;
        if (!n->api_created) {
          return jsonError(403, "ForbiddenError", "Only notes created through the API can be deleted");
        }
        n->deleted_at_ms = nowMs();
        Response res;
        res.status = 204;
        return res;
      },
      "notes");

  s.api.add("POST", "/v1/opportunities/{id}/files", [self](Request& r) { return uploadFile(*self, r); }, "files");
  s.api.add(
      "GET", "/v1/opportunities/{id}/files",
      [self](Request& r) {
        auto lock = self->state.lock();
        const auto& d = self->state.data();
        if (d.findOpportunity(r.param("id")) == nullptr) return notFound("opportunities", r.param("id"));
        const std::string id = r.param("id");
        const auto start = parseMs(r, "uploaded_at_start");
        const auto end = parseMs(r, "uploaded_at_end");
        if (!start || !end) return badRequest("Invalid uploaded_at_start/uploaded_at_end: expected ms timestamps");
        const std::int64_t start_ms = start->value_or(0);
        const std::int64_t end_ms = end->value_or(INT64_MAX);
        const std::string base = self->apiBase();
        return listPage(
            r, d.files,
            [&](const File& f) {
              return f.opportunity_id == id && !f.deleted_at_ms && f.created_at_ms >= start_ms &&
                     f.created_at_ms <= end_ms;
            },
            [&base](const File& f) { return renderFile(f, base); });
      },
      "files");
  s.api.add(
      "GET", "/v1/opportunities/{id}/files/{file}",
      [self](Request& r) {
        auto lock = self->state.lock();
        Response error;
        const File* f = liveFile(self->state.data(), r, error);
        return f ? jsonResponse(200, json::object{{"data", renderFile(*f, self->apiBase())}}) : error;
      },
      "files");
  s.api.add(
      "GET", "/v1/opportunities/{id}/files/{file}/download",
      [self](Request& r) {
        auto lock = self->state.lock();
        Response error;
        const File* f = liveFile(self->state.data(), r, error);
        if (f == nullptr) return error;
        Response res;
        res.setHeader("Content-Type", f->content_type);
        res.setHeader("Content-Disposition", "attachment; filename=\"" + f->name + "\"");
        res.body = f->data;
        return res;
      },
      "files");
  s.api.add(
      "DELETE", "/v1/opportunities/{id}/files/{file}",
      [self](Request& r) {
        auto lock = self->state.lock();
        Response error;
        File* f = liveFile(self->state.data(), r, error);
        if (f == nullptr) return error;
        auto user = performAs(r, self->state.data(), true, "delete");
        if (auto* e = std::get_if<Response>(&user)) return *e;
        f->deleted_at_ms = nowMs();
        f->data.clear();
        Response res;
        res.status = 204;
        return res;
      },
      "files");
}

}  // namespace atsync::sandbox::lever::detail
