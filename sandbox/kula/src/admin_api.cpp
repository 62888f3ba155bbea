// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/admin_api.hpp>

#include <atsync/sandbox/json_util.hpp>
#include <atsync/sandbox/kula/json_input.hpp>
#include <atsync/sandbox/kula/kula_http.hpp>
#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/kula/model_json.hpp>
#include <atsync/sandbox/multipart.hpp>

#include <Poco/Base64Decoder.h>
#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <sstream>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

constexpr int kMaxWaitMs = 60000;

bool fromLoopback(const Request& req) {
  const std::string& a = req.client_address;
  return a.rfind("127.", 0) == 0 || a.rfind("[::1]", 0) == 0 || a.rfind("::1", 0) == 0 || a.empty();
}

/// Applies `fn` to the parsed body, or answers the body's error.
template <class Fn>
Response withBody(const Request& req, Fn&& fn) {
  auto body = parseObject(req.body);
  if (!body) return kulaError(body.error());
  return fn(body.value());
}

/// Knob bodies are small and typed by hand: a misspelt key would silently do nothing, so it is refused.
std::optional<Response> unknownKey(const json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return kulaError(422, "validation_failed", "unknown field '" + std::string(kv.key()) + "'");
    }
  }
  return std::nullopt;
}

json::value eventOrNull(const std::optional<Event>& e) {
  if (!e) return nullptr;
  return toJson(*e);
}

std::optional<std::string> decodeBase64(const std::string& text) {
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    return out;
  } catch (const std::exception&) {
    return std::nullopt;  // malformed base64 is the client's error, answered as 422
  }
}

}  // namespace

AdminApi::AdminApi(KulaSandbox& sandbox) : sandbox_(sandbox) {
  auto bind = [this](Response (AdminApi::*fn)(const Request&) const) {
    return [this, fn](Request& r) { return (this->*fn)(r); };
  };
  router_.add("GET", "/_sandbox/health", [](Request&) { return kulaJson(200, json::object{{"ok", true}}); });
  router_.add("GET", "/_sandbox/state", [this](Request&) { return kulaJson(200, stateJson()); });
  router_.add("POST", "/_sandbox/candidates", bind(&AdminApi::createCandidate));
  router_.add("POST", "/_sandbox/flows", bind(&AdminApi::createFlow));
  router_.add("POST", "/_sandbox/flows/{id}/candidates", bind(&AdminApi::addToFlow));
  router_.add("POST", "/_sandbox/referrals", bind(&AdminApi::refer));
  router_.add("POST", "/_sandbox/candidates/{id}/stage", bind(&AdminApi::changeStage));
  router_.add("POST", "/_sandbox/candidates/{id}/notes", bind(&AdminApi::addNote));
  router_.add("POST", "/_sandbox/candidates/{id}/messages", bind(&AdminApi::logMessage));
  router_.add("POST", "/_sandbox/candidates/{id}/resumes", bind(&AdminApi::uploadResume));
  router_.add("GET", "/_sandbox/faults", [this](Request&) { return kulaJson(200, faultsJson()); });
  router_.add("PUT", "/_sandbox/faults", bind(&AdminApi::putFaults));
  router_.add("GET", "/_sandbox/delivery", [this](Request&) { return kulaJson(200, deliveryJson()); });
  router_.add("PUT", "/_sandbox/delivery", bind(&AdminApi::putDelivery));
  router_.add("GET", "/_sandbox/webhook", [this](Request&) { return kulaJson(200, webhookJson()); });
  router_.add("PUT", "/_sandbox/webhook", bind(&AdminApi::putWebhook));
  router_.add("GET", "/_sandbox/rate-limit", [this](Request&) { return kulaJson(200, rateLimitJson()); });
  router_.add("PUT", "/_sandbox/rate-limit", bind(&AdminApi::putRateLimit));
  router_.add("POST", "/_sandbox/wait-deliveries", bind(&AdminApi::waitDeliveries));
  router_.add("POST", "/_sandbox/reset", bind(&AdminApi::reset));
  router_.add("POST", "/_sandbox/events/forget", bind(&AdminApi::forgetEvents));
}

Response AdminApi::handle(Request& req) const {
  if (!fromLoopback(req)) return kulaError(403, "forbidden", "the sandbox admin API answers loopback clients only");
  return router_.dispatch(req, [](const Request& r, bool path_matched) {
    if (path_matched) return kulaError(405, "method_not_allowed", r.method + " is not allowed on " + r.path);
    return kulaError(404, "not_found", "no admin route for " + r.method + " " + r.path);
  });
}

