// SPDX-License-Identifier: Apache-2.0
// harvest-mini: a teaching ATS connector for Greenhouse's Harvest v3 API, walked through in docs/plugin-authoring.md.
// One file, in the order the guide reads it: the description (config schema, auth, rate limit, stages), the wire
// (requests through the host, errors, cursor pages), then one method per operation. plugins/greenhouse is the full
// connector; this one leaves out notes, files, polling and import (see README.md).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/events.hpp>
#include <atsync/sdk/json_reader.hpp>
#include <atsync/sdk/model.hpp>
#include <atsync/sdk/plugin_export.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
namespace sdk = atsync::sdk;

// ---- 1. What the plugin says about itself ----

// The `config:` section an operator writes. `atsync check` validates it with file:line:col messages; the secrets are
// marked so the host never prints them, and the host removes client_secret before the constructor sees the config.
constexpr const char* kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "auth", "webhook_secret"],
  "properties": {
    "base_url": {"type": "string", "format": "uri", "description": "e.g. https://harvest.greenhouse.io/v3"},
    "auth": {
      "type": "object",
      "additionalProperties": false,
      "required": ["client_id", "client_secret", "token_url", "user_id"],
      "properties": {
        "client_id": {"type": "string", "minLength": 1},
        "client_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "token_url": {"type": "string", "format": "uri", "description": "e.g. https://auth.greenhouse.io/token"},
        "user_id": {"type": ["string", "integer"], "description": "the Greenhouse user atsync acts as (a Site Admin)"}
      }
    },
    "webhook_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true,
                       "description": "the Secret key of the web hook configured in Greenhouse"}
  }
})json";

// Candidates this plugin creates carry this tag, and one naming the command key (see markerOf).
constexpr std::string_view kTag = "harvest-mini";

std::string hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return hex(digest, size);
}

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &size);
  return hex(mac, size);
}

// The tag that lets opportunity.find recognise what an earlier opportunity.create with the same key wrote.
std::string markerOf(std::string_view key) { return std::string(kTag) + ":" + sha256Hex(key).substr(0, 16); }

// A Greenhouse id (an integer in JSON) as the string atsync's documents use; "" when absent.
std::string idOf(const json::object& record, std::string_view key) {
  const json::value* v = record.if_contains(key);
  if (v != nullptr && v->is_int64()) return std::to_string(v->get_int64());
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return {};
}

// A text field of a vendor record; "" when absent or null. (Fields the plugin cannot do without are read with
// sdk::ObjectReader, whose errors name the field.)
std::string text(const json::object& record, std::string_view key) {
  const json::value* v = record.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// An operation's input, read with sdk::ObjectReader: a missing or mistyped field is the caller's error, invalid_input,
// with the message naming the field ("key: expected a non-empty string, found nothing (field missing)").
template <class Read>
auto fromInput(const sdk::Input& input, Read&& read) {
  try {
    return read(sdk::ObjectReader(input.document, ""));
  } catch (const sdk::ShapeError& e) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, e.what());
  }
}

class HarvestMini : public sdk::Connector {
 public:
  HarvestMini(sdk::Host host, const json::object& config) : Connector(host) {
    try {
      const json::value doc(config);
      const sdk::ObjectReader reader(doc, "");
      base_url_ = reader.requireString("base_url");
      webhook_secret_ = reader.requireString("webhook_secret");
    } catch (const sdk::ShapeError& e) {
      throw sdk::OperationError(sdk::errc::kInvalidConfig, std::string("harvest-mini config: ") + e.what());
    }
    while (base_url_.ends_with('/')) base_url_.pop_back();
  }

