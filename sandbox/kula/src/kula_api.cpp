// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/kula_api.hpp>

#include <atsync/sandbox/kula/json_input.hpp>
#include <atsync/sandbox/kula/kula_http.hpp>
#include <atsync/sandbox/kula/model_json.hpp>

#include <boost/json.hpp>

#include <charconv>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxLimit = 200;

Response fromError(const ApiError& e) { return kulaError(e); }

Response ok(int status, const json::value& v) { return kulaJson(status, v); }

/// limit (1..200, default 50) and cursor, shared by every list.
struct PageRequest {
  std::size_t offset = 0;
  std::size_t limit = kDefaultLimit;
};

Result<std::size_t> parseLimit(const Request& req) {
  const auto text = req.queryValue("limit");
  if (!text) return kDefaultLimit;
  std::size_t n = 0;
  const char* end = text->data() + text->size();
  auto [p, ec] = std::from_chars(text->data(), end, n);
  if (ec != std::errc() || p != end || n < 1 || n > kMaxLimit) {
    return badRequest("invalid_request", "'limit' must be an integer from 1 to 200, not '" + *text + "'");
  }
  return n;
}

Result<PageRequest> parsePage(const Request& req, const std::string& kind, const char* cursor_param) {
  PageRequest page;
  auto limit = parseLimit(req);
  if (!limit) return limit.error();
  page.limit = limit.value();
  if (const auto cursor = req.queryValue(cursor_param); cursor && !cursor->empty()) {
    auto pos = decodeCursor(kind, *cursor);
    if (!pos) return badRequest("invalid_cursor", "'" + std::string(cursor_param) + "' is not a cursor of this list");
    page.offset = *pos;
  }
  return page;
}

template <class T>
Response listResponse(const Slice<T>& s, const std::string& kind) {
  json::array data;
  for (const auto& item : s.items) data.push_back(toJson(item));
  json::value next = nullptr;
  if (s.next_offset) next = json::string(encodeCursor(kind, *s.next_offset));
  return ok(200, json::object{{"data", std::move(data)}, {"next_cursor", std::move(next)}});
}

}  // namespace

namespace {

// Cursors are hex so they survive any query string untouched, and opaque enough that nobody builds them.
std::string hexEncode(const std::string& plain) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : plain) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

std::optional<std::string> hexDecode(const std::string& hex) {
  if (hex.size() % 2 != 0 || hex.size() > 256) return std::nullopt;
  std::string plain;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return std::nullopt;
    plain.push_back(static_cast<char>(v));
  }
  return plain;
}

std::optional<std::uint64_t> parseNumber(std::string_view text) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

std::string encodeCursor(const std::string& kind, std::size_t position) {
  return hexEncode(kind + ":" + std::to_string(position));
}

std::optional<std::size_t> decodeCursor(const std::string& kind, const std::string& cursor) {
  const auto plain = hexDecode(cursor);
  const std::string prefix = kind + ":";
  if (!plain || plain->rfind(prefix, 0) != 0) return std::nullopt;
  return parseNumber(std::string_view(*plain).substr(prefix.size()));
}

std::string encodeEventCursor(const std::string& epoch, std::uint64_t seq) {
  return hexEncode("events:" + epoch + ":" + std::to_string(seq));
}

std::optional<std::pair<std::string, std::uint64_t>> decodeEventCursor(const std::string& cursor) {
  const auto plain = hexDecode(cursor);
  if (!plain || plain->rfind("events:", 0) != 0) return std::nullopt;
  const std::string rest = plain->substr(7);
  const auto colon = rest.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  const auto seq = parseNumber(std::string_view(rest).substr(colon + 1));
  if (!seq) return std::nullopt;
  return std::pair{rest.substr(0, colon), *seq};
}

KulaApi::KulaApi(KulaStore& store) : store_(store) {
  router_.add("GET", "/v1/stages", [this](Request&) { return stages(); });
  router_.add("GET", "/v1/events", [this](Request& r) { return events(r); });
  router_.add("GET", "/v1/flows/{id}", [this](Request& r) { return flow(r); });
  router_.add("GET", "/v1/resumes/{id}/content", [this](Request& r) { return resumeContent(r); });
  router_.add("GET", "/v1/candidates", [this](Request& r) { return listCandidates(r); });
  router_.add("POST", "/v1/candidates", [this](Request& r) { return upsertCandidate(r); });
  router_.add("GET", "/v1/candidates/{id}", [this](Request& r) { return getCandidate(r); });
  router_.add("PUT", "/v1/candidates/{id}/stage", [this](Request& r) { return putStage(r); });
  router_.add("PUT", "/v1/candidates/{id}/ats", [this](Request& r) { return putAts(r); });
  for (const char* kind : {"notes", "messages", "resumes"}) {
    router_.add("GET", std::string("/v1/candidates/{id}/") + kind,
                [this, kind](Request& r) { return subList(r, kind); });
  }
}

Response KulaApi::handle(Request& req) const {
  return router_.dispatch(req, [](const Request& r, bool path_matched) {
    if (path_matched) return kulaError(405, "method_not_allowed", r.method + " is not allowed on " + r.path);
    return kulaError(404, "not_found", "no route for " + r.method + " " + r.path);
  });
}

Response KulaApi::stages() const {
  json::array data;
  for (const auto& s : store_.stages()) data.push_back(toJson(s));
  return ok(200, json::object{{"data", std::move(data)}, {"next_cursor", nullptr}});
}

Response KulaApi::flow(const Request& req) const {
  const std::string& id = req.param("id");
  auto f = store_.flow(id);
  if (!f) return kulaError(404, "not_found", "flow '" + id + "' not found");
  return ok(200, toJson(*f));
}