// ------------------------------------------------------------------------------------------ scenario

Response AdminApi::createCandidate(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    auto in = candidateInput(o);
    if (!in) return kulaError(in.error());
    auto c = sandbox_.store().createCandidate(in.value());
    if (!c) return kulaError(c.error());
    return kulaJson(201, json::object{{"candidate", toJson(c.value())}});
  });
}

Response AdminApi::createFlow(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    auto id = optString(o, "id");
    auto name = reqString(o, "name");
    auto posting = optString(o, "ats_posting_id");
    if (!id) return kulaError(id.error());
    if (!name) return kulaError(name.error());
    if (!posting) return kulaError(posting.error());
    auto f = sandbox_.store().createFlow(id.value(), name.value(), posting.value());
    if (!f) return kulaError(f.error());
    return kulaJson(201, json::object{{"flow", toJson(f.value())}});
  });
}

Response AdminApi::addToFlow(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    auto cand = reqString(o, "candidate_id");
    if (!cand) return kulaError(cand.error());
    auto by = optPerson(o, "added_by");
    if (!by) return kulaError(by.error());
    auto e = sandbox_.store().addToFlow(req.param("id"), cand.value(), by.value());
    if (!e) return kulaError(e.error());
    return kulaJson(201, json::object{{"event", toJson(e.value())}});
  });
}

Response AdminApi::refer(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    ReferralInput in;
    auto cand_id = optString(o, "candidate_id");
    if (!cand_id) return kulaError(cand_id.error());
    in.candidate_id = cand_id.value();
    if (const json::value* c = o.if_contains("candidate"); c != nullptr && !c->is_null()) {
      if (!c->is_object()) return kulaError(invalid("'candidate' must be an object"));
      auto ci = candidateInput(c->get_object());
      if (!ci) return kulaError(ci.error());
      in.candidate = ci.value();
    }
    auto posting = reqString(o, "ats_posting_id");
    if (!posting) return kulaError(posting.error());
    in.ats_posting_id = posting.value();
    auto referrer = optPerson(o, "referrer");
    if (!referrer) return kulaError(referrer.error());
    if (!referrer.value()) return kulaError(invalid("'referrer' {name, email} is required"));
    in.referrer = *referrer.value();
    auto note = optString(o, "note");
    if (!note) return kulaError(note.error());
    in.note = note.value();
    auto e = sandbox_.store().refer(in);
    if (!e) return kulaError(e.error());
    return kulaJson(201, json::object{{"event", toJson(e.value())}});
  });
}

Response AdminApi::changeStage(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    auto stage = reqString(o, "stage");
    if (!stage) return kulaError(stage.error());
    auto by = optPerson(o, "changed_by");
    if (!by) return kulaError(by.error());
    auto e = sandbox_.store().changeStage(req.param("id"), stage.value(), by.value());
    if (!e) return kulaError(e.error());
    auto c = sandbox_.store().candidate(req.param("id"));
    return kulaJson(200, json::object{{"candidate", c ? toJson(*c) : json::value(nullptr)},
                                      {"event", eventOrNull(e.value())}});
  });
}

Response AdminApi::addNote(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    auto body = reqString(o, "body");
    if (!body) return kulaError(body.error());
    auto is_private = optBool(o, "private");
    if (!is_private) return kulaError(is_private.error());
    auto author = optPerson(o, "author");
    if (!author) return kulaError(author.error());
    auto r = sandbox_.store().addNote(req.param("id"), body.value(), is_private.value().value_or(false),
                                      author.value());
    if (!r) return kulaError(r.error());
    return kulaJson(201, json::object{{"note", toJson(r->first)}, {"event", toJson(r->second)}});
  });
}

Response AdminApi::logMessage(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    MessageInput in;
    in.candidate_id = req.param("id");
    auto body = reqString(o, "body");
    if (!body) return kulaError(body.error());
    in.body = body.value();
    for (const char* key : {"direction", "channel"}) {
      auto v = optString(o, key);
      if (!v) return kulaError(v.error());
      if (v.value()) (std::string_view(key) == "direction" ? in.direction : in.channel) = *v.value();
    }
    auto subject = optString(o, "subject");
    if (!subject) return kulaError(subject.error());
    in.subject = subject.value();
    auto flow = optString(o, "flow_id");
    if (!flow) return kulaError(flow.error());
    in.flow_id = flow.value();
    auto r = sandbox_.store().logMessage(in);
    if (!r) return kulaError(r.error());
    return kulaJson(201, json::object{{"message", toJson(r->first)}, {"event", toJson(r->second)}});
  });
}

