// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/lever/lever_sandbox.hpp"

#include <Poco/Base64Decoder.h>

#include <sstream>
#include <stdexcept>

#include "atsync/sandbox/hmac.hpp"
#include "atsync/sandbox/lever/seed_ids.hpp"
#include "impl.hpp"
#include "seed.hpp"

namespace atsync::sandbox::lever {

namespace detail {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

WebhookSender::Options senderOptions(const LeverSandbox::Options& o) {
  WebhookSender::Options s;
  s.base_delay_ms = o.webhook_base_delay_ms;
  s.max_attempts = o.webhook_max_attempts;
  s.timeout_ms = o.webhook_timeout_ms;
  return s;
}

Response leverFault(int status) {
  if (status == 503) {
    return jsonError(503, "ServiceUnavailable",
                     "Lever is temporarily down for maintenance. Please retry your requests with exponential backoff.");
  }
  if (status == 429) return jsonError(429, "TooManyRequests", "Rate limit exceeded. Please retry with exponential backoff.");
  if (status == 500) return jsonError(500, "InternalServerError", "An unexpected error occurred");
  return jsonError(status, "InjectedError", "injected fault (sandbox)");
}

std::string decodeBase64(const std::string& in) {
  std::istringstream is(in);
  Poco::Base64Decoder decoder(is);
  std::string out;
  char c = 0;
  while (decoder.get(c)) out.push_back(c);
  return out;
}

bool isLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address.rfind("[::1]", 0) == 0;
}

// Which scope resource a route needs; the route's tag names it.
bool scopeAllows(const std::set<std::string>& scopes, const std::string& resource, const std::string& method) {
  if (resource.empty()) return true;
  if (scopes.count(resource + ":write:admin")) return true;
  return method == "GET" && scopes.count(resource + ":read:admin") > 0;
}

}  // namespace

Impl::Impl(LeverSandbox::Options o)
    : options(std::move(o)),
      random(options.random_seed),
      limiter(options.rate_per_second, options.burst),
      faults(leverFault),
      sender(senderOptions(options)),
      oauth(random) {
  oauth.configure(options.oauth_clients, options.token_expires_in_s, options.audiences);
  faults.set(options.faults);
  {
    auto lock = state.lock();
    if (!seedAccount(state.data(), options.seed, random)) {
      throw std::invalid_argument("unknown seed '" + options.seed + "' (expected small, medium, large or empty)");
    }
  }
  registerReferenceRoutes(*this);
  registerOpportunityRoutes(*this);
  registerNoteAndFileRoutes(*this);
  registerWebhookRoutes(*this);
  registerAdminRoutes(*this);
}

void Impl::count(const Request& request, const Response& response) {
  const int status = response.drop_connection ? 0 : response.status;
  const std::int64_t at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
  std::lock_guard lock(counters_mutex);
  ++counters.by_status[status];
  if (status == 429) ++counters.rate_limited;
  if (status == 401) ++counters.unauthorized;
  requests.push_back(RequestRecord{request.method, request.path, status, at_ms});
  if (requests.size() > kRequestLogLimit) requests.pop_front();
}