  static sdk::Description describe() {
    sdk::Description d;
    d.name = "harvest-mini";
    d.version = "0.1.0";
    d.role = sdk::Role::kAts;
    d.display_name = "Harvest mini (Greenhouse)";
    d.config_schema = json::parse(kConfigSchema);
    // Client credentials (RFC 6749 §4.4): the host mints a bearer token for the acting user (`sub`) with the client id
    // and secret, injects it into every request with `authenticate` set, and mints again when it expires.
    d.auth = sdk::AuthDescription{"",
                                  {sdk::AuthMethod{.mode = "client_credentials",
                                                   .type = std::string(sdk::auth_type::kOAuth2ClientCredentials),
                                                   .secret_pointer = {},
                                                   .client_id_pointer = "/auth/client_id",
                                                   .client_secret_pointer = "/auth/client_secret",
                                                   .token_url_pointer = "/auth/token_url",
                                                   .subject_pointer = "/auth/user_id",
                                                   .subject_param = "sub"}}};
    // Greenhouse counts 150 requests per 30 s window; 4 a second with a burst of 20 stays under it. The headers let the
    // host stop early when other clients of the same tenant have spent the window.
    d.rate_limit = sdk::RateLimitPolicy{
        4, 20, "credential", sdk::RateLimitHeaders{"X-RateLimit-Remaining", "X-RateLimit-Reset", "epoch_seconds"}};
    d.webhook = sdk::WebhookDescription{"Signature: sha256 hex(hmac-sha256(webhook_secret, raw body))",
                                        {"candidate_stage_change", "new_candidate_application"}};
    // Stages belong to jobs in Greenhouse (stages.list sets job_id), so these carry names, not ids: the host pairs
    // them with the platform's stages by their canonical meaning, and maps by name.
    d.default_stages = {{"", "Application Review", "interested", {}},
                        {"", "Phone Interview", "screening", {}},
                        {"", "Onsite Interview", "interviewing", {}},
                        {"", "Offer", "offer", {}}};
    return d;
  }

  static std::span<const sdk::Operation<HarvestMini>> operations() {
    static constexpr sdk::Operation<HarvestMini> kOps[] = {
        {sdk::op::kStagesList, &HarvestMini::stagesList},
        {sdk::op::kPostingsList, &HarvestMini::postingsList},
        {sdk::op::kOpportunityCreate, &HarvestMini::opportunityCreate},
        {sdk::op::kOpportunityFind, &HarvestMini::opportunityFind},
        {sdk::op::kOpportunityGet, &HarvestMini::opportunityGet},
        {sdk::op::kOpportunitySetStage, &HarvestMini::opportunitySetStage},
        {sdk::op::kWebhookParse, &HarvestMini::webhookParse},
    };
    return kOps;
  }

 private:
  // ---- 2. The wire: the host runs every request ----

  sdk::HttpRequest request(std::string method, std::string_view path, std::vector<sdk::QueryParam> query = {}) const {
    sdk::HttpRequest r;
    r.endpoint = method + " " + std::string(path);  // a label for metrics and error messages
    r.idempotent = method == "GET";
    r.method = std::move(method);
    r.url = base_url_ + std::string(path);
    r.query = std::move(query);
    return r;  // authenticate defaults to true: the host adds the bearer token
  }

  // Sends the request; a non-2xx answer becomes the error the dispatcher acts on. An error of host().http itself (no
  // answer; the connection's rate limit had no room) already carries retryable/outcome_unknown: it propagates.
  sdk::HttpResponse send(const sdk::HttpRequest& r) const {
    sdk::HttpResponse response = host().http(r);
    if (response.status >= 200 && response.status < 300) return response;
    sdk::Error e;
    e.http_status = response.status;
    e.message =
        r.endpoint + ": Greenhouse answered " + std::to_string(response.status) + " " + response.body.substr(0, 200);
    if (response.status == 401 || response.status == 403) {
      e.code = sdk::errc::kUnauthorized;
    } else if (response.status == 404) {
      e.code = sdk::errc::kNotFound;
    } else if (response.status == 429 || response.status >= 500) {
      e.code = response.status == 429 ? sdk::errc::kRateLimited : sdk::errc::kVendorError;
      e.retryable = true;
      e.retry_after_ms = response.retry_after_ms;  // the vendor's Retry-After: the dispatcher waits at least this long
      e.outcome_unknown = response.status >= 500 && !r.idempotent;  // a failed write may still have been applied
    } else {
      e.code = sdk::errc::kVendorError;  // 400, 422: the request was wrong; retrying will not help
    }
    throw sdk::OperationError(std::move(e));
  }