Response AdminApi::uploadResume(const Request& req) const {
  std::string file_name;
  std::string content_type;
  std::string bytes;
  const auto request_type = req.header("Content-Type").value_or("");
  if (auto query_name = req.queryValue("file_name")) {
    // Raw bytes in the body: the simplest form for scripts (curl --data-binary @cv.pdf).
    file_name = *query_name;
    content_type = req.queryValue("content_type").value_or(request_type);
    bytes = req.body;
  } else if (isMultipart(request_type)) {
    auto parts = parseMultipart(request_type, req.body);
    if (!parts) return kulaError(400, "invalid_request", "the multipart body is not well formed");
    auto file = std::find_if(parts->begin(), parts->end(), [](const MultipartPart& p) { return p.name == "file"; });
    if (file == parts->end()) return kulaError(422, "validation_failed", "the multipart body has no 'file' part");
    file_name = file->filename;
    content_type = file->content_type;
    bytes = std::move(file->data);
  } else {
    auto body = parseObject(req.body);
    if (!body) return kulaError(body.error());
    auto name = reqString(body.value(), "file_name");
    auto type = optString(body.value(), "content_type");
    auto b64 = reqString(body.value(), "content_base64");
    if (!name) return kulaError(name.error());
    if (!type) return kulaError(type.error());
    if (!b64) return kulaError(b64.error());
    auto decoded = decodeBase64(b64.value());
    if (!decoded) return kulaError(422, "validation_failed", "'content_base64' is not valid base64");
    file_name = name.value();
    content_type = type.value().value_or("application/octet-stream");
    bytes = std::move(*decoded);
  }
  auto r = sandbox_.store().uploadResume(req.param("id"), file_name, content_type, std::move(bytes));
  if (!r) return kulaError(r.error());
  return kulaJson(201, json::object{{"resume", toJson(r->first)}, {"event", toJson(r->second)}});
}

// ------------------------------------------------------------------------------------------ knobs

Response AdminApi::putFaults(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    if (auto bad = unknownKey(o, {"error_rate", "reset_rate", "commit_then_drop_rate", "latency_ms", "seed"})) {
      return *bad;
    }
    FaultSettings f = sandbox_.faults();
    for (const char* key : {"error_rate", "reset_rate", "commit_then_drop_rate"}) {
      auto v = optNumber(o, key);
      if (!v) return kulaError(v.error());
      if (!v.value()) continue;
      if (*v.value() < 0 || *v.value() > 1) {
        return kulaError(422, "validation_failed", std::string("'") + key + "' must be between 0 and 1");
      }
      const std::string_view k(key);
      (k == "error_rate" ? f.error_rate : k == "reset_rate" ? f.reset_rate : f.commit_then_drop_rate) = *v.value();
    }
    auto latency = optNumber(o, "latency_ms");
    if (!latency) return kulaError(latency.error());
    if (latency.value()) {
      if (*latency.value() < 0 || *latency.value() > 60000) {
        return kulaError(422, "validation_failed", "'latency_ms' must be between 0 and 60000");
      }
      f.latency_ms = static_cast<int>(*latency.value());
    }
    auto seed = optNumber(o, "seed");
    if (!seed) return kulaError(seed.error());
    if (seed.value()) {
      if (*seed.value() < 0 || *seed.value() > 9007199254740992.0) {
        return kulaError(422, "validation_failed", "'seed' must be between 0 and 2^53");
      }
      f.seed = static_cast<std::uint64_t>(*seed.value());
    }
    sandbox_.setFaults(f);
    return kulaJson(200, faultsJson());
  });
}