Response Impl::handle(Request& request) {
  if (request.path.rfind("/_sandbox/", 0) == 0) {
    if (!isLoopback(request.client_address)) return jsonError(403, "ForbiddenError", "admin API is loopback only");
    return admin.dispatch(request, [](const Request& r, bool) {
      return jsonError(404, "ResourceNotFound", "no sandbox admin route " + r.method + " " + r.path);
    });
  }
  {
    std::lock_guard lock(counters_mutex);
    ++counters.requests;
  }
  Response response = [&]() -> Response {
    if (auto injected = faults.before(request)) return *injected;
    if (request.path == "/oauth/authorize" && (request.method == "GET" || request.method == "POST")) {
      return oauth.authorize(request, rootUrl());
    }
    if (request.path == "/oauth/token" && request.method == "POST") return oauth.token(request);
    if (request.path.rfind("/v1/", 0) != 0) return notFound("path", request.path);

    // Authentication: Basic `<key>:` or an OAuth Bearer token.
    const std::string authorization = request.header("Authorization").value_or("");
    std::string credential;
    std::optional<AccessGrant> grant;
    if (authorization.rfind("Basic ", 0) == 0) {
      const std::string decoded = decodeBase64(authorization.substr(6));
      const std::string key = decoded.substr(0, decoded.find(':'));
      if (!key.empty() && std::find(options.api_keys.begin(), options.api_keys.end(), key) != options.api_keys.end()) {
        credential = "key:" + key;
      }
    } else if (authorization.rfind("Bearer ", 0) == 0) {
      grant = oauth.authenticate(authorization.substr(7));
      if (grant) credential = "oauth:" + grant->grant_id;
    }
    if (credential.empty()) {
      return jsonError(401, "UnauthorizedError", "Invalid credentials: provide an API key or a valid access token");
    }
    // Rate limit per credential; an OAuth grant keeps its bucket across token refreshes.
    if (!limiter.tryAcquire(credential)) {
      return jsonError(429, "TooManyRequests", "Rate limit exceeded. Please retry with exponential backoff.");
    }
    auto match = api.match(request);
    if (match.handler == nullptr) return notFound("path", request.method + " " + request.path);
    if (grant && !scopeAllows(grant->scopes, *match.tag, request.method)) {
      return jsonError(403, "ForbiddenError",
                       "Your Lever account settings don't authorize you to perform this action (scope " + *match.tag +
                           (request.method == "GET" ? ":read:admin" : ":write:admin") + " was not granted)");
    }
    Response r = (*match.handler)(request);
    faults.after(request, r);
    return r;
  }();
  response.setHeader("Server", "lever-data-api");
  response.setHeader("X-Lever-Region", "global");
  count(request, response);
  return response;
}

void Impl::fireEvent(const std::string& event, boost::json::object data, const std::string& origin) {
  static const std::set<std::string> kOriginConditioned = {"applicationCreated", "candidateArchiveChange",
                                                           "candidateHired", "candidateStageChange"};
  if (disabled_webhook_groups.count(event)) return;
  for (const auto& w : state.data().webhooks) {
    if (w.event != event) continue;
    if (kOriginConditioned.count(event) && !w.origins.empty() && !origin.empty() &&
        std::find(w.origins.begin(), w.origins.end(), origin) == w.origins.end()) {
      continue;
    }
    const std::int64_t triggered_at = nowMs();
    const std::string token = random.hex(48);
    boost::json::object body{{"id", random.uuid()},
                             {"event", event},
                             {"triggeredAt", triggered_at},
                             {"token", token},
                             {"signature", hmacSha256Hex(w.signature_token, token + std::to_string(triggered_at))},
                             {"data", data}};
    sender.enqueue(w.url, {{"User-Agent", "Lever-Webhooks"}, {"Content-Type", "application/json"}},
                   boost::json::serialize(body), event);
  }
}

void Impl::changeStage(Opportunity& o, const std::string& stage_id, const std::optional<std::string>& user) {
  const std::string from = o.stage;
  const std::int64_t now = nowMs();
  o.stage = stage_id;
  o.stage_changes.push_back({stage_id, state.data().stageIndex(stage_id), now, user});
  o.last_advanced_at_ms = now;
  o.updated_at_ms = now;
  o.last_interaction_at_ms = now;
  fireEvent("candidateStageChange",
            {{"opportunityId", o.id},
             {"candidateId", o.id},
             {"contactId", o.contact_id},
             {"toStageId", stage_id},
             {"fromStageId", from}},
            o.origin);
}

}  // namespace detail

LeverSandbox::LeverSandbox(Options options) : impl_(std::make_unique<detail::Impl>(std::move(options))) {}

LeverSandbox::~LeverSandbox() { stop(); }

