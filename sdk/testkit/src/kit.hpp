// SPDX-License-Identifier: Apache-2.0
#pragma once

// The kit's state for one Target: started lazily by the first check that runs (listing tests starts nothing), and
// what earlier checks of the same process made (an opportunity, a candidate), so a whole program run does not
// create the same things over and over. Each check still stands alone: run by itself it makes what it needs.

#include "atsync/sdk/testkit/invoker.hpp"
#include "atsync/sdk/testkit/target.hpp"

#include <boost/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace atsync::sdk::testkit::detail {

class Kit {
 public:
  explicit Kit(Target target) : target_(std::move(target)) {}

  const Target& target() const { return target_; }
  bool isAts() const { return target_.side == Side::kAts; }

  /// Runs start() once; throws what it throws.
  void ensureStarted();
  void stopIfStarted();

  /// The plugin's description (atsync invoke describe), read once.
  const boost::json::object& description();
  bool declares(const std::string& operation);

  /// Runs an operation expected to succeed: adds a GoogleTest failure naming the operation and the answer
  /// otherwise, and returns nullopt.
  std::optional<boost::json::object> call(const std::string& operation, const boost::json::object& input,
                                          const InvokeOptions& options = {});
  /// call()'s verdict on an answer already made.
  std::optional<boost::json::object> accept(const std::string& operation, const boost::json::object& input,
                                            const Answer& answer);
  /// The input Target::inputs gives for `operation`, else `fallback`.
  boost::json::object inputFor(const std::string& operation, boost::json::object fallback) const;

  /// A string no other call of this or another run made ("1733225123456-4711-3").
  std::string unique();
  std::string sample(const std::string& key) const;

  // Things made once and reused by later checks of the same process.
  std::optional<boost::json::array> stages();
  std::optional<std::string> postingId();
  struct Opportunity {
    std::string key;
    std::string email;
    std::string posting_id;
    boost::json::object document;
  };
  std::optional<Opportunity> opportunity();
  /// The input opportunity.create gets for `key` and `email`.
  boost::json::object opportunityCreateInput(const std::string& key, const std::string& email,
                                             const std::string& posting_id);
  struct Candidate {
    std::string email;
    boost::json::object document;
  };
  std::optional<Candidate> candidate();
  boost::json::object candidateUpsertInput(const std::string& email);

 private:
  Target target_;
  bool started_ = false;
  std::optional<boost::json::object> description_;
  std::optional<boost::json::array> stages_;
  std::optional<std::string> posting_id_;
  std::optional<Opportunity> opportunity_;
  std::optional<Candidate> candidate_;
  int counter_ = 0;
};

/// The operations the kit has inputs for, by side (operations.md).
const std::vector<std::string>& knownOperations(Side side);

/// The checks; each runs inside a GoogleTest body.
void checkDescribe(Kit& kit);
void checkOperation(Kit& kit, const std::string& operation);
void checkServerErrorIsRetryable(Kit& kit);
void checkDroppedWriteIsOutcomeUnknown(Kit& kit);
void checkRateLimitedIsRetryableAfter(Kit& kit);
void checkPagination(Kit& kit);
void checkBurst(Kit& kit);
enum class WebhookCase { kGood, kTampered, kStale };
void checkWebhook(Kit& kit, WebhookCase which);

/// A JSON string member, or "".
std::string text(const boost::json::object& o, std::string_view key);
/// The member object `key`, or an empty object.
const boost::json::object& objectAt(const boost::json::object& o, std::string_view key);

}  // namespace atsync::sdk::testkit::detail
