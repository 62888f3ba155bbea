// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/kula_sandbox.hpp>

#include <atsync/sandbox/hmac.hpp>
#include <atsync/sandbox/http_server.hpp>
#include <atsync/sandbox/kula/admin_api.hpp>
#include <atsync/sandbox/kula/kula_api.hpp>
#include <atsync/sandbox/kula/kula_http.hpp>
#include <atsync/sandbox/token_bucket.hpp>

#include <cmath>
#include <stdexcept>

namespace atsync::sandbox::kula {

namespace {

constexpr std::size_t kRequestLogLimit = 10000;

double effectiveBurst(double rate, double burst) { return burst > 0 ? burst : std::max(1.0, rate); }

}  // namespace

KulaSandbox::KulaSandbox(Options options) : options_(std::move(options)) {
  store_ = std::make_unique<KulaStore>();
  auto seeded = store_->seed(options_.seed, options_.flow_postings);
  if (!seeded) throw std::invalid_argument(seeded.error().message);

  WebhookDispatcher::Options wo;
  wo.max_attempts = options_.webhook_max_attempts;
  wo.timeout_ms = options_.webhook_timeout_ms;
  wo.reorder_hold_ms = options_.reorder_hold_ms;
  dispatcher_ = std::make_unique<WebhookDispatcher>(
      wo, WebhookTarget{options_.webhook_url, options_.webhook_secret}, options_.delivery);
  store_->setEventSink([d = dispatcher_.get()](const Event& e) { d->submit(e); });

  faults_ = std::make_unique<FaultInjector>([](int status) {
    return kulaError(status,
                     status == 503   ? "service_unavailable"
                     : status == 429 ? "rate_limited"
                                     : "internal_error",
                     "injected fault (sandbox)");
  });
  faults_->set(options_.faults);
  rate_per_second_ = options_.rate_limit_per_second;
  burst_ = effectiveBurst(rate_per_second_, options_.rate_limit_burst);
  limiter_ = std::make_unique<KeyedRateLimiter>(rate_per_second_, burst_);

  api_ = std::make_unique<KulaApi>(*store_);
  admin_ = std::make_unique<AdminApi>(*this);
  HttpServer::Options so;
  so.port = options_.port;
  so.max_threads = options_.max_threads;
  so.on_body_too_large = [](const Request&) {
    return kulaError(413, "payload_too_large", "the request body is larger than the sandbox accepts");
  };
  server_ = std::make_unique<HttpServer>(so, [this](Request& r) { return serve(r); });
}

KulaSandbox::~KulaSandbox() { stop(); }

void KulaSandbox::start() { server_->start(); }

void KulaSandbox::stop() {
  server_->stop();
  dispatcher_->stop();
}

std::uint16_t KulaSandbox::port() const { return server_->port(); }

std::string KulaSandbox::baseUrl() const { return server_->baseUrl(); }

Response KulaSandbox::serve(Request& req) {
  if (req.path == "/_sandbox" || req.path.rfind("/_sandbox/", 0) == 0) return admin_->handle(req);
  if (req.path == "/v1" || req.path.rfind("/v1/", 0) == 0) {
    Response resp = serveApi(req);
    recordRequest(req, resp);
    return resp;
  }
  return kulaError(404, "not_found", "no route for " + req.method + " " + req.path);
}

Response KulaSandbox::serveApi(Request& req) {
  if (auto injected = faults_->before(req)) return *injected;

  const std::string auth = req.header("Authorization").value_or("");
  const std::string expected = "Bearer " + options_.api_key;
  if (!constantTimeEquals(auth, expected)) {
    Response r = kulaError(401, "unauthorized",
                           auth.empty() ? "missing Authorization: Bearer <api key>" : "invalid API key");
    r.setHeader("WWW-Authenticate", "Bearer realm=\"kula\"");
    return r;
  }

  double rate = 0;
  {
    std::lock_guard lock(limit_mutex_);
    rate = rate_per_second_;
  }
  if (rate > 0 && !limiter_->tryAcquire(options_.api_key)) {
    // One token comes back every 1/rate seconds; Retry-After is whole seconds, so round up.
    const int retry_after_s = std::max(1, static_cast<int>(std::ceil(1.0 / rate)));
    Response r = kulaError(429, "rate_limited",
                           "too many requests: limit is " + std::to_string(rate) + " per second");
    r.setHeader("Retry-After", std::to_string(retry_after_s));
    return r;
  }

  Response resp = api_->handle(req);
  faults_->after(req, resp);
  return resp;
}

void KulaSandbox::recordRequest(const Request& req, const Response& resp) {
  std::lock_guard lock(requests_mutex_);
  requests_.push_back(RequestRecord{req.method, req.raw_target, resp.drop_connection ? 0 : resp.status});
  if (requests_.size() > kRequestLogLimit) requests_.pop_front();
}

std::vector<RequestRecord> KulaSandbox::requests() const {
  std::lock_guard lock(requests_mutex_);
  return {requests_.begin(), requests_.end()};
}

Result<bool> KulaSandbox::reset(const std::string& seed) {
  auto seeded = store_->seed(seed, options_.flow_postings);
  if (!seeded) return seeded;
  dispatcher_->clear();
  std::lock_guard lock(requests_mutex_);
  requests_.clear();
  return true;
}

std::vector<WebhookDelivery> KulaSandbox::deliveries() const { return dispatcher_->deliveries(); }

bool KulaSandbox::waitForDeliveries(std::chrono::milliseconds timeout) const { return dispatcher_->waitIdle(timeout); }

void KulaSandbox::setFaults(const FaultSettings& faults) { faults_->set(faults); }

FaultSettings KulaSandbox::faults() const { return faults_->settings(); }

void KulaSandbox::setDeliveryKnobs(const DeliveryKnobs& knobs) { dispatcher_->setKnobs(knobs); }

DeliveryKnobs KulaSandbox::deliveryKnobs() const { return dispatcher_->knobs(); }

void KulaSandbox::setWebhook(std::string url, std::string secret) {
  dispatcher_->setTarget(WebhookTarget{std::move(url), std::move(secret)});
}

WebhookTarget KulaSandbox::webhook() const { return dispatcher_->target(); }

void KulaSandbox::setRateLimit(double per_second, double burst) {
  std::lock_guard lock(limit_mutex_);
  rate_per_second_ = std::max(0.0, per_second);
  burst_ = effectiveBurst(rate_per_second_, burst);
  limiter_->reconfigure(rate_per_second_, burst_);
}

std::pair<double, double> KulaSandbox::rateLimit() const {
  std::lock_guard lock(limit_mutex_);
  return {rate_per_second_, burst_};
}

}  // namespace atsync::sandbox::kula
