// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/model_json.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <boost/json.hpp>

#include <cstdio>
#include <ctime>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

json::value optString(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(json::string(s));
  return a;
}

}  // namespace

std::string formatTime(TimePoint t) {
  const std::time_t secs = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<TimePoint> parseTime(const std::string& text) {
  std::tm tm{};
  char z = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &z) != 7 ||
      z != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return Clock::from_time_t(timegm(&tm));
}

std::string sha256Hex(const std::string& bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

json::value toJson(const Person& p) { return json::object{{"name", p.name}, {"email", p.email}}; }

json::value toJson(const Stage& s) { return json::object{{"id", s.id}, {"name", s.name}, {"order", s.order}}; }

json::value toJson(const Flow& f) {
  return json::object{{"id", f.id}, {"name", f.name}, {"ats_posting_id", optString(f.ats_posting_id)},
                      {"created_at", formatTime(f.created_at)}};
}

json::value toJson(const Candidate& c) {
  json::array phones;
  for (const auto& p : c.phones) phones.emplace_back(json::object{{"type", p.type}, {"value", p.value}});
  json::value ats = nullptr;
  if (c.ats) ats = json::object{{"opportunity_id", c.ats->opportunity_id}, {"contact_id", optString(c.ats->contact_id)}};
  return json::object{{"id", c.id},
                      {"name", c.name},
                      {"emails", strings(c.emails)},
                      {"phones", std::move(phones)},
                      {"links", strings(c.links)},
                      {"headline", c.headline},
                      {"location", c.location},
                      {"stage", c.stage},
                      {"ats", std::move(ats)},
                      {"created_at", formatTime(c.created_at)},
                      {"updated_at", formatTime(c.updated_at)}};
}

json::value toJson(const Note& n) {
  return json::object{{"id", n.id},         {"candidate_id", n.candidate_id}, {"body", n.body},
                      {"author", toJson(n.author)}, {"private", n.is_private}, {"created_at", formatTime(n.created_at)}};
}

json::value toJson(const Message& m) {
  return json::object{{"id", m.id},
                      {"candidate_id", m.candidate_id},
                      {"flow_id", optString(m.flow_id)},
                      {"direction", m.direction},
                      {"channel", m.channel},
                      {"subject", optString(m.subject)},
                      {"body", m.body},
                      {"sent_at", formatTime(m.sent_at)}};
}

json::value toJson(const Resume& r) {
  return json::object{{"id", r.id},
                      {"candidate_id", r.candidate_id},
                      {"file_name", r.file_name},
                      {"content_type", r.content_type},
                      {"size", r.size_bytes},
                      {"sha256", r.sha256},
                      {"created_at", formatTime(r.created_at)}};
}

json::value toJson(const Event& e) {
  return json::object{{"id", e.id}, {"type", e.type}, {"occurred_at", formatTime(e.occurred_at)}, {"data", e.data}};
}

}  // namespace atsync::sandbox::kula
