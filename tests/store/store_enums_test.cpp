// SPDX-License-Identifier: Apache-2.0
// The enumerated columns: each value's spelling is the TEXT the database has always held, it reads back as the same
// value on every backend, and a spelling the host does not know fails the read instead of becoming a default.
#include "store_fixture.hpp"

#include "store/store_enums.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace atsync::host::store::testing {
namespace {

using Poco::Data::Keywords::now;
using ::testing::AllOf;
using ::testing::HasSubstr;

template <class E>
void expectRoundTrips(std::initializer_list<std::pair<E, std::string_view>> values) {
  for (const auto& [value, spelling] : values) {
    EXPECT_EQ(toString(value), spelling);
    EXPECT_EQ(fromString<E>(spelling), value) << spelling;
  }
  EXPECT_EQ(values.size(), detail::EnumSpellings<E>::kNames.size()) << "a value is missing from this test";
}

TEST(StoreEnums, SpellingsAreTheStoredTexts) {
  // These texts are in existing databases and in the admin API, CLI and metrics: changing one breaks both.
  expectRoundTrips<EventSide>({{EventSide::kAts, "ats"}, {EventSide::kPlatform, "platform"}});
  expectRoundTrips<InboxStatus>({{InboxStatus::kPending, "pending"},
                                 {InboxStatus::kProcessed, "processed"},
                                 {InboxStatus::kIgnored, "ignored"},
                                 {InboxStatus::kFailed, "failed"}});
  expectRoundTrips<CommandState>({{CommandState::kPending, "pending"},
                                  {CommandState::kInFlight, "in_flight"},
                                  {CommandState::kDone, "done"},
                                  {CommandState::kDead, "dead"},
                                  {CommandState::kSkipped, "skipped"}});
  expectRoundTrips<LinkProvenance>(
      {{LinkProvenance::kCreatedByPlatform, "created_by_platform"}, {LinkProvenance::kImported, "imported"}});
  expectRoundTrips<MappingDirection>(
      {{MappingDirection::kAtsToPlatform, "ats_to_platform"}, {MappingDirection::kPlatformToAts, "platform_to_ats"}});
  expectRoundTrips<MappingOrigin>(
      {{MappingOrigin::kConfig, "config"}, {MappingOrigin::kDefault, "default"}, {MappingOrigin::kAdmin, "admin"}});
  expectRoundTrips<ActivityLevel>(
      {{ActivityLevel::kInfo, "info"}, {ActivityLevel::kWarn, "warn"}, {ActivityLevel::kError, "error"}});
}

TEST(StoreEnums, OnlyExactSpellingsParse) {
  EXPECT_EQ(fromString<CommandState>(""), std::nullopt);
  EXPECT_EQ(fromString<CommandState>("Dead"), std::nullopt);
  EXPECT_EQ(fromString<CommandState>("dead "), std::nullopt);
  EXPECT_EQ(fromString<CommandState>("in-flight"), std::nullopt);
  EXPECT_EQ(fromString<EventSide>("pending"), std::nullopt) << "another enumeration's spelling";
  EXPECT_EQ(spellings<CommandState>(), "pending, in_flight, done, dead, skipped");
  std::ostringstream out;
  out << CommandState::kInFlight << " " << LinkProvenance::kImported;
  EXPECT_EQ(out.str(), "in_flight imported");
}

TEST(StoreEnums, CountsBySpellingKeepTheAlphabeticalOrder) {
  const std::map<CommandState, std::int64_t> counts{
      {CommandState::kPending, 1}, {CommandState::kInFlight, 2}, {CommandState::kDead, 3}};
  const auto by = bySpelling(counts);
  std::vector<std::string> order;
  for (const auto& [name, n] : by) order.push_back(name);
  EXPECT_EQ(order, (std::vector<std::string>{"dead", "in_flight", "pending"}));
  EXPECT_EQ(by.at("in_flight"), 2);
}

TEST_P(StoreContract, EnumeratedColumnsReadBackAsWritten) {
  store().transact([](Transaction& tx) {
    auto e = event("e1", 1000);
    e.side = EventSide::kAts;
    ASSERT_TRUE(tx.insertEvent(e));
    ASSERT_TRUE(tx.insertCommand(command("k1", "g1"), 1000));
    tx.upsertLink(Link{.connection_id = "acme", .candidate_id = "c1", .opportunity_id = "o1",
                       .provenance = LinkProvenance::kImported});
    StageMappingRow row;
    row.from_stage = "lead-new";
    row.to_stage = "prospect";
    row.origin = MappingOrigin::kDefault;
    tx.replaceStageMappings("acme", MappingDirection::kPlatformToAts, {row});
    tx.addActivity({.connection_id = "acme", .level = ActivityLevel::kWarn, .kind = "k", .message = "m"});
  });
  {
    // What the database holds is the text it always held.
    auto raw = rawSessionInSchema();
    std::string side, status, state, provenance, direction, origin, level;
    raw << "SELECT side, status FROM inbox", Poco::Data::Keywords::into(side), Poco::Data::Keywords::into(status), now;
    raw << "SELECT state FROM commands", Poco::Data::Keywords::into(state), now;
    raw << "SELECT provenance FROM links", Poco::Data::Keywords::into(provenance), now;
    raw << "SELECT direction, origin FROM stage_mappings", Poco::Data::Keywords::into(direction),
        Poco::Data::Keywords::into(origin), now;
    raw << "SELECT level FROM activity", Poco::Data::Keywords::into(level), now;
    EXPECT_EQ(side, "ats");
    EXPECT_EQ(status, "pending");
    EXPECT_EQ(state, "pending");
    EXPECT_EQ(provenance, "imported");
    EXPECT_EQ(direction, "platform_to_ats");
    EXPECT_EQ(origin, "default");
    EXPECT_EQ(level, "warn");
  }
  store().transact([](Transaction& tx) {
    const auto events = tx.pendingEvents("acme", 10);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].side, EventSide::kAts);
    EXPECT_EQ(events[0].status, InboxStatus::kPending);
    EXPECT_EQ(tx.commandByKey("acme", "k1")->state, CommandState::kPending);
    EXPECT_EQ(tx.linkByCandidate("acme", "c1")->provenance, LinkProvenance::kImported);
    const auto rows = tx.stageMappings("acme");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].direction, MappingDirection::kPlatformToAts);
    EXPECT_EQ(rows[0].origin, MappingOrigin::kDefault);
    EXPECT_EQ(tx.activity({.level = ActivityLevel::kWarn}).size(), 1u);
    EXPECT_TRUE(tx.activity({.level = ActivityLevel::kError}).empty());
  });
}

