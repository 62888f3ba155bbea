// SPDX-License-Identifier: Apache-2.0
// The loader against real library files, one per way a plugin can be wrong. Each is refused with one line naming
// the file and the reason; none crashes the host.
#include "plugin/loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace atsync::host::plugin {
namespace {

const std::filesystem::path kFixtures = ATSYNC_FIXTURE_DIR;

std::filesystem::path fixture(const std::string& name) { return kFixtures / ("lib" + name + ".so"); }

std::string refusal(const std::string& name, const LoaderOptions& options = {}) {
  auto loaded = loadPlugin(fixture(name), options);
  if (loaded) return "(loaded)";
  EXPECT_EQ(loaded.error().file, std::filesystem::absolute(fixture(name)));
  EXPECT_NE(loaded.error().str().find(fixture(name).filename().string()), std::string::npos);
  return loaded.error().reason;
}

TEST(PluginLoader, LoadsPluginOfTheSameVersion) {
  auto loaded = loadPlugin(fixture("fixture_current"));
  ASSERT_TRUE(loaded) << loaded.error().str();
  EXPECT_EQ((*loaded)->name(), "fixture-current");
  EXPECT_EQ((*loaded)->manifest().role, "ats");
  EXPECT_EQ((*loaded)->abiVersion().str(), AbiVersion{}.str());
}

TEST(PluginLoader, LoadsPluginOfAnOlderMinor) {
  // Pretend to be a newer host: the plugin's table then is an older minor, which the host must accept.
  LoaderOptions newer_host;
  newer_host.host_abi = {ATSYNC_ABI_VERSION_MAJOR, static_cast<std::uint16_t>(ATSYNC_ABI_VERSION_MINOR + 2)};
  auto loaded = loadPlugin(fixture("fixture_current"), newer_host);
  ASSERT_TRUE(loaded) << loaded.error().str();
}

TEST(PluginLoader, RefusesNewerMinorNamingExpectedAndFound) {
  const std::string reason = refusal("fixture_newer_minor");
  const std::string found = std::to_string(ATSYNC_ABI_VERSION_MAJOR) + "." + std::to_string(ATSYNC_ABI_VERSION_MINOR + 1);
  EXPECT_NE(reason.find("found " + found), std::string::npos) << reason;
  EXPECT_NE(reason.find("newer"), std::string::npos) << reason;
}

TEST(PluginLoader, RefusesOtherMajor) {
  EXPECT_NE(refusal("fixture_other_major").find("found 2." + std::to_string(ATSYNC_ABI_VERSION_MINOR)),
            std::string::npos);
  EXPECT_NE(refusal("fixture_major_zero").find("found 0."), std::string::npos);
}

TEST(PluginLoader, RefusesMissingEntrySymbol) {
  EXPECT_NE(refusal("fixture_no_entry").find("missing entry symbol 'atsync_plugin_entry'"), std::string::npos);
}

TEST(PluginLoader, RefusesNonElfFile) {
  EXPECT_EQ(refusal("fixture_not_elf"), "not an ELF shared library");
}

TEST(PluginLoader, RefusesEmptyFile) {
  EXPECT_EQ(refusal("fixture_empty"), "empty file (expected an ELF shared library)");
}

TEST(PluginLoader, RefusesMissingFile) {
  EXPECT_EQ(refusal("fixture_that_does_not_exist"), "not a regular file");
}

TEST(PluginLoader, RefusesUnresolvedSymbolAtLoadTime) {
  const std::string reason = refusal("fixture_unresolved_symbol");
  EXPECT_NE(reason.find("cannot load"), std::string::npos) << reason;
  EXPECT_NE(reason.find("atsync_fixture_function_nobody_defines"), std::string::npos) << reason;
}

TEST(PluginLoader, RefusesMissingDependencyLibrary) {
  const std::string reason = refusal("fixture_missing_dependency");
  EXPECT_NE(reason.find("libatsync_fixture_dependency.so"), std::string::npos) << reason;
}

TEST(PluginLoader, RefusesThrowingEntryPoint) {
  EXPECT_EQ(refusal("fixture_throwing_entry"), "entry point threw an exception: entry exploded");
}

TEST(PluginLoader, RefusesThrowingDescribe) {
  EXPECT_EQ(refusal("fixture_throwing_describe"), "describe threw an exception: describe exploded");
}

TEST(PluginLoader, RefusesDescribeFailureReportedThroughSdkEdge) {
  const std::string reason = refusal("fixture_sdk_describe_throws");
  EXPECT_NE(reason.find("describe failed"), std::string::npos) << reason;
  EXPECT_NE(reason.find("describe exploded inside the SDK edge"), std::string::npos) << reason;
}

TEST(PluginLoader, RefusesNullTableAndBrokenTables) {
  EXPECT_EQ(refusal("fixture_null_table"), "entry point returned no function table");
  EXPECT_EQ(refusal("fixture_tiny_table"), "function table is too small (4 bytes)");
  EXPECT_EQ(refusal("fixture_null_slot"), "function table has an empty slot");
}

// The size of the v1.0 table, as a plugin of this build declares it (48 on LP64).
const std::string kV10Bytes = std::to_string(ATSYNC_PLUGIN_API_SIZE_1_0);
// The version the fixtures declare by default (this build's), as the loader's messages name it.
const std::string kThisAbi = "ABI " + std::to_string(ATSYNC_ABI_VERSION_MAJOR) + "." + std::to_string(ATSYNC_ABI_VERSION_MINOR);

TEST(PluginLoader, RefusesTruncatedTableNamingFoundAndExpectedSize) {
  // A real table object one slot short of 1.0, declaring its true size: the host must not read the missing slot.
  const std::string truncated = std::to_string(ATSYNC_PLUGIN_API_SIZE_1_0 - sizeof(void*));
  EXPECT_EQ(refusal("fixture_truncated_table"),
            "function table of " + truncated + " bytes is truncated: it lacks ABI 1.0 slots (expected at least " +
                kV10Bytes + " bytes, the ABI 1.0 table)");
  // A full table whose header claims less.
  EXPECT_EQ(refusal("fixture_short_table"),
            "function table of 24 bytes is truncated: it lacks ABI 1.0 slots (expected at least " + kV10Bytes +
                " bytes, the ABI 1.0 table)");
}

TEST(PluginLoader, RefusesBogusTableSizeNamingFoundAndExpectedSize) {
  // No minor up to 1.1 appended a slot, so this build's version still has the 1.0 table's size.
  EXPECT_EQ(refusal("fixture_bogus_size"), "function table of 4096 bytes does not match its version, expected " +
                                               kV10Bytes + " for " + kThisAbi + " (a garbage size?)");
  const std::string odd = refusal("fixture_odd_size");
  EXPECT_NE(odd.find("function table of " + std::to_string(0xdeadbeefu) + " bytes is not a header and whole"),
            std::string::npos)
      << odd;
  EXPECT_NE(odd.find("expected " + kV10Bytes + " for " + kThisAbi), std::string::npos) << odd;
}

TEST(PluginLoader, RefusesGrownTableOfNewerMinorOnThisHost) {
  // A newer minor is refused by the version rule before its size matters.
  EXPECT_NE(refusal("fixture_grown_table").find("newer"), std::string::npos);
}

TEST(PluginLoader, AcceptsGrownTableOfNewerMinorOnNewerHost) {
  // Append-only evolution: a host of that newer minor takes the larger table and uses the 1.0 slots it knows.
  LoaderOptions newer_host;
  newer_host.host_abi = {ATSYNC_ABI_VERSION_MAJOR, static_cast<std::uint16_t>(ATSYNC_ABI_VERSION_MINOR + 1)};
  auto loaded = loadPlugin(fixture("fixture_grown_table"), newer_host);
  ASSERT_TRUE(loaded) << loaded.error().str();
  EXPECT_EQ((*loaded)->name(), "fixture-grown-table");
  EXPECT_EQ((*loaded)->api().header.struct_size, ATSYNC_PLUGIN_API_SIZE_1_0 + sizeof(void*));
}

TEST(PluginLoader, LoadsPluginWhoseTableIsExactlyTheVersionsSize) {
  auto loaded = loadPlugin(fixture("fixture_current"));
  ASSERT_TRUE(loaded) << loaded.error().str();
  EXPECT_EQ((*loaded)->api().header.struct_size, sizeof(atsync_plugin_api));
  auto sdk_built = loadPlugin(fixture("fixture_sdk"));
  ASSERT_TRUE(sdk_built) << sdk_built.error().str();
  EXPECT_EQ((*sdk_built)->api().header.struct_size, sizeof(atsync_plugin_api));
}

TEST(PluginLoader, LoadsAPluginBuiltAgainstSdk10) {
  static_assert(ATSYNC_ABI_VERSION_MINOR >= 1, "this host is at least SDK 1.1");
  auto loaded = loadPlugin(fixture("fixture_sdk_1_0"));
  ASSERT_TRUE(loaded) << loaded.error().str();
  EXPECT_EQ((*loaded)->api().header.abi_minor, 0);
  EXPECT_EQ((*loaded)->api().header.struct_size, ATSYNC_PLUGIN_API_SIZE_1_0);
}

TEST(PluginLoader, RefusesInvalidDescriptions) {
  EXPECT_NE(refusal("fixture_bad_json").find("description is not valid JSON"), std::string::npos);
  EXPECT_NE(refusal("fixture_bad_role").find("'role' must be \"ats\" or \"platform\""), std::string::npos);
}

// Issue 16: a null method crashed `atsync postings` (SIGSEGV) and a mistyped name became a capability. The SDK
// refuses both when the plugin describes itself, so the host refuses the plugin before any operation can be called.
TEST(PluginLoader, LoadsAPluginWhoseOperationTableIsRight) {
  auto loaded = loadPlugin(fixture("fixture_operation_table"));
  ASSERT_TRUE(loaded) << loaded.error().str();
  EXPECT_EQ((*loaded)->manifest().capabilities, (std::vector<std::string>{"stages.list", "postings.list"}));
}

TEST(PluginLoader, RefusesANullMethodNamingPluginAndOperation) {
  EXPECT_EQ(refusal("fixture_null_method"),
            "describe failed: plugin 'fixture-null-method': operation 'postings.list' has no method (a null entry in "
            "its operation table)");
}

TEST(PluginLoader, RefusesAnUnknownOperationNameWithDidYouMean) {
  EXPECT_EQ(refusal("fixture_unknown_operation"),
            "describe failed: plugin 'fixture-unknown-operation': unknown operation 'posting.list' (did you mean "
            "'postings.list'?)");
}

TEST(PluginLoader, RefusesAnUnknownOperationNameFarFromAnyKnownOne) {
  EXPECT_EQ(refusal("fixture_strange_operation"),
            "describe failed: plugin 'fixture-strange-operation': unknown operation 'jobs' (not an operation of "
            "sdk/schema/operations.md; mark an operation of the plugin's own OperationKind::kPluginSpecific)");
}

TEST(PluginLoader, RefusesAnOperationListedTwice) {
  EXPECT_EQ(refusal("fixture_duplicate_operation"),
            "describe failed: plugin 'fixture-duplicate-operation': operation 'stages.list' is listed twice");
}

TEST(PluginLoader, DirectoryScanLoadsGoodPluginsAndListsEveryRefusal) {
  auto set = loadDirectory(kFixtures);
  ASSERT_TRUE(set) << set.error();
  EXPECT_TRUE(set->find("fixture-current"));
  EXPECT_TRUE(set->find("fixture-sdk"));
  EXPECT_FALSE(set->find("bad-role"));
  // Every broken fixture is refused; none takes the scan down.
  EXPECT_GE(set->refused.size(), 18u);
  bool twin_refused = false;
  for (const auto& r : set->refused) {
    if (r.reason.find("plugin name 'fixture-sdk' is already provided by") != std::string::npos) twin_refused = true;
  }
  EXPECT_TRUE(twin_refused) << "two libraries describing the same plugin name must not both load";
  // A bad operation table costs its own plugin only: the scan goes on, the right table beside it loads.
  EXPECT_TRUE(set->find("fixture-operation-table"));
  EXPECT_FALSE(set->find("fixture-null-method"));
  bool null_method_refused = false;
  for (const auto& r : set->refused) {
    if (r.reason.find("operation 'postings.list' has no method") != std::string::npos) null_method_refused = true;
  }
  EXPECT_TRUE(null_method_refused);
}

TEST(PluginLoader, DirectoryScanOfMissingFolderIsAnError) {
  auto set = loadDirectory(kFixtures / "no-such-folder");
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace atsync::host::plugin