Response KulaApi::listCandidates(const Request& req) const {
  auto page = parsePage(req, "candidates", "cursor");
  if (!page) return fromError(page.error());
  std::optional<std::string> email;
  if (const auto e = req.queryValue("email")) {
    if (e->empty()) return kulaError(400, "invalid_request", "'email' must not be empty");
    email = *e;
  }
  return listResponse(store_.candidates(email, page->offset, page->limit), "candidates");
}

Response KulaApi::upsertCandidate(const Request& req) const {
  auto body = parseObject(req.body);
  if (!body) return fromError(body.error());
  auto in = candidateInput(body.value());
  if (!in) return fromError(in.error());
  auto result = store_.upsertCandidate(in.value());
  if (!result) return fromError(result.error());
  return ok(result->second ? 201 : 200, toJson(result->first));
}

Response KulaApi::getCandidate(const Request& req) const {
  const std::string& id = req.param("id");
  auto c = store_.candidate(id);
  if (!c) return kulaError(404, "not_found", "candidate '" + id + "' not found");
  return ok(200, toJson(*c));
}

Response KulaApi::putStage(const Request& req) const {
  const std::string& id = req.param("id");
  auto body = parseObject(req.body);
  if (!body) return fromError(body.error());
  auto stage = reqString(body.value(), "stage");
  if (!stage) return fromError(stage.error());
  auto source = optString(body.value(), "source");
  if (!source) return fromError(source.error());
  // The API is the integration's door: only "ats" may be claimed here; "kula" changes come from recruiters.
  if (source.value() && *source.value() != "ats") {
    return kulaError(422, "validation_failed", "'source' must be \"ats\", not \"" + *source.value() + "\"");
  }
  auto c = store_.setStageFromAts(id, stage.value());
  if (!c) return fromError(c.error());
  return ok(200, toJson(c.value()));
}

Response KulaApi::putAts(const Request& req) const {
  const std::string& id = req.param("id");
  auto body = parseObject(req.body);
  if (!body) return fromError(body.error());
  auto opp = reqString(body.value(), "opportunity_id");
  if (!opp) return fromError(opp.error());
  auto contact = optString(body.value(), "contact_id");
  if (!contact) return fromError(contact.error());
  auto c = store_.setAtsLink(id, AtsLink{opp.value(), contact.value()});
  if (!c) return fromError(c.error());
  return ok(200, toJson(c.value()));
}

Response KulaApi::subList(const Request& req, const std::string& kind) const {
  const std::string& id = req.param("id");
  auto page = parsePage(req, kind, "cursor");
  if (!page) return fromError(page.error());
  if (kind == "notes") {
    auto s = store_.notes(id, page->offset, page->limit);
    return s ? listResponse(s.value(), kind) : fromError(s.error());
  }
  if (kind == "messages") {
    auto s = store_.messages(id, page->offset, page->limit);
    return s ? listResponse(s.value(), kind) : fromError(s.error());
  }
  auto s = store_.resumes(id, page->offset, page->limit);
  return s ? listResponse(s.value(), kind) : fromError(s.error());
}

Response KulaApi::resumeContent(const Request& req) const {
  const std::string& id = req.param("id");
  auto r = store_.resume(id);
  if (!r) return kulaError(404, "not_found", "resume '" + id + "' not found");
  Response resp;
  resp.status = 200;
  resp.setHeader("Content-Type", r->content_type);
  // The stored name is client input: keep quotes and control characters out of the header.
  std::string safe_name;
  for (unsigned char ch : r->file_name) safe_name.push_back(ch < 0x20 || ch == '"' || ch == '\\' ? '_' : static_cast<char>(ch));
  resp.setHeader("Content-Disposition", "attachment; filename=\"" + safe_name + "\"");
  resp.body = std::move(r->content);
  return resp;
}

Response KulaApi::events(const Request& req) const {
  auto limit = parseLimit(req);
  if (!limit) return fromError(limit.error());
  // `after` is the contract's name; `cursor` is accepted too so generic list walkers work.
  const char* param = req.hasQuery("after") ? "after" : "cursor";
  const std::string epoch = store_.eventEpoch();
  std::uint64_t after = 0;
  if (const auto cursor = req.queryValue(param); cursor && !cursor->empty()) {
    auto pos = decodeEventCursor(*cursor);
    if (!pos) return kulaError(400, "invalid_cursor", "'" + std::string(param) + "' is not an event-log cursor");
    // A cursor of a log this sandbox no longer has (restarted or reseeded) reads the new log from its start,
    // rather than waiting for the new log to grow past a position it never had.
    if (pos->first == epoch) after = pos->second;
    // Past retention: the events after this position are partly gone, and serving the rest would hide the gap.
    if (after < store_.forgottenThroughSeq()) {
      return kulaError(410, "cursor_expired",
                       "the event log no longer reaches back to this cursor: events up to position " +
                           std::to_string(store_.forgottenThroughSeq()) + " are past retention");
    }
  }
  const auto evs = store_.events(after, limit.value());
  json::array data;
  for (const auto& e : evs) data.push_back(toJson(e));
  // The position after the last event returned, so a poller can keep it and ask again later; null only
  // when nothing was returned (the caller keeps the cursor it has).
  json::value next = nullptr;
  if (!evs.empty()) next = json::string(encodeEventCursor(epoch, evs.back().seq));
  return ok(200, json::object{{"data", std::move(data)}, {"next_cursor", std::move(next)}});
}

}  // namespace atsync::sandbox::kula