Response AdminApi::putDelivery(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    if (auto bad = unknownKey(o, {"duplicate", "reorder", "drop", "delay_ms", "retry_base_delay_ms",
                                  "timestamp_skew_s", "signature"})) {
      return *bad;
    }
    DeliveryKnobs k = sandbox_.deliveryKnobs();
    for (const char* key : {"duplicate", "reorder", "drop"}) {
      auto v = optBool(o, key);
      if (!v) return kulaError(v.error());
      if (!v.value()) continue;
      const std::string_view name(key);
      (name == "duplicate" ? k.duplicate : name == "reorder" ? k.reorder : k.drop) = *v.value();
    }
    for (const char* key : {"delay_ms", "retry_base_delay_ms", "timestamp_skew_s"}) {
      auto v = optNumber(o, key);
      if (!v) return kulaError(v.error());
      if (!v.value()) continue;
      const std::string_view name(key);
      if (name != "timestamp_skew_s" && (*v.value() < 0 || *v.value() > 600000)) {
        return kulaError(422, "validation_failed", std::string("'") + key + "' must be between 0 and 600000");
      }
      const int n = static_cast<int>(std::clamp(*v.value(), -1e9, 1e9));
      (name == "delay_ms" ? k.delay_ms : name == "retry_base_delay_ms" ? k.retry_base_delay_ms : k.timestamp_skew_s) = n;
    }
    auto sig = optString(o, "signature");
    if (!sig) return kulaError(sig.error());
    if (sig.value()) {
      if (*sig.value() != "valid" && *sig.value() != "invalid" && *sig.value() != "missing") {
        return kulaError(422, "validation_failed", "'signature' must be \"valid\", \"invalid\" or \"missing\"");
      }
      k.signature = *sig.value();
    }
    sandbox_.setDeliveryKnobs(k);
    return kulaJson(200, deliveryJson());
  });
}

Response AdminApi::putWebhook(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    if (auto bad = unknownKey(o, {"url", "secret"})) return *bad;
    WebhookTarget t = sandbox_.webhook();
    auto url = optString(o, "url");
    auto secret = optString(o, "secret");
    if (!url) return kulaError(url.error());
    if (!secret) return kulaError(secret.error());
    if (url.value()) t.url = *url.value();
    if (secret.value()) t.secret = *secret.value();
    if (!t.url.empty() && t.url.rfind("http://", 0) != 0) {
      return kulaError(422, "validation_failed", "'url' must start with http:// (the sandbox delivers over http)");
    }
    sandbox_.setWebhook(t.url, t.secret);
    return kulaJson(200, webhookJson());
  });
}

Response AdminApi::putRateLimit(const Request& req) const {
  return withBody(req, [&](const json::object& o) {
    if (auto bad = unknownKey(o, {"requests_per_second", "burst"})) return *bad;
    auto [rate, burst] = sandbox_.rateLimit();
    auto r = optNumber(o, "requests_per_second");
    auto b = optNumber(o, "burst");
    if (!r) return kulaError(r.error());
    if (!b) return kulaError(b.error());
    if (r.value()) rate = *r.value();
    if (b.value()) burst = *b.value();
    if (rate < 0 || burst < 0) return kulaError(422, "validation_failed", "rates must not be negative");
    sandbox_.setRateLimit(rate, burst);
    return kulaJson(200, rateLimitJson());
  });
}

Response AdminApi::waitDeliveries(const Request& req) const {
  int timeout_ms = 10000;
  if (auto t = req.queryValue("timeout_ms")) {
    try {
      timeout_ms = std::clamp(std::stoi(*t), 0, kMaxWaitMs);
    } catch (const std::exception&) {
      return kulaError(400, "invalid_request", "'timeout_ms' must be an integer");
    }
  }
  const bool idle = sandbox_.waitForDeliveries(std::chrono::milliseconds(timeout_ms));
  return kulaJson(200, json::object{{"idle", idle}});
}

Response AdminApi::forgetEvents(const Request& req) const {
  auto body = parseObject(req.body);
  if (!body) return kulaError(body.error());
  if (auto bad = unknownKey(body.value(), {"keep_last"})) return *bad;
  const auto* keep = body.value().if_contains("keep_last");
  if (keep == nullptr || !keep->is_int64() || keep->as_int64() < 0) {
    return kulaError(422, "invalid_request", "'keep_last' must be a non-negative integer (events to retain)");
  }
  const auto forgotten = sandbox_.store().forgetOldEvents(static_cast<std::uint64_t>(keep->as_int64()));
  return kulaJson(200, json::object{{"forgotten", forgotten},
                                    {"forgotten_through_seq", sandbox_.store().forgottenThroughSeq()}});
}

Response AdminApi::reset(const Request& req) const {
  std::string seed = sandbox_.options().seed;
  if (!req.body.empty()) {
    auto body = parseObject(req.body);
    if (!body) return kulaError(body.error());
    if (auto bad = unknownKey(body.value(), {"seed"})) return *bad;
    auto s = optString(body.value(), "seed");
    if (!s) return kulaError(s.error());
    if (s.value()) seed = *s.value();
  }
  auto r = sandbox_.reset(seed);
  if (!r) return kulaError(r.error());
  return kulaJson(200, json::object{{"seed", seed}});
}

}  // namespace atsync::sandbox::kula
