// SPDX-License-Identifier: Apache-2.0
// The request pipeline (faults, auth, rate window, scope, Site Admin rule, content type, handler) and the
// public controls. The order mirrors what a client sees first: a bad token is a 401 before any 429.
#include "atsync/sandbox/greenhouse/greenhouse_sandbox.hpp"

#include <stdexcept>

#include "impl.hpp"
#include "request_helpers.hpp"
#include "seed.hpp"

namespace atsync::sandbox::greenhouse {

namespace detail {

namespace json = boost::json;

namespace {

WebhookSender::Options senderOptions(const GreenhouseSandbox::Options& o) {
  WebhookSender::Options s;
  s.base_delay_ms = o.webhook_base_delay_ms;
  s.max_attempts = o.webhook_max_attempts;
  s.timeout_ms = o.webhook_timeout_ms;
  return s;
}

Response greenhouseFault(int status) {
  if (status == 503) return ghError(503, "Service Unavailable", {"injected fault (sandbox)"});
  if (status == 429) return ghError(429, "Too Many Requests", {"injected fault (sandbox)"});
  return ghError(status, status == 500 ? "Internal Server Error" : "Error", {"injected fault (sandbox)"});
}

bool isLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address.rfind("[::1]", 0) == 0;
}

bool isWrite(const std::string& method) { return method == "POST" || method == "PATCH" || method == "PUT"; }

}  // namespace

Id actingUser(const Request& request) {
  const std::string& s = request.param("_sub");
  return s.empty() ? 0 : std::stoll(s);
}

Impl::Impl(GreenhouseSandbox::Options o)
    : options(std::move(o)),
      random(options.random_seed),
      limiter(options.rate_limit, options.rate_window_s),
      token_limiter(options.token_rate_limit, options.token_rate_window_s),
      faults(greenhouseFault),
      sender(senderOptions(options)),
      auth(random, [this](Id id) -> std::optional<bool> {
        auto lock = state.lock();
        auto it = state.data().users.find(id);
        if (it == state.data().users.end()) return std::nullopt;
        return !it->second.deactivated;
      }),
      webhook_url(options.webhook_url),
      webhook_secret(options.webhook_secret) {
  auth.configure(options.clients, options.token_lifetime_s, options.refresh_token_lifetime_s, options.code_lifetime_s);
  faults.set(options.faults);
  {
    auto lock = state.lock();
    if (!seedTenant(state.data(), options.seed, options.large_count, options.seed_email_domain,
                    options.seed_anonymized)) {
      throw std::invalid_argument("unknown seed '" + options.seed + "' (expected small, large or empty)");
    }
  }
  registerJobRoutes(*this);
  registerCandidateRoutes(*this);
  registerApplicationRoutes(*this);
  registerNoteAndAttachmentRoutes(*this);
  registerUserRoutes(*this);
  registerAdminRoutes(*this);
}

void Impl::count(const Request& request, const Response& response) {
  const int status = response.drop_connection ? 0 : response.status;
  const std::int64_t at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  std::lock_guard lock(counters_mutex);
  ++counters.requests;
  ++counters.by_status[status];
  if (status == 429) ++counters.rate_limited;
  if (status == 401) ++counters.unauthorized;
  requests.push_back(RequestRecord{request.method, request.path, request.raw_target, status, at_ms});
  if (requests.size() > kRequestLogLimit) requests.pop_front();
}

Response Impl::handle(Request& request) {
  if (request.path.rfind("/_sandbox/", 0) == 0) {
    if (!isLoopback(request.client_address)) return ghError(403, "Forbidden", {"the admin API is loopback only"});
    return admin.dispatch(request, [](const Request& r, bool) {
      return ghError(404, "Not found", {json::value("no sandbox admin route " + r.method + " " + r.path)});
    });
  }
  Response response = [&]() -> Response {
    if (auto injected = faults.before(request)) return *injected;
    if (request.path == "/token" || request.path == "/introspect") {
      if (request.method != "POST") return ghError(405, "Method not allowed", {json::value(request.path + " takes POST")});
      if (request.path == "/introspect") return auth.introspect(request);
      const auto window = token_limiter.take("token:" + AuthServer::basicClientId(request));
      Response r = window.allowed ? auth.token(request)
                                  : oauthError(429, "rate_limited", "too many token requests; see Retry-After");
      applyRateHeaders(window, r);
      return r;
    }
    if (request.path == "/authorize" && request.method == "GET") return auth.authorize(request);
    if (request.path.rfind("/v3/", 0) != 0) {
      return ghError(404, "Not found", {json::value("no route " + request.method + " " + request.path)});
    }

    const std::string authorization = request.header("Authorization").value_or("");
    std::optional<TokenGrant> grant;
    if (authorization.rfind("Bearer ", 0) == 0) grant = auth.authenticate(authorization.substr(7));
    if (!grant) {
      return ghError(401, "Unauthorized",
                     {authorization.rfind("Bearer ", 0) == 0
                          ? "the access token is invalid or expired; mint a new one at /token"
                          : "send Authorization: Bearer <access token from /token>"});
    }
    const auto window = limiter.take("client:" + grant->client_id);
    Response r = [&]() -> Response {
      if (!window.allowed) {
        return ghError(429, "Too Many Requests",
                       {json::value("rate limit of " + std::to_string(window.limit) + " requests per " +
                                    std::to_string(limiter.windowSeconds()) + " s exceeded; retry after " +
                                    std::to_string(window.retry_after_s) + " s")});
      }
      auto match = api.match(request);
      if (match.handler == nullptr) {
        return ghError(match.path_matched ? 405 : 404, match.path_matched ? "Method not allowed" : "Not found",
                       {json::value("no route " + request.method + " " + request.path)});
      }
      if (!grant->scopes.count(*match.tag)) {
        return ghError(403, "Forbidden", {json::value("this token lacks the scope " + *match.tag)});
      }
      User user;
      {
        auto lock = state.lock();
        auto it = state.data().users.find(grant->sub);
        if (it == state.data().users.end() || it->second.deactivated) {
          return ghError(403, "Forbidden", {json::value("the token's user " + std::to_string(grant->sub) +
                                                        " is no longer active")});
        }
        user = it->second;
      }
      if (request.method == "GET" && !user.site_admin) {
        return ghError(403, "Forbidden",
                       {json::value("list endpoints require a Site Admin; user " + std::to_string(user.id) +
                                    " (the token's sub) is not one")});
      }
      if (isWrite(request.method)) {
        const std::string type = request.header("Content-Type").value_or("");
        if (type.rfind("application/json", 0) != 0) {
          return ghError(415, "Unsupported Media Type",
                         {json::value("writes need Content-Type: application/json, got '" +
                                      (type.empty() ? std::string("none") : type) + "'")});
        }
      }
      request.params["_sub"] = std::to_string(grant->sub);
      Response answer = (*match.handler)(request);
      faults.after(request, answer);
      return answer;
    }();
    applyRateHeaders(window, r);
    return r;
  }();
  count(request, response);
  return response;
}

}  // namespace detail