  json::value parse(const sdk::HttpResponse& response, const sdk::HttpRequest& r) const {
    boost::system::error_code ec;
    json::value v = json::parse(response.body, ec);
    if (ec) throw sdk::OperationError(sdk::errc::kBadResponse, r.endpoint + ": the answer is not JSON");
    return v;
  }

  // Every record of a list, all pages. Harvest v3 answers a bare array and puts the next page in the Link header:
  // `<https://...?cursor=XYZ>; rel="next"`. The cursor must be the only parameter of the next request.
  void forEach(sdk::HttpRequest r, const std::function<void(const json::object&)>& visit) const {
    for (int page = 0; page < 10000; ++page) {
      const sdk::HttpResponse response = send(r);
      const json::value list = parse(response, r);
      if (!list.is_array()) throw sdk::OperationError(sdk::errc::kBadResponse, r.endpoint + ": expected a JSON array");
      for (const auto& item : list.get_array()) {
        if (item.is_object()) visit(item.get_object());
      }
      const std::string link = response.header("Link").value_or("");
      const auto start = link.find("cursor=");
      if (start == std::string::npos || link.find("rel=\"next\"") == std::string::npos) return;
      const auto end = link.find_first_of("&>", start);
      r.query = {{"cursor", link.substr(start + 7, end - start - 7)}};
      r.raw_query_keys = {"cursor"};  // already %-encoded by Greenhouse: sent as it came
    }
    throw sdk::OperationError(sdk::errc::kBadResponse, r.endpoint + ": more than 10000 pages");
  }

  json::object one(std::string_view path, const std::string& id) const {
    std::optional<json::object> found;
    forEach(request("GET", path, {{"ids", id}}), [&](const json::object& o) { found = o; });
    if (!found) throw sdk::OperationError(sdk::errc::kNotFound, std::string(path) + ": Greenhouse has no id " + id);
    return *found;
  }

  // The opportunity document (opportunity.schema.json) of a Greenhouse application and its candidate.
  static json::value opportunityOf(const json::object& application, const json::object& candidate) {
    sdk::Opportunity o;
    o.id = idOf(application, "id");
    o.contact_id = idOf(application, "candidate_id");
    o.person.name = text(candidate, "first_name") + " " + text(candidate, "last_name");
    if (const auto* emails = candidate.if_contains("email_addresses"); emails && emails->is_array()) {
      for (const auto& e : emails->get_array()) {
        if (e.is_object()) o.person.emails.push_back(text(e.get_object(), "value"));
      }
    }
    o.stage_id = idOf(application, "job_interview_stage_id");
    o.stage_name = text(application, "stage_name");
    o.posting_id = idOf(application, "job_post_id");
    o.origin = "sourced";
    if (const auto* tags = candidate.if_contains("tags"); tags && tags->is_array()) {
      for (const auto& t : tags->get_array()) {
        if (t.is_string()) o.tags.emplace_back(t.get_string());
      }
    }
    o.archived = text(application, "status") != "in_process";
    return json::value_from(o);
  }

  // ---- 3. The operations ----

  // Stages, with the job each belongs to: the host then maps this side by stage name.
  sdk::Output stagesList(const sdk::Input&) {
    json::array stages;
    forEach(request("GET", "/job_interview_stages", {{"active", "true"}, {"per_page", "500"}}),
            [&](const json::object& s) {
              sdk::Stage stage;
              stage.id = idOf(s, "id");
              stage.name = text(s, "name");
              const json::value* order = s.if_contains("sort_order");
              stage.order = order != nullptr && order->is_int64() ? static_cast<int>(order->get_int64()) : 0;
              stage.job_id = idOf(s, "job_id");
              stages.push_back(json::value_from(stage));
            });
    return json::object{{"stages", std::move(stages)}};
  }

