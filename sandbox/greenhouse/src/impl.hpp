// SPDX-License-Identifier: Apache-2.0
// Everything one sandbox instance owns, shared by the route files (one per resource family).
#pragma once

#include <boost/json.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "atsync/sandbox/faults.hpp"
#include "atsync/sandbox/greenhouse/greenhouse_sandbox.hpp"
#include "atsync/sandbox/http_server.hpp"
#include "atsync/sandbox/json_util.hpp"
#include "atsync/sandbox/random.hpp"
#include "atsync/sandbox/router.hpp"
#include "atsync/sandbox/webhook_sender.hpp"
#include "auth_server.hpp"
#include "rate_window.hpp"

namespace atsync::sandbox::greenhouse::detail {

struct Impl {
  explicit Impl(GreenhouseSandbox::Options o);

  GreenhouseSandbox::Options options;
  GreenhouseState state;
  Random random;
  FixedWindowLimiter limiter;        ///< Harvest: per client, fixed window
  FixedWindowLimiter token_limiter;  ///< /token: its own, longer window
  FaultInjector faults;
  WebhookSender sender;
  AuthServer auth;
  Router api;    ///< /v3 routes; tag = the route's scope
  Router admin;  ///< /_sandbox routes
  std::unique_ptr<HttpServer> server;

  mutable std::mutex webhook_mutex;
  std::string webhook_url;
  std::string webhook_secret;

  mutable std::mutex counters_mutex;
  GreenhouseCounters counters;
  std::deque<RequestRecord> requests;  ///< bounded by kRequestLogLimit
  static constexpr std::size_t kRequestLogLimit = 10000;

  std::string rootUrl() const { return server ? server->baseUrl() : std::string(); }

  Response handle(Request& request);
  void count(const Request& request, const Response& response);

  /// Signs and queues `{"action", "payload"}` to the configured URL (nothing when none is set).
  void fireWebhook(const std::string& action, boost::json::object payload);
  /// The v1-shaped `payload.application` of candidate_stage_change and friends; state lock held.
  boost::json::object webhookApplication(const Application& a) const;
  /// An application as /v3 renders it, without job_interview_stage_id when Options say so; state lock held.
  boost::json::object applicationJson(const Application& a) const;
  /// Moves `a` to `stage` (history row, current stage) and fires candidate_stage_change; state lock held.
  void moveTo(Application& a, const JobInterviewStage& stage);
};

/// Validates `fields` (job_id required; job_post_id, source_id, referrer_id optional) and adds an application of
/// `candidate_id` on the job's first stage; fires new_candidate_application. State lock held. Refusals are 422s.
std::variant<Application*, Response> addApplication(Impl& s, Id candidate_id, const boost::json::object& fields);

/// The acting user (the token's `sub`) that handle() put on the request.
Id actingUser(const Request& request);

void registerJobRoutes(Impl& s);
void registerCandidateRoutes(Impl& s);
void registerApplicationRoutes(Impl& s);
void registerNoteAndAttachmentRoutes(Impl& s);
void registerUserRoutes(Impl& s);
void registerAdminRoutes(Impl& s);

}  // namespace atsync::sandbox::greenhouse::detail