GreenhouseSandbox::GreenhouseSandbox(Options options) : impl_(std::make_unique<detail::Impl>(std::move(options))) {}

GreenhouseSandbox::~GreenhouseSandbox() { stop(); }

void GreenhouseSandbox::start() {
  if (impl_->server) return;
  HttpServer::Options o;
  o.port = impl_->options.port;
  o.max_body_bytes = 40u * 1024u * 1024u;
  o.on_body_too_large = [](const Request&) {
    return detail::ghError(413, "Request Entity Too Large", {"the request body is too large"});
  };
  impl_->server = std::make_unique<HttpServer>(o, [this](Request& r) { return impl_->handle(r); });
  impl_->server->start();
}

void GreenhouseSandbox::stop() {
  if (impl_->server) impl_->server->stop();
  impl_->sender.stop();
}

std::uint16_t GreenhouseSandbox::port() const { return impl_->server ? impl_->server->port() : 0; }
std::string GreenhouseSandbox::rootUrl() const { return impl_->rootUrl(); }
std::string GreenhouseSandbox::baseUrl() const { return impl_->rootUrl() + "/v3"; }
std::string GreenhouseSandbox::tokenUrl() const { return impl_->rootUrl() + "/token"; }
std::string GreenhouseSandbox::authorizeUrl() const { return impl_->rootUrl() + "/authorize"; }
const GreenhouseState& GreenhouseSandbox::state() const { return impl_->state; }

void GreenhouseSandbox::setFaults(const FaultSettings& faults) { impl_->faults.set(faults); }
FaultSettings GreenhouseSandbox::faults() const { return impl_->faults.settings(); }
void GreenhouseSandbox::setRateLimit(int limit, int window_s) { impl_->limiter.reconfigure(limit, window_s); }
void GreenhouseSandbox::setWebhook(const std::string& url, const std::string& secret) {
  std::lock_guard lock(impl_->webhook_mutex);
  impl_->webhook_url = url;
  impl_->webhook_secret = secret;
}
void GreenhouseSandbox::setWebhookBaseDelayMs(int base_delay_ms) { impl_->sender.setBaseDelayMs(base_delay_ms); }
void GreenhouseSandbox::setWebhooksDropped(bool dropped) { impl_->sender.setDropping(dropped); }

bool GreenhouseSandbox::moveStage(Id application_id, Id job_interview_stage_id, Id /*user_id*/) {
  auto lock = impl_->state.lock();
  auto& d = impl_->state.data();
  auto a = d.applications.find(application_id);
  auto s = d.job_interview_stages.find(job_interview_stage_id);
  if (a == d.applications.end() || s == d.job_interview_stages.end() || s->second.job_id != a->second.job_id) {
    return false;
  }
  impl_->moveTo(a->second, s->second);
  return true;
}

std::vector<Delivery> GreenhouseSandbox::deliveries() const { return impl_->sender.deliveries(); }
bool GreenhouseSandbox::waitForDeliveries(std::chrono::milliseconds timeout) const {
  return impl_->sender.waitIdle(timeout);
}

GreenhouseCounters GreenhouseSandbox::counters() const {
  std::lock_guard lock(impl_->counters_mutex);
  GreenhouseCounters c = impl_->counters;
  c.faults = impl_->faults.counters();
  return c;
}

std::vector<RequestRecord> GreenhouseSandbox::requests() const {
  std::lock_guard lock(impl_->counters_mutex);
  return {impl_->requests.begin(), impl_->requests.end()};
}

void GreenhouseSandbox::reset(const std::string& seed) {
  {
    auto lock = impl_->state.lock();
    if (!detail::seedTenant(impl_->state.data(), seed, impl_->options.large_count, impl_->options.seed_email_domain,
                            impl_->options.seed_anonymized)) {
      throw std::invalid_argument("unknown seed '" + seed + "' (expected small, large or empty)");
    }
  }
  impl_->sender.clear();
  impl_->auth.clear();
  impl_->limiter.clear();
  impl_->token_limiter.clear();
  std::lock_guard lock(impl_->counters_mutex);
  impl_->counters = GreenhouseCounters();
  impl_->requests.clear();
}

}  // namespace atsync::sandbox::greenhouse
