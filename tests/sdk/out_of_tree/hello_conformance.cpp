// SPDX-License-Identifier: Apache-2.0
// A plugin author's conformance program, built from the installed package (atsync::sdk_testkit). The out-of-tree
// test only lists its checks: running them needs a sandbox, which this hello plugin has none of.
#include <atsync/sdk/testkit/conformance.hpp>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  atsync::sdk::testkit::Target target;
  target.name = "Hello";
  target.atsync = "atsync";
  target.config_file = "atsync.yaml";
  target.connection_id = "hello";
  target.side = atsync::sdk::testkit::Side::kAts;
  target.inputs["hello"] = {};
  atsync::sdk::testkit::registerConformanceTests(target);
  return RUN_ALL_TESTS();
}
