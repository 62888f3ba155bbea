// SPDX-License-Identifier: Apache-2.0
#include "list_query.hpp"

#include <charconv>
#include <cstring>

#include "iso_time.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxPerPage = 500;
constexpr std::size_t kMaxIds = 50;
const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64Url(const std::string& in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buf >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buf << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<std::string> unBase64Url(const std::string& in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(kAlphabet, c);
    if (c == '\0' || p == nullptr) return std::nullopt;
    buf = (buf << 6) | static_cast<std::uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

std::optional<std::int64_t> parseInt(const std::string& s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Response invalidCursor(const std::string& why) {
  return fieldError("cursor", "is invalid: " + why + " (pass the cursor from the Link header unchanged)");
}

// Validates the filters of `q.params` against the spec and fills the universal ones.
std::optional<Response> applyParams(ListQuery& q, const ListSpec& spec) {
  for (const auto& [name, value] : q.params) {
    bool known = name == "ids" || name == "created_at" || name == "updated_at" || name == "fields";
    for (const auto& f : spec.filters) known = known || name == f;
    if (!known) {
      std::string list = "per_page, cursor, ids, created_at, updated_at, fields";
      for (const auto& f : spec.filters) list += ", " + f;
      return fieldError(name, "is not a permitted query parameter for /v3/" + spec.resource + " (expected one of: " +
                                  list + ")");
    }
  }
  if (q.params.count("created_at") && q.params.count("updated_at")) {
    return unprocessable("Filter on created_at or updated_at, not both in one request");
  }
  auto ids = q.idSet("ids");
  if (auto* e = std::get_if<Response>(&ids)) return *e;
  q.ids = std::get<0>(ids);
  auto created = q.timeRange("created_at");
  if (auto* e = std::get_if<Response>(&created)) return *e;
  q.created_at = std::get<0>(created);
  auto updated = q.timeRange("updated_at");
  if (auto* e = std::get_if<Response>(&updated)) return *e;
  q.updated_at = std::get<0>(updated);
  if (auto f = q.get("fields")) {
    std::size_t start = 0;
    while (start <= f->size()) {
      const auto comma = f->find(',', start);
      const std::string item = f->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!item.empty()) q.fields.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (q.fields.size() > kMaxIds) {
      return fieldError("fields", "lists " + std::to_string(q.fields.size()) + " fields; at most 50 are allowed");
    }
  }
  return std::nullopt;
}

}  // namespace

bool TimeRange::contains(std::int64_t ms) const {
  return (!gte || ms >= *gte) && (!gt || ms > *gt) && (!lte || ms <= *lte) && (!lt || ms < *lt);
}

std::optional<std::string> ListQuery::get(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

bool ListQuery::passes(Id id, std::int64_t created_at_ms, std::int64_t updated_at_ms) const {
  if (ids && !ids->count(id)) return false;
  if (created_at && !created_at->contains(created_at_ms)) return false;
  if (updated_at && !updated_at->contains(updated_at_ms)) return false;
  return true;
}

std::variant<std::optional<std::set<Id>>, Response> ListQuery::idSet(const std::string& name) const {
  auto value = get(name);
  if (!value) return std::optional<std::set<Id>>();
  std::set<Id> out;
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const auto comma = value->find(',', start);
    const std::string item = value->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto id = parseInt(item);
    if (!id || *id <= 0) {
      return fieldError(name, "`" + *value + "` must be comma-separated integer ids, got '" + item + "'");
    }
    out.insert(*id);
    ++count;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (count > kMaxIds) {
    return fieldError(name, "lists " + std::to_string(count) + " ids; at most 50 are allowed");
  }
  return std::optional<std::set<Id>>(std::move(out));
}

std::variant<std::optional<bool>, Response> ListQuery::flag(const std::string& name) const {
  auto value = get(name);
  if (!value) return std::optional<bool>();
  if (*value == "true") return std::optional<bool>(true);
  if (*value == "false") return std::optional<bool>(false);
  return fieldError(name, "`" + *value + "` must be true or false");
}

std::variant<std::optional<TimeRange>, Response> ListQuery::timeRange(const std::string& name) const {
  auto value = get(name);
  if (!value) return std::optional<TimeRange>();
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto bar = value->find('|', start);
    parts.push_back(value->substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  auto bad = [&](const std::string& why) {
    return fieldError(name, "`" + *value + "` " + why +
                                " (expected <op>|<ISO 8601 time>[|<op>|<ISO 8601 time>], op one of gte, gt, lte, lt)");
  };
  if (parts.size() != 2 && parts.size() != 4) return bad("has no operator");
  TimeRange r;
  for (std::size_t i = 0; i < parts.size(); i += 2) {
    auto at = parseIso(parts[i + 1]);
    if (!at) return bad("has an unreadable time '" + parts[i + 1] + "'");
    const std::string& op = parts[i];
    if (op == "gte") {
      r.gte = at;
    } else if (op == "gt") {
      r.gt = at;
    } else if (op == "lte") {
      r.lte = at;
    } else if (op == "lt") {
      r.lt = at;
    } else {
      return bad("has an unknown operator '" + op + "'");
    }
  }
  return std::optional<TimeRange>(r);
}

std::variant<ListQuery, Response> parseListQuery(const Request& request, const ListSpec& spec) {
  ListQuery q;
  q.resource = spec.resource;
  if (request.hasQuery("cursor")) {
    if (request.query.size() > 1) {
      return ghError(422, "Validation error",
                     json::array{json::value("When passing a cursor, do not include other query params.")});
    }
    const std::string cursor = request.queryValue("cursor").value_or("");
    auto text = unBase64Url(cursor);
    auto doc = text ? parseJson(*text) : std::nullopt;
    if (!doc || !doc->is_object()) return invalidCursor("not a cursor this API issued");
    const auto& o = doc->as_object();
    const auto* r = o.if_contains("r");
    const auto* n = o.if_contains("n");
    const auto* b = o.if_contains("b");
    const auto* p = o.if_contains("p");
    if (r == nullptr || !r->is_string() || n == nullptr || !n->is_int64() || b == nullptr || !b->is_int64() ||
        p == nullptr || !p->is_object()) {
      return invalidCursor("not a cursor this API issued");
    }
    if (r->as_string() != spec.resource) {
      return invalidCursor("it belongs to /v3/" + std::string(r->as_string()) + ", not /v3/" + spec.resource);
    }
    q.per_page = static_cast<std::size_t>(n->as_int64());
    q.before_id = b->as_int64();
    for (const auto& [k, v] : p->as_object()) {
      if (v.is_string()) q.params[std::string(k)] = std::string(v.as_string());
    }
  } else {
    for (const auto& param : request.query) {
      if (param.name == "per_page") continue;
      if (q.params.count(param.name)) {
        return fieldError(param.name, "is given twice; pass it once (ids as a comma-separated list)");
      }
      q.params[param.name] = param.value;
    }
    if (auto per_page = request.queryValue("per_page")) {
      auto n = parseInt(*per_page);
      if (!n) return fieldError("per_page", "`" + *per_page + "` is not a number");
      if (*n > static_cast<std::int64_t>(kMaxPerPage)) {
        return fieldError("per_page", "`" + *per_page + "` number is greater than: 500");
      }
      if (*n < 1) return fieldError("per_page", "`" + *per_page + "` number is less than: 1");
      q.per_page = static_cast<std::size_t>(*n);
    }
  }
  if (auto error = applyParams(q, spec)) return *error;
  return q;
}

std::string encodeCursor(const ListQuery& query, Id last_id) {
  json::object params;
  for (const auto& [k, v] : query.params) params[k] = v;
  json::object o{{"r", query.resource},
                 {"n", static_cast<std::int64_t>(query.per_page)},
                 {"b", last_id},
                 {"p", std::move(params)}};
  return base64Url(json::serialize(o));
}

json::object sparse(json::object record, const std::vector<std::string>& fields) {
  if (fields.empty()) return record;
  json::object out;
  for (const auto& f : fields) {
    if (auto* v = record.if_contains(f)) out[f] = *v;
  }
  return out;
}

}  // namespace atsync::sandbox::greenhouse::detail
