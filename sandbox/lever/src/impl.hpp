// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <variant>

#include "atsync/sandbox/faults.hpp"
#include "atsync/sandbox/http_server.hpp"
#include "atsync/sandbox/json_util.hpp"
#include "atsync/sandbox/lever/lever_sandbox.hpp"
#include "atsync/sandbox/random.hpp"
#include "atsync/sandbox/router.hpp"
#include "atsync/sandbox/token_bucket.hpp"
#include "atsync/sandbox/webhook_sender.hpp"
#include "oauth.hpp"

namespace atsync::sandbox::lever::detail {

std::int64_t nowMs();

/// Everything one sandbox instance owns; the route files work on it.
struct Impl {
  explicit Impl(LeverSandbox::Options o);

  LeverSandbox::Options options;
  LeverState state;
  Random random;
  KeyedRateLimiter limiter;
  FaultInjector faults;
  WebhookSender sender;
  OAuthServer oauth;
  Router api;    ///< /v1 routes, tag = scope resource ("opportunities", "notes", ...)
  Router admin;  ///< /_sandbox routes
  std::unique_ptr<HttpServer> server;
  std::set<std::string> disabled_webhook_groups;  ///< guarded by state's lock

  mutable std::mutex counters_mutex;
  LeverCounters counters;
  std::deque<RequestRecord> requests;  ///< guarded by counters_mutex; bounded by kRequestLogLimit
  static constexpr std::size_t kRequestLogLimit = 10000;

  std::string rootUrl() const { return server ? server->baseUrl() : std::string(); }
  std::string apiBase() const { return rootUrl() + "/v1"; }

  Response handle(Request& request);
  void count(const Request& request, const Response& response);

  /// Fires `event` to every matching webhook. Call with the state lock held.
  void fireEvent(const std::string& event, boost::json::object data, const std::string& origin);
  /// Appends a stage change and fires candidateStageChange; state lock held.
  void changeStage(Opportunity& o, const std::string& stage_id, const std::optional<std::string>& user);
};

// Route registration, one file each.
void registerReferenceRoutes(Impl& s);
void registerOpportunityRoutes(Impl& s);
void registerNoteAndFileRoutes(Impl& s);
void registerWebhookRoutes(Impl& s);
void registerAdminRoutes(Impl& s);

// Lever error helpers.
Response badRequest(const std::string& message);
Response notFound(const std::string& kind, const std::string& id);
/// JSON object from a JSON, x-www-form-urlencoded or multipart body (multipart/form `a[]` become arrays,
/// `a[b]` nested objects); a 400 Response for anything else.
std::variant<boost::json::object, Response> bodyObject(const Request& request);
/// Validates an optional array-of-strings field; a 400 Response naming the field otherwise.
std::variant<std::vector<std::string>, Response> stringArray(const boost::json::object& o, const char* key);
/// perform_as from the query, validated against active users. nullopt result with no error when absent.
std::variant<std::optional<std::string>, Response> performAs(const Request& request, const LeverData& d,
                                                              bool required, const char* action);

}  // namespace atsync::sandbox::lever::detail
