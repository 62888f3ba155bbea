// SPDX-License-Identifier: Apache-2.0
// The checks that are not about one operation: the description, errors under injected faults, pagination over
// more than 1,000 records, a burst under the declared rate limit, and webhook signatures.
#include "kit.hpp"

#include "atsync/sdk/testkit/support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace atsync::sdk::testkit::detail {
namespace {

namespace json = boost::json;

bool flag(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

double number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

/// Clears the sandbox's faults when the check ends, however it ends.
struct FaultScope {
  Kit& kit;
  bool injected = false;
  FaultScope(Kit& k, Fault fault) : kit(k) { injected = kit.target().inject_fault(fault); }
  ~FaultScope() { kit.target().clear_faults(); }
};

/// Kit::call, but a rate_limited answer is waited out and tried again, as the engine's dispatcher would: a walk of
/// many pages from separate `atsync invoke` processes does not share one rate limiter, so the vendor may refuse.
std::optional<json::object> callPaced(Kit& kit, const std::string& operation, const json::object& input) {
  for (int attempt = 1;; ++attempt) {
    const Answer a = invoke(kit.target(), operation, input);
    if (a.errorCode() != "rate_limited" || attempt == 5) return kit.accept(operation, input, a);
    const double wait_ms = number(a.document.as_object(), "retry_after_ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<std::int64_t>(std::clamp(wait_ms, 100.0, 5000.0))));
  }
}

}  // namespace

void checkDescribe(Kit& kit) {
  kit.ensureStarted();
  const Answer a = invoke(kit.target(), "describe");
  ASSERT_NE(a.exit_code, 3) << "the description is off describe.schema.json\n" << a.describe();
  ASSERT_TRUE(a.ok()) << a.describe();
  const auto& d = a.document.as_object();
  EXPECT_EQ(text(d, "role"), kit.isAts() ? "ats" : "platform") << "the plugin's role is not the side under test";
  const auto* caps = d.if_contains("capabilities");
  ASSERT_TRUE(caps != nullptr && caps->is_array() && !caps->get_array().empty()) << "the plugin declares no operation";
  std::set<std::string> seen;
  const auto& known = knownOperations(kit.target().side);
  for (const auto& c : caps->get_array()) {
    const std::string op(c.as_string());
    EXPECT_TRUE(seen.insert(op).second) << "capability '" << op << "' is declared twice";
    const bool kit_knows = std::find(known.begin(), known.end(), op) != known.end();
    EXPECT_TRUE(kit_knows || kit.target().inputs.count(op) != 0)
        << "the plugin declares '" << op << "', which is not a " << (kit.isAts() ? "ats" : "platform")
        << " operation of operations.md; give its input in Target::inputs[\"" << op << "\"] to have it exercised";
  }
  if (seen.count("webhook.parse") != 0) {
    EXPECT_FALSE(text(objectAt(d, "webhook"), "signature_scheme").empty())
        << "the plugin parses webhooks but its description names no webhook.signature_scheme";
  }
}

void checkServerErrorIsRetryable(Kit& kit) {
  kit.ensureStarted();
  if (!kit.target().inject_fault || !kit.target().clear_faults) {
    GTEST_SKIP() << "no Target::inject_fault / clear_faults";
  }
  kit.description();  // read before the sandbox breaks
  Answer a;
  {
    FaultScope faults(kit, Fault::kServerError);
    if (!faults.injected) GTEST_SKIP() << "the sandbox cannot answer 5xx";
    a = invoke(kit.target(), "stages.list", kit.inputFor("stages.list", {}));
  }
  ASSERT_EQ(a.exit_code, 1) << "stages.list must fail while every request answers 5xx\n" << a.describe();
  const auto& e = a.document.as_object();
  EXPECT_TRUE(flag(e, "retryable")) << "a 5xx must give a retryable error\n" << a.describe();
  EXPECT_NE(a.errorCode(), "not_supported");
  if (const auto* status = e.if_contains("http_status"); status != nullptr && status->is_int64()) {
    EXPECT_GE(status->get_int64(), 500) << a.describe();
  }
  // The sandbox is healthy again: the same call succeeds.
  kit.call("stages.list", kit.inputFor("stages.list", {}));
}

void checkRateLimitedIsRetryableAfter(Kit& kit) {
  kit.ensureStarted();
  if (!kit.target().inject_fault || !kit.target().clear_faults) {
    GTEST_SKIP() << "no Target::inject_fault / clear_faults";
  }
  kit.description();
  Answer a;
  {
    FaultScope faults(kit, Fault::kRateLimited);
    if (!faults.injected) GTEST_SKIP() << "the sandbox cannot answer 429";
    a = invoke(kit.target(), "stages.list", kit.inputFor("stages.list", {}));
  }
  ASSERT_EQ(a.exit_code, 1) << "stages.list must fail while the vendor answers 429\n" << a.describe();
  const auto& e = a.document.as_object();
  EXPECT_EQ(a.errorCode(), "rate_limited") << a.describe();
  EXPECT_TRUE(flag(e, "retryable")) << a.describe();
  // The vendor's Retry-After (2 s or more) reaches the dispatcher, which waits it out instead of hammering.
  EXPECT_GE(number(e, "retry_after_ms"), 1000) << "the error must carry the vendor's Retry-After\n" << a.describe();
}

void checkDroppedWriteIsOutcomeUnknown(Kit& kit) {
  kit.ensureStarted();
  if (!kit.target().inject_fault || !kit.target().clear_faults) {
    GTEST_SKIP() << "no Target::inject_fault / clear_faults";
  }
  const std::string email = "conformance-dropped-" + kit.unique() + "@example.org";
  const std::string key = "conformance-dropped-" + kit.unique();
  std::string operation;
  json::object input;
  if (kit.isAts()) {
    operation = "opportunity.create";
    if (!kit.declares(operation)) GTEST_SKIP() << "the plugin writes no opportunities";
    auto posting = kit.postingId();  // read before the sandbox breaks
    if (!posting) return;
    input = kit.opportunityCreateInput(key, email, *posting);
  } else {
    operation = "candidate.upsert";
    if (!kit.declares(operation)) GTEST_SKIP() << "the plugin writes no candidates";
    input = kit.candidateUpsertInput(email);
  }
  Answer a;
  {
    FaultScope faults(kit, Fault::kCommitThenDrop);
    if (!faults.injected) GTEST_SKIP() << "the sandbox cannot drop the connection after a write";
    a = invoke(kit.target(), operation, input);
  }
  ASSERT_EQ(a.exit_code, 1) << operation << " must fail when the connection drops before the answer\n" << a.describe();
  const auto& e = a.document.as_object();
  EXPECT_TRUE(flag(e, "outcome_unknown"))
      << "the write may have taken effect, so the error must say outcome_unknown\n" << a.describe();
  EXPECT_TRUE(flag(e, "retryable")) << a.describe();
  // It did take effect, and the reconciliation read finds it.
  if (kit.isAts() && kit.declares("opportunity.find")) {
    auto found = kit.call("opportunity.find", {{"key", key}, {"email", email}, {"posting_id", input.at("posting_id")}});
    if (found) {
      const auto* o = found->if_contains("opportunity");
      EXPECT_TRUE(o != nullptr && o->is_object()) << "opportunity.find does not find the create whose answer was lost";
    }
  } else if (!kit.isAts() && kit.declares("candidate.find_by_email")) {
    auto found = kit.call("candidate.find_by_email", {{"email", email}});
    if (found) {
      const auto* c = found->if_contains("candidate");
      EXPECT_TRUE(c != nullptr && c->is_object()) << "candidate.find_by_email does not find the upsert whose answer was lost";
    }
  }
}

void checkPagination(Kit& kit) {
  kit.ensureStarted();
  const std::string operation = kit.isAts() ? "import.page" : "events.poll";
  const std::string list_key = kit.isAts() ? "opportunities" : "events";
  if (!kit.declares(operation)) GTEST_SKIP() << "the plugin does not declare " << operation;
  if (!kit.target().seed_many) GTEST_SKIP() << "no Target::seed_many";
  const std::int64_t seeded = kit.target().seed_many();
  ASSERT_GT(seeded, 1000) << "Target::seed_many must make more than 1,000 records";

  std::set<std::string> ids;
  json::object input = kit.inputFor(operation, {});
  int pages = 0;
  for (;; ++pages) {
    ASSERT_LT(pages, kit.target().max_pages) << operation << " did not end after " << pages << " pages";
    auto page = callPaced(kit, operation, input);
    ASSERT_TRUE(page.has_value()) << "page " << pages + 1;
    const auto& list = page->at(list_key).as_array();
    for (const auto& item : list) {
      const std::string id = text(item.as_object(), "id");
      EXPECT_TRUE(ids.insert(id).second) << operation << " answered " << id << " twice (page " << pages + 1 << ")";
    }
    const auto* cursor = page->if_contains("cursor");
    if (kit.isAts()) {
      // import.page: a null cursor ends the walk.
      if (cursor == nullptr || cursor->is_null()) break;
      ASSERT_FALSE(list.empty()) << "import.page answered an empty page with a cursor: the walk would never end";
      input["cursor"] = cursor->as_string();
    } else {
      // events.poll: an empty page ends the walk, and answers the cursor it was given.
      if (list.empty()) {
        const auto* given = input.if_contains("cursor");
        if (given != nullptr) {
          EXPECT_EQ(json::value(*cursor), json::value(*given)) << "an empty page must keep the cursor";
        }
        break;
      }
      ASSERT_TRUE(cursor != nullptr && cursor->is_string()) << "a page with events must give a cursor";
      input["cursor"] = cursor->as_string();
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(pages, 1) << operation << " answered everything in one page";
  EXPECT_GE(static_cast<std::int64_t>(ids.size()), seeded)
      << operation << " walked " << ids.size() << " records in " << pages + 1 << " pages, the sandbox holds " << seeded;
}

void checkBurst(Kit& kit) {
  kit.ensureStarted();
  const auto& limit = objectAt(kit.description(), "rate_limit");
  const double rate = number(limit, "requests_per_second");
  const double burst = number(limit, "burst");
  if (rate <= 0) GTEST_SKIP() << "the plugin declares no steady rate limit (rate_limit.requests_per_second)";
  if (!kit.target().rate_limited_count) GTEST_SKIP() << "no Target::rate_limited_count";
  // Twice the vendor's burst plus two seconds' worth: the host must pace it, not the vendor refuse it.
  const int calls = static_cast<int>(std::ceil(std::max(burst, 1.0) * 2 + rate * 2));
  const std::int64_t before = kit.target().rate_limited_count();
  const Answer a = invoke(kit.target(), "stages.list", kit.inputFor("stages.list", {}), {.repeat = calls});
  const std::int64_t after = kit.target().rate_limited_count();
  EXPECT_TRUE(a.ok()) << calls << " stages.list calls in a row must all succeed\n" << a.describe();
  EXPECT_EQ(after - before, 0) << "the sandbox answered 429 " << after - before << " times to " << calls
                               << " stages.list calls in a row under the declared " << rate << "/s (burst " << burst
                               << ")";
}

void checkWebhook(Kit& kit, WebhookCase which) {
  kit.ensureStarted();
  if (!kit.declares("webhook.parse")) GTEST_SKIP() << "the plugin does not declare webhook.parse";
  if (!kit.target().webhooks) GTEST_SKIP() << "no Target::webhooks";
  const WebhookSamples samples = kit.target().webhooks();
  const auto parse = [&kit](const WebhookDelivery& d) {
    json::array headers;
    for (const auto& [k, v] : d.headers) headers.push_back(json::array{json::string(k), json::string(v)});
    const json::object input{{"headers", headers},
                             {"received_at_ms", d.received_at_ms != 0 ? d.received_at_ms : nowMs()}};
    return invoke(kit.target(), "webhook.parse", kit.inputFor("webhook.parse", input), {.bytes = d.body});
  };
  if (which == WebhookCase::kStale && !samples.stale_not_refusable.empty()) {
    // The plugin cannot tell a replay from the vendor's own retry: it must at least be the same event again.
    const auto ids = [](const Answer& a) {
      std::vector<std::string> out;
      if (const auto* events = a.document.is_object() ? a.document.get_object().if_contains("events") : nullptr;
          events != nullptr && events->is_array()) {
        for (const auto& e : events->get_array()) out.push_back(text(e.as_object(), "id"));
      }
      return out;
    };
    const Answer good = parse(samples.good);
    const Answer stale = parse(samples.stale);
    ASSERT_TRUE(good.ok()) << good.describe();
    ASSERT_TRUE(stale.ok()) << "a stale delivery the plugin cannot refuse must parse like the good one\n"
                            << stale.describe();
    EXPECT_EQ(ids(stale), ids(good)) << "a replay must give the same event ids, or the host's inbox cannot drop it";
    if (::testing::Test::HasFailure()) return;
    GTEST_SKIP() << "stale deliveries are not refusable: " << samples.stale_not_refusable;
  }
  const WebhookDelivery& d =
      which == WebhookCase::kGood ? samples.good : which == WebhookCase::kTampered ? samples.tampered : samples.stale;
  const Answer a = parse(d);
  ASSERT_NE(a.exit_code, 3) << "webhook.parse answered off the schemas\n" << a.describe();
  if (which == WebhookCase::kGood) {
    ASSERT_TRUE(a.ok()) << "a correctly signed, fresh delivery must be accepted\n" << a.describe();
    const auto& doc = a.document.as_object();
    const auto* events = doc.if_contains("events");
    EXPECT_TRUE((events != nullptr && events->is_array() && !events->get_array().empty()) || doc.contains("ignored"))
        << "a verified delivery gave no event\n" << a.describe();
    return;
  }
  ASSERT_EQ(a.exit_code, 1) << (which == WebhookCase::kTampered ? "a tampered" : "a stale")
                            << " delivery must be refused\n" << a.describe();
  const auto& codes = which == WebhookCase::kStale ? samples.stale_refusal_codes : samples.refusal_codes;
  EXPECT_NE(std::find(codes.begin(), codes.end(), a.errorCode()), codes.end())
      << "refused with '" << a.errorCode() << "', expected one of the documented codes\n" << a.describe();
  EXPECT_FALSE(flag(a.document.as_object(), "retryable")) << "a refused signature is not worth retrying";
}

}  // namespace atsync::sdk::testkit::detail