TEST_P(StoreContract, AnUnknownStateInARowIsAnErrorNamingTheColumnAndTheValue) {
  store().transact([](Transaction& tx) { ASSERT_TRUE(tx.insertCommand(command("k1", "g1"), 1000)); });
  {
    auto raw = rawSessionInSchema();
    raw << "UPDATE commands SET state = 'paused'", now;
  }
  const auto message = [&](const std::function<void(Transaction&)>& read) {
    try {
      store().transact(read);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  const auto names = AllOf(HasSubstr("commands.state"), HasSubstr("'paused'"),
                           HasSubstr("pending, in_flight, done, dead, skipped"));
  EXPECT_THAT(message([](Transaction& tx) { tx.commandByKey("acme", "k1"); }), names);
  EXPECT_THAT(message([](Transaction& tx) { tx.counts("acme"); }), names);
  // The failed read leaves the store usable: once the row is fixed it reads again, through the same statement.
  {
    auto raw = rawSessionInSchema();
    raw << "UPDATE commands SET state = 'dead'", now;
  }
  store().transact([](Transaction& tx) {
    EXPECT_EQ(tx.commandByKey("acme", "k1")->state, CommandState::kDead);
    EXPECT_EQ(tx.counts("acme").commands_by_state.at(CommandState::kDead), 1);
  });
}

TEST_P(StoreContract, AnUnknownProvenanceOrSideIsAnErrorToo) {
  store().transact([](Transaction& tx) {
    ASSERT_TRUE(tx.insertEvent(event("e1", 1000)));
    tx.upsertLink(Link{.connection_id = "acme", .candidate_id = "c1", .opportunity_id = "o1"});
  });
  {
    auto raw = rawSessionInSchema();
    raw << "UPDATE links SET provenance = 'migrated'", now;
    raw << "UPDATE inbox SET side = 'PLATFORM'", now;
  }
  EXPECT_THROW(
      {
        try {
          store().transact([](Transaction& tx) { tx.linkByCandidate("acme", "c1"); });
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), AllOf(HasSubstr("links.provenance"), HasSubstr("'migrated'")));
          throw;
        }
      },
      std::runtime_error);
  EXPECT_THROW(
      {
        try {
          store().transact([](Transaction& tx) { tx.pendingEvents("acme", 10); });
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), AllOf(HasSubstr("inbox.side"), HasSubstr("'PLATFORM'")));
          throw;
        }
      },
      std::runtime_error);
}

}  // namespace
}  // namespace atsync::host::store::testing