void LeverSandbox::start() {
  if (impl_->server) return;
  HttpServer::Options o;
  o.port = impl_->options.port;
  // Room for a file at the limit plus multipart framing; larger bodies are cut off early.
  o.max_body_bytes = impl_->options.max_file_bytes + 4u * 1024u * 1024u;
  o.on_body_too_large = [](const Request&) {
    return jsonError(413, "RequestEntityTooLarge", "The request body is too large. The file size is limited to 30MB.");
  };
  impl_->server = std::make_unique<HttpServer>(o, [this](Request& r) { return impl_->handle(r); });
  impl_->server->start();
}

void LeverSandbox::stop() {
  if (impl_->server) impl_->server->stop();
  impl_->sender.stop();
}

std::uint16_t LeverSandbox::port() const { return impl_->server ? impl_->server->port() : 0; }
std::string LeverSandbox::rootUrl() const { return impl_->rootUrl(); }
std::string LeverSandbox::baseUrl() const { return impl_->apiBase(); }
std::string LeverSandbox::authorizeUrl() const { return impl_->rootUrl() + "/oauth/authorize"; }
std::string LeverSandbox::tokenUrl() const { return impl_->rootUrl() + "/oauth/token"; }
const LeverState& LeverSandbox::state() const { return impl_->state; }

void LeverSandbox::setFaults(const FaultSettings& faults) { impl_->faults.set(faults); }
FaultSettings LeverSandbox::faults() const { return impl_->faults.settings(); }
void LeverSandbox::setRateLimit(double rate_per_second, double burst) {
  impl_->limiter.reconfigure(rate_per_second, burst);
}
void LeverSandbox::setWebhookBaseDelayMs(int base_delay_ms) { impl_->sender.setBaseDelayMs(base_delay_ms); }
void LeverSandbox::setWebhooksDropped(bool dropped) { impl_->sender.setDropping(dropped); }

std::string LeverSandbox::addUiWebhook(const std::string& event, const std::string& url,
                                       const std::string& signature_token, const std::vector<std::string>& origins) {
  auto lock = impl_->state.lock();
  Webhook w;
  w.id = impl_->random.uuid();
  w.event = event;
  w.url = url;
  w.origins = origins;
  w.signature_token = signature_token;
  w.source = "ui";
  w.created_at_ms = w.updated_at_ms = detail::nowMs();
  impl_->state.data().webhooks.push_back(w);
  return w.id;
}

bool LeverSandbox::moveStage(const std::string& opportunity_id, const std::string& stage_id,
                             const std::string& user_id) {
  auto lock = impl_->state.lock();
  auto& d = impl_->state.data();
  Opportunity* o = d.findOpportunity(opportunity_id);
  if (o == nullptr || d.findStage(stage_id) == nullptr) return false;
  impl_->changeStage(*o, stage_id, user_id);
  return true;
}

bool LeverSandbox::revokeRefreshToken(const std::string& refresh_token) {
  return impl_->oauth.revokeRefreshToken(refresh_token);
}
void LeverSandbox::revokeClient(const std::string& client_id) { impl_->oauth.revokeClient(client_id); }
std::vector<Delivery> LeverSandbox::deliveries() const { return impl_->sender.deliveries(); }
bool LeverSandbox::waitForDeliveries(std::chrono::milliseconds timeout) const {
  return impl_->sender.waitIdle(timeout);
}

LeverCounters LeverSandbox::counters() const {
  std::lock_guard lock(impl_->counters_mutex);
  LeverCounters c = impl_->counters;
  c.faults = impl_->faults.counters();
  return c;
}

std::vector<RequestRecord> LeverSandbox::requests() const {
  std::lock_guard lock(impl_->counters_mutex);
  return {impl_->requests.begin(), impl_->requests.end()};
}

void LeverSandbox::reset(const std::string& seed) {
  {
    auto lock = impl_->state.lock();
    if (!detail::seedAccount(impl_->state.data(), seed, impl_->random)) {
      throw std::invalid_argument("unknown seed '" + seed + "' (expected small, medium, large or empty)");
    }
    impl_->disabled_webhook_groups.clear();
  }
  impl_->sender.clear();
  impl_->oauth.clear();
  std::lock_guard lock(impl_->counters_mutex);
  impl_->counters = LeverCounters();
  impl_->requests.clear();
}

}  // namespace atsync::sandbox::lever
