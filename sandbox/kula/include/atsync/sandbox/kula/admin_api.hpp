// SPDX-License-Identifier: Apache-2.0
#pragma once

// The /_sandbox endpoints: scenario actions (what recruiters do inside Kula), runtime knobs (faults,
// delivery, webhook target, rate limit) and inspection. No auth: the server only listens on loopback, and
// requests from anywhere else are refused anyway.

#include <atsync/sandbox/router.hpp>

#include <boost/json/object.hpp>

namespace atsync::sandbox::kula {

class KulaSandbox;

class AdminApi {
 public:
  explicit AdminApi(KulaSandbox& sandbox);

  Response handle(Request& req) const;

  /// Everything Kula holds plus the delivery record: the body of GET /_sandbox/state.
  boost::json::object stateJson() const;

 private:
  Response createCandidate(const Request& req) const;
  Response createFlow(const Request& req) const;
  Response addToFlow(const Request& req) const;
  Response refer(const Request& req) const;
  Response changeStage(const Request& req) const;
  Response addNote(const Request& req) const;
  Response logMessage(const Request& req) const;
  Response uploadResume(const Request& req) const;
  Response putFaults(const Request& req) const;
  Response putDelivery(const Request& req) const;
  Response putWebhook(const Request& req) const;
  Response putRateLimit(const Request& req) const;
  Response waitDeliveries(const Request& req) const;
  Response reset(const Request& req) const;
  Response forgetEvents(const Request& req) const;

  boost::json::object faultsJson() const;
  boost::json::object deliveryJson() const;
  boost::json::object webhookJson() const;
  boost::json::object rateLimitJson() const;

  KulaSandbox& sandbox_;
  Router router_;
};

}  // namespace atsync::sandbox::kula