  // Published job posts, all pages. A posting id is a job post id.
  sdk::Output postingsList(const sdk::Input&) {
    json::array postings;
    forEach(request("GET", "/job_posts", {{"live", "true"}, {"per_page", "100"}}), [&](const json::object& p) {
      const json::value* internal = p.if_contains("internal");
      sdk::Posting posting;
      posting.id = idOf(p, "id");
      posting.title = text(p, "title");
      posting.state = "published";
      posting.channels = {internal != nullptr && *internal == true ? "internal" : "public"};
      posting.url = text(p, "public_url");
      postings.push_back(json::value_from(posting));
    });
    return json::object{{"postings", std::move(postings)}};
  }

  // A candidate of the platform becomes an application on the post's job. An existing Greenhouse candidate with the
  // same email gets a new application; anyone else a new candidate, tagged with the command's marker.
  sdk::Output opportunityCreate(const sdk::Input& input) {
    std::string key, posting_id;
    sdk::Person person;
    fromInput(input, [&](const sdk::ObjectReader& r) {
      key = r.requireString("key");
      posting_id = r.requireString("posting_id");
      person = json::value_to<sdk::Person>(json::value(r.requireObject("person").object()));
    });
    const json::object post = one("/job_posts", posting_id);
    const std::string email = person.emails.empty() ? std::string() : person.emails.front();

    std::optional<json::object> existing;
    if (!email.empty()) {
      forEach(request("GET", "/candidates", {{"email", email}}), [&](const json::object& c) { existing = c; });
    }
    json::object application{{"job_id", post.at("job_id")}, {"job_post_id", post.at("id")}};
    json::object candidate;
    if (existing) {
      candidate = *existing;
      application["candidate_id"] = candidate.at("id");
      auto r = request("POST", "/applications");
      r.json = application;
      application = parse(send(r), r).as_object();
    } else {
      const auto space = person.name.rfind(' ');
      json::array emails;
      for (const auto& e : person.emails) emails.push_back(json::object{{"value", e}, {"type", "personal"}});
      auto r = request("POST", "/candidates");
      r.json = json::object{{"first_name", person.name.substr(0, space)},
                            {"last_name", space == std::string::npos ? "-" : person.name.substr(space + 1)},
                            {"email_addresses", std::move(emails)},
                            {"tags", json::array{json::value(kTag), json::value(markerOf(key))}},
                            {"application", std::move(application)}};
      const json::value created = parse(send(r), r);
      candidate = created.at("candidate").as_object();
      application = created.at("application").as_object();
    }
    return json::object{{"opportunity", opportunityOf(application, candidate)},
                        {"deduped_contact", existing.has_value()}};
  }

  // Did an earlier opportunity.create with this key take effect (its answer lost)? Its candidate carries the marker.
  sdk::Output opportunityFind(const sdk::Input& input) {
    std::string key, email, posting_id;
    fromInput(input, [&](const sdk::ObjectReader& r) {
      key = r.requireString("key");
      email = r.string("email");
      posting_id = r.string("posting_id");
    });
    const std::string marker = markerOf(key);
    json::value found = nullptr;
    if (!email.empty()) {
      forEach(request("GET", "/candidates", {{"email", email}, {"tag", marker}}), [&](const json::object& c) {
        forEach(request("GET", "/applications", {{"candidate_ids", idOf(c, "id")}}), [&](const json::object& a) {
          if (idOf(a, "job_post_id") == posting_id) found = opportunityOf(a, c);
        });
      });
    }
    return json::object{{"opportunity", std::move(found)}};
  }

  sdk::Output opportunityGet(const sdk::Input& input) {
    const std::string id =
        fromInput(input, [](const sdk::ObjectReader& r) { return r.requireString("opportunity_id"); });
    const json::object application = one("/applications", id);
    return json::object{
        {"opportunity", opportunityOf(application, one("/candidates", idOf(application, "candidate_id")))}};
  }

