// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The SDK conformance kit: GoogleTest cases that check a plugin against the SDK contract (sdk/schema) through
/// the real host. A conformance program is a main() that builds a Target and calls registerConformanceTests():
///
///     int main(int argc, char** argv) {
///       testing::InitGoogleTest(&argc, argv);
///       atsync::sdk::testkit::registerConformanceTests(myTarget());
///       return RUN_ALL_TESTS();
///     }
///
/// Checks (suite `<Target::name>Conformance`, docs/plugin-authoring.md describes each): Describe; one
/// `Operation_<op>` per operation of the side (a declared one answers valid against answers.schema.json and
/// consistently with the others, an undeclared one answers not_supported); ServerErrorIsRetryable,
/// RateLimitedIsRetryableAfter, DroppedWriteIsOutcomeUnknown, PaginatesOverThousandRecords,
/// BurstStaysUnderRateLimit, WebhookGoodSignatureAccepted, WebhookTamperedRefused, WebhookStaleRefused.

#include "atsync/sdk/testkit/invoker.hpp"
#include "atsync/sdk/testkit/support.hpp"
#include "atsync/sdk/testkit/target.hpp"

namespace atsync::sdk::testkit {

/// Registers the checks for `target` with GoogleTest (testing::RegisterTest) and a testing::Environment that calls
/// start() before them and stop() after. Call after testing::InitGoogleTest and before RUN_ALL_TESTS.
void registerConformanceTests(Target target);

}  // namespace atsync::sdk::testkit
