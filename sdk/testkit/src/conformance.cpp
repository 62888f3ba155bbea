// SPDX-License-Identifier: Apache-2.0
// Registers the kit's checks for a Target with GoogleTest.
#include "atsync/sdk/testkit/conformance.hpp"

#include "kit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>

namespace atsync::sdk::testkit {
namespace {

using detail::Kit;

class ConformanceCheck : public ::testing::Test {
 public:
  explicit ConformanceCheck(std::function<void()> body) : body_(std::move(body)) {}
  void TestBody() override { body_(); }

 private:
  std::function<void()> body_;
};

/// Stops the sandbox after the last check of the program.
class KitEnvironment : public ::testing::Environment {
 public:
  explicit KitEnvironment(std::shared_ptr<Kit> kit) : kit_(std::move(kit)) {}
  void TearDown() override { kit_->stopIfStarted(); }

 private:
  std::shared_ptr<Kit> kit_;
};

/// "opportunity.set_stage" -> "opportunity_set_stage": GoogleTest names take no dots.
std::string testName(std::string operation) {
  std::replace(operation.begin(), operation.end(), '.', '_');
  return operation;
}

}  // namespace

void registerConformanceTests(Target target) {
  auto kit = std::make_shared<Kit>(std::move(target));
  const std::string suite = kit->target().name + "Conformance";
  const auto add = [&](const std::string& name, std::function<void(Kit&)> check) {
    ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [kit, check]() -> ::testing::Test* {
                              return new ConformanceCheck([kit, check] { check(*kit); });
                            });
  };
  add("Describe", detail::checkDescribe);
  // One check per operation of the side (a declared one must work, an undeclared one answer not_supported), plus
  // the author's own operations: test names do not depend on the description, so listing them starts nothing.
  std::vector<std::string> operations = detail::knownOperations(kit->target().side);
  for (const auto& [op, input] : kit->target().inputs) {
    if (std::find(operations.begin(), operations.end(), op) == operations.end()) operations.push_back(op);
  }
  for (const auto& op : operations) {
    add("Operation_" + testName(op), [op](Kit& k) { detail::checkOperation(k, op); });
  }
  add("ServerErrorIsRetryable", detail::checkServerErrorIsRetryable);
  add("DroppedWriteIsOutcomeUnknown", detail::checkDroppedWriteIsOutcomeUnknown);
  add("RateLimitedIsRetryableAfter", detail::checkRateLimitedIsRetryableAfter);
  add("PaginatesOverThousandRecords", detail::checkPagination);
  add("BurstStaysUnderRateLimit", detail::checkBurst);
  add("WebhookGoodSignatureAccepted", [](Kit& k) { detail::checkWebhook(k, detail::WebhookCase::kGood); });
  add("WebhookTamperedRefused", [](Kit& k) { detail::checkWebhook(k, detail::WebhookCase::kTampered); });
  add("WebhookStaleRefused", [](Kit& k) { detail::checkWebhook(k, detail::WebhookCase::kStale); });
  ::testing::AddGlobalTestEnvironment(new KitEnvironment(kit));
}

}  // namespace atsync::sdk::testkit