  // The host sends a stage name (stages carry job_id): resolve it in the application's own job, then move. The move
  // must name the stage the application is in now (from_stage_id), so it is read first.
  sdk::Output opportunitySetStage(const sdk::Input& input) {
    std::string id, wanted, wanted_id;  // a stage name (stages carry job_id), or an id
    fromInput(input, [&](const sdk::ObjectReader& r) {
      id = r.requireString("opportunity_id");
      wanted = r.string("stage_name");
      wanted_id = r.string("stage_id");
    });
    json::object application = one("/applications", id);
    std::string to;
    forEach(request("GET", "/job_interview_stages", {{"job_ids", idOf(application, "job_id")}, {"active", "true"}}),
            [&](const json::object& s) {
              if ((!wanted.empty() && text(s, "name") == wanted) || idOf(s, "id") == wanted_id) to = idOf(s, "id");
            });
    if (to.empty()) {
      throw sdk::OperationError(sdk::errc::kNotFound, "opportunity.set_stage: job " + idOf(application, "job_id") +
                                                          " has no active stage '" + wanted + wanted_id + "'");
    }
    if (idOf(application, "job_interview_stage_id") != to) {
      auto r = request("POST", "/applications/" + id + "/move");
      r.json = json::object{{"from_stage_id", application.at("stage_id")}, {"to_stage_id", std::stoll(to)}};
      r.idempotent = true;  // moving to a stage twice ends in the same stage
      send(r);
      application = one("/applications", id);
    }
    return json::object{
        {"opportunity", opportunityOf(application, one("/candidates", idOf(application, "candidate_id")))}};
  }

  // Verify first, over the raw bytes as received; only then read them.
  sdk::Output webhookParse(const sdk::Input& input) {
    const std::string_view body(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
    sdk::HttpResponse delivery;  // for its case-insensitive header lookup
    delivery.headers = sdk::headersFromJson(input.object(), "headers");
    const std::string signature = delivery.header("Signature").value_or("");
    const std::string expected = "sha256 " + hmacSha256Hex(webhook_secret_, body);
    if (signature.size() != expected.size() || CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
      throw sdk::OperationError(sdk::errc::kBadSignature, "webhook: the Signature header does not match the body");
    }
    json::object envelope;
    json::object application;
    try {
      envelope = json::parse(body).as_object();
      application = envelope.at("payload").at("application").as_object();
    } catch (const std::exception& e) {
      throw sdk::OperationError(sdk::errc::kInvalidInput, std::string("webhook: unexpected shape: ") + e.what());
    }
    sdk::ChangeEvent e;
    // The same id on each of Greenhouse's retries: the host's inbox drops the repeats.
    e.id = delivery.header("Greenhouse-Event-ID").value_or("greenhouse-body:" + sha256Hex(body).substr(0, 32));
    e.occurred_at_ms =
        fromInput(input, [](const sdk::ObjectReader& r) { return r.optInteger("received_at_ms"); }).value_or(0);
    const std::string action = text(envelope, "action");
    const json::object candidate =
        application.contains("candidate") ? application.at("candidate").as_object() : json::object{};
    if (action == "candidate_stage_change") {
      const json::object& stage = application.at("current_stage").as_object();
      e.type = sdk::event_type::kStageChanged;
      e.data = {{"subject_id", idOf(application, "id")},
                {"contact_id", idOf(candidate, "id")},
                {"from_stage", nullptr},
                {"to_stage", idOf(stage, "id")},
                {"to_stage_name", text(stage, "name")}};
    } else if (action == "new_candidate_application") {
      e.type = sdk::event_type::kOpportunityCreated;
      e.data = {{"opportunity_id", idOf(application, "id")}, {"contact_id", idOf(candidate, "id")}};
      // Our own create coming back: the candidate carries our tag from its first moment.
      if (const auto* tags = candidate.if_contains("tags"); tags && tags->is_array()) {
        for (const auto& tag : tags->get_array()) e.echo = e.echo || (tag.is_string() && tag.get_string() == kTag);
      }
    } else {
      return json::object{{"events", json::array()}, {"ignored", action}};
    }
    return json::object{{"events", json::array{json::value_from(e)}}};
  }

  std::string base_url_;
  std::string webhook_secret_;
};

}  // namespace

ATSYNC_PLUGIN(HarvestMini)
