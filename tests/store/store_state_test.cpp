// SPDX-License-Identifier: Apache-2.0
// Links, cursors, marks, plugin state, stage mappings, activity, connection state, tokens and counts, on every backend.
#include "store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::host::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Link link(std::string candidate, std::string opportunity, std::string connection = "acme") {
  Link l;
  l.connection_id = std::move(connection);
  l.candidate_id = std::move(candidate);
  l.opportunity_id = std::move(opportunity);
  l.contact_id = "contact-1";
  l.provenance = LinkProvenance::kCreatedByPlatform;
  l.posting_id = "posting-1";
  l.platform_stage = "prospect";
  l.ats_stage = "lead-new";
  l.created_at_ms = 1000;
  l.updated_at_ms = 1000;
  return l;
}

TEST_P(StoreContract, LinkUpsertAndLookupBothWays) {
  store().transact([](Transaction& tx) { tx.upsertLink(link("cand-1", "opp-1")); });
  const auto by_candidate = in(store(), [](Transaction& tx) { return tx.linkByCandidate("acme", "cand-1"); });
  ASSERT_TRUE(by_candidate.has_value());
  EXPECT_EQ(by_candidate->opportunity_id, "opp-1");
  EXPECT_EQ(by_candidate->contact_id, "contact-1");
  EXPECT_EQ(by_candidate->provenance, LinkProvenance::kCreatedByPlatform);
  EXPECT_EQ(by_candidate->posting_id, std::optional<std::string>("posting-1"));
  EXPECT_FALSE(by_candidate->flow_id.has_value());
  EXPECT_EQ(by_candidate->platform_stage, "prospect");
  EXPECT_EQ(by_candidate->ats_stage, "lead-new");
  const auto by_opportunity = in(store(), [](Transaction& tx) { return tx.linkByOpportunity("acme", "opp-1"); });
  ASSERT_TRUE(by_opportunity.has_value());
  EXPECT_EQ(by_opportunity->candidate_id, "cand-1");
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.linkByOpportunity("globex", "opp-1"); }).has_value());

  // The same candidate again: updated in place, first link time kept.
  auto moved = link("cand-1", "opp-2");
  moved.provenance = LinkProvenance::kImported;
  moved.posting_id.reset();
  moved.flow_id = "flow-7";
  moved.ats_stage = "interview";
  moved.created_at_ms = 5000;
  moved.updated_at_ms = 5000;
  store().transact([&](Transaction& tx) { tx.upsertLink(moved); });
  const auto updated = in(store(), [](Transaction& tx) { return tx.linkByCandidate("acme", "cand-1"); });
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->opportunity_id, "opp-2");
  EXPECT_EQ(updated->provenance, LinkProvenance::kImported);
  EXPECT_FALSE(updated->posting_id.has_value());
  EXPECT_EQ(updated->flow_id, std::optional<std::string>("flow-7"));
  EXPECT_EQ(updated->ats_stage, "interview");
  EXPECT_EQ(updated->created_at_ms, 1000);
  EXPECT_EQ(updated->updated_at_ms, 5000);
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.linkByOpportunity("acme", "opp-1"); }).has_value());
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.counts("acme"); }).links, 1);
}

TEST_P(StoreContract, AnOpportunityLinksToOneCandidateOnly) {
  store().transact([](Transaction& tx) { tx.upsertLink(link("cand-1", "opp-1")); });
  EXPECT_ANY_THROW(store().transact([](Transaction& tx) { tx.upsertLink(link("cand-2", "opp-1")); }));
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.linkByCandidate("acme", "cand-2"); }).has_value());
  // Another connection may link the same opportunity id.
  store().transact([](Transaction& tx) { tx.upsertLink(link("cand-2", "opp-1", "globex")); });
}

TEST_P(StoreContract, LinksArePagedInCandidateOrder) {
  store().transact([](Transaction& tx) {
    for (const char* c : {"c3", "c1", "c4", "c2"}) tx.upsertLink(link(c, std::string("opp-") + c));
    tx.upsertLink(link("c0", "opp-x", "globex"));
  });
  auto page = [&](int limit, int offset) {
    std::vector<std::string> out;
    for (const auto& l : in(store(), [&](Transaction& tx) { return tx.links("acme", limit, offset); })) {
      out.push_back(l.candidate_id);
    }
    return out;
  };
  EXPECT_THAT(page(3, 0), ElementsAre("c1", "c2", "c3"));
  EXPECT_THAT(page(3, 3), ElementsAre("c4"));
  EXPECT_THAT(page(3, 6), IsEmpty());
}

TEST_P(StoreContract, CursorsAreSetAndReadPerConnection) {
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.cursor("acme", "lever.changes"); }).has_value());
  store().transact([](Transaction& tx) {
    tx.setCursor("acme", "lever.changes", "page-1");
    tx.setCursor("globex", "lever.changes", "other");
  });
  store().transact([](Transaction& tx) { tx.setCursor("acme", "lever.changes", "page-2"); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.cursor("acme", "lever.changes"); }),
            std::optional<std::string>("page-2"));
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.cursor("globex", "lever.changes"); }),
            std::optional<std::string>("other"));
  store().transact([](Transaction& tx) { tx.setCursor("acme", "import", ""); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.cursor("acme", "import"); }), std::optional<std::string>(""))
      << "an empty cursor is still a cursor";
}

TEST_P(StoreContract, AMarkReadsAsAbsentFromItsExpiryOn) {
  using Mark = std::optional<std::string>;
  store().transact([](Transaction& tx) {
    tx.setMark("acme", "stage-seen:ats:opp-1", "1500", 5000);
    tx.setMark("globex", "stage-seen:ats:opp-1", "other", 9000);
  });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("acme", "stage-seen:ats:opp-1", 4999); }), Mark("1500"));
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("acme", "stage-seen:ats:opp-1", 5000); }), std::nullopt)
      << "expired at expires_at_ms itself";
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("globex", "stage-seen:ats:opp-1", 5000); }), Mark("other"))
      << "marks are per connection";
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("acme", "never-set", 0); }), std::nullopt);
  // Setting it again replaces value and expiry, and brings an expired mark back.
  store().transact([](Transaction& tx) { tx.setMark("acme", "stage-seen:ats:opp-1", "2500", 8000); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("acme", "stage-seen:ats:opp-1", 6000); }), Mark("2500"));
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.deleteMark("acme", "stage-seen:ats:opp-1"); }));
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.deleteMark("acme", "stage-seen:ats:opp-1"); }));
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("acme", "stage-seen:ats:opp-1", 0); }), std::nullopt);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("globex", "stage-seen:ats:opp-1", 0); }), Mark("other"));
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.cursor("acme", "stage-seen:ats:opp-1"); }), std::nullopt)
      << "marks are not cursors";
}

TEST_P(StoreContract, AMarkWithoutAConnectionOrNameIsRefused) {
  try {
    store().transact([](Transaction& tx) { tx.setMark("acme", "", "v", 1000); });
    FAIL() << "an empty mark name was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "setMark: connection id and mark name must not be empty (got 'acme', '')");
  }
  EXPECT_THROW(store().transact([](Transaction& tx) { tx.setMark("", "name", "v", 1000); }), std::invalid_argument);
}

TEST_P(StoreContract, PluginStateIsPutAndErased) {
  store().transact([](Transaction& tx) {
    tx.setPluginState("acme", "lever", "webhook_id", std::string_view("wh-1"));
    tx.setPluginState("acme", "kula", "webhook_id", std::string_view("k-1"));
  });
  store().transact([](Transaction& tx) { tx.setPluginState("acme", "lever", "webhook_id", std::string_view("wh-2")); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pluginState("acme", "lever", "webhook_id"); }),
            std::optional<std::string>("wh-2"));
  store().transact([](Transaction& tx) { tx.setPluginState("acme", "lever", "webhook_id", std::nullopt); });
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.pluginState("acme", "lever", "webhook_id"); }).has_value());
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pluginState("acme", "kula", "webhook_id"); }),
            std::optional<std::string>("k-1"));
  // Erasing what is not there is fine.
  store().transact([](Transaction& tx) { tx.setPluginState("acme", "lever", "never", std::nullopt); });
}

TEST_P(StoreContract, StageMappingsAreReplacedPerDirection) {
  auto row = [](std::string from, std::string to, MappingOrigin origin) {
    StageMappingRow r;
    r.from_stage = std::move(from);
    r.to_stage = std::move(to);
    r.origin = origin;
    return r;
  };
  store().transact([&](Transaction& tx) {
    tx.replaceStageMappings("acme", MappingDirection::kAtsToPlatform,
                            {row("lead-new", "prospect", MappingOrigin::kDefault),
                             row("interview", "interviewing", MappingOrigin::kDefault)});
    tx.replaceStageMappings("acme", MappingDirection::kPlatformToAts,
                            {row("prospect", "lead-new", MappingOrigin::kConfig)});
    tx.replaceStageMappings("globex", MappingDirection::kAtsToPlatform, {row("x", "y", MappingOrigin::kConfig)});
  });
  store().transact([&](Transaction& tx) {
    tx.replaceStageMappings("acme", MappingDirection::kAtsToPlatform, {row("offer", "offered", MappingOrigin::kAdmin)});
  });
  const auto rows = in(store(), [](Transaction& tx) { return tx.stageMappings("acme"); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].connection_id, "acme");
  EXPECT_EQ(rows[0].direction, MappingDirection::kAtsToPlatform);
  EXPECT_EQ(rows[0].from_stage, "offer");
  EXPECT_EQ(rows[0].to_stage, "offered");
  EXPECT_EQ(rows[0].origin, MappingOrigin::kAdmin);
  EXPECT_EQ(rows[1].direction, MappingDirection::kPlatformToAts);
  EXPECT_EQ(rows[1].from_stage, "prospect");
  EXPECT_EQ(rows[1].origin, MappingOrigin::kConfig);
  store().transact([](Transaction& tx) { tx.replaceStageMappings("acme", MappingDirection::kPlatformToAts, {}); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.stageMappings("acme"); }).size(), 1u);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.stageMappings("globex"); }).size(), 1u);
}

TEST_P(StoreContract, ActivityIsPagedNewestFirstAndFiltered) {
  store().transact([](Transaction& tx) {
    for (int i = 1; i <= 7; ++i) {
      ActivityEntry a;
      a.connection_id = i % 2 == 0 ? "globex" : "acme";
      a.at_ms = i * 100;
      a.level = i == 3 ? ActivityLevel::kWarn : ActivityLevel::kInfo;
      a.kind = i <= 4 ? "opportunity_created" : "unmapped_stage";
      a.subject = "cand-" + std::to_string(i);
      a.message = "entry " + std::to_string(i);
      tx.addActivity(a);
    }
  });
  auto subjects = [&](ActivityQuery q) {
    std::vector<std::string> out;
    for (const auto& a : in(store(), [&](Transaction& tx) { return tx.activity(q); })) out.push_back(a.subject);
    return out;
  };
  EXPECT_THAT(subjects({.limit = 3}), ElementsAre("cand-7", "cand-6", "cand-5"));
  const auto top = in(store(), [](Transaction& tx) { return tx.activity({.limit = 1}); });
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].connection_id, "acme");
  EXPECT_EQ(top[0].at_ms, 700);
  EXPECT_EQ(top[0].level, ActivityLevel::kInfo);
  EXPECT_EQ(top[0].kind, "unmapped_stage");
  EXPECT_EQ(top[0].message, "entry 7");
  EXPECT_THAT(subjects({.before_id = top[0].id, .limit = 2}), ElementsAre("cand-6", "cand-5")) << "next page";
  EXPECT_THAT(subjects({.connection_id = "acme"}), ElementsAre("cand-7", "cand-5", "cand-3", "cand-1"));
  EXPECT_THAT(subjects({.connection_id = "acme", .kind = "opportunity_created"}), ElementsAre("cand-3", "cand-1"));
  EXPECT_THAT(subjects({.level = ActivityLevel::kWarn}), ElementsAre("cand-3"));
  EXPECT_THAT(subjects({.connection_id = "globex", .kind = "opportunity_created", .level = ActivityLevel::kInfo,
                        .before_id = top[0].id - 4}),
              ElementsAre("cand-2"));
}

TEST_P(StoreContract, ConnectionStateAndTokensRoundTrip) {
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.connectionState("acme"); }).has_value());
  store().transact([](Transaction& tx) { tx.setConnectionState("acme", R"({"health":"ok"})"); });
  store().transact([](Transaction& tx) { tx.setConnectionState("acme", R"({"needs_reauthorization":true})"); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.connectionState("acme"); }),
            std::optional<std::string>(R"({"needs_reauthorization":true})"));

  // Ciphertext is bytes: NULs, high bytes, quotes and backslashes must come back unchanged.
  std::string ciphertext("\x00\x01\xff\xfe'\"\\x00end", 13);
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.tokens("acme", "lever"); }).has_value());
  store().transact([&](Transaction& tx) { tx.setTokens("acme", "lever", ciphertext); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.tokens("acme", "lever"); }), std::optional(ciphertext));
  store().transact([](Transaction& tx) { tx.setTokens("acme", "lever", "rotated"); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.tokens("acme", "lever"); }),
            std::optional<std::string>("rotated"));
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.tokens("acme", "kula"); }).has_value());
}

TEST_P(StoreContract, ATokenRefreshClaimHasOneHolderUntilSavedReleasedOrExpired) {
  const auto claim = [&](const char* holder, std::int64_t now, std::int64_t until) {
    return in(store(), [&](Transaction& tx) { return tx.claimTokenRefresh("acme", "lever", holder, now, until); });
  };
  EXPECT_FALSE(claim("server", 1000, 31000)) << "no tokens row: nothing to claim";
  store().transact([](Transaction& tx) { tx.setTokens("acme", "lever", "sealed-0"); });
  EXPECT_TRUE(claim("server", 1000, 31000));
  EXPECT_FALSE(claim("import", 2000, 32000)) << "held by another";
  EXPECT_TRUE(claim("server", 2000, 32000)) << "the holder may renew";
  store().transact([](Transaction& tx) { tx.setTokens("acme", "lever", "sealed-1"); });  // saved: claim cleared
  EXPECT_TRUE(claim("import", 3000, 33000));
  store().transact([](Transaction& tx) { tx.releaseTokenRefresh("acme", "lever", "server"); });  // not the holder
  EXPECT_FALSE(claim("server", 4000, 34000));
  store().transact([](Transaction& tx) { tx.releaseTokenRefresh("acme", "lever", "import"); });
  EXPECT_TRUE(claim("server", 5000, 35000));
  EXPECT_TRUE(claim("import", 35001, 65001)) << "expired: taken over";
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.tokens("acme", "lever"); }),
            std::optional<std::string>("sealed-1"))
      << "claims never touch the tokens";
}

TEST_P(StoreContract, OAuthTicketsAndStatesAreSingleUseAndPruned) {
  store().transact([](Transaction& tx) {
    tx.addOAuthTicket({"ticket-hash", "acme", 60000});
    tx.addOAuthState({"state-hash", "acme", "lever", "secret-hash", 600000, false});
  });
  const auto ticket = in(store(), [](Transaction& tx) { return tx.takeOAuthTicket("ticket-hash"); });
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(ticket->connection_id, "acme");
  EXPECT_EQ(ticket->expires_at_ms, 60000);
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.takeOAuthTicket("ticket-hash"); }).has_value());

  const auto state = in(store(), [](Transaction& tx) { return tx.oauthState("state-hash"); });
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->plugin, "lever");
  EXPECT_EQ(state->browser_secret_hash, "secret-hash");
  EXPECT_FALSE(state->used);
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.useOAuthState("state-hash"); }));
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.useOAuthState("state-hash"); })) << "single use";
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.oauthState("state-hash"); })->used);

  store().transact([](Transaction& tx) { tx.addOAuthTicket({"later", "acme", 120000}); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneOAuth(90000, 500000); }), 0);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneOAuth(120000, 600000); }), 2);
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.oauthState("state-hash"); }).has_value());
}

TEST_P(StoreContract, CountsGroupInboxCommandsAndLinks) {
  store().transact([](Transaction& tx) {
    tx.insertEvent(event("e1"));
    tx.insertEvent(event("e2"));
    tx.insertEvent(event("e3", 1000, "globex"));
    tx.insertCommand(command("k1", "g1"), 1);
    tx.insertCommand(command("k2", "g2"), 1);
    tx.insertCommand(command("k3", "g3", "globex"), 1);
    tx.upsertLink(link("c1", "o1"));
  });
  store().transact([](Transaction& tx) {
    auto c = *tx.commandByKey("acme", "k1");
    c.state = CommandState::kDead;
    tx.updateCommand(c);
    tx.setEventStatus(tx.pendingEvents("acme", 1).front().id, InboxStatus::kProcessed, "", 5);
  });
  const auto acme = in(store(), [](Transaction& tx) { return tx.counts("acme"); });
  EXPECT_EQ(acme.inbox_by_status,
            (std::map<InboxStatus, std::int64_t>{{InboxStatus::kPending, 1}, {InboxStatus::kProcessed, 1}}));
  EXPECT_EQ(acme.commands_by_state,
            (std::map<CommandState, std::int64_t>{{CommandState::kDead, 1}, {CommandState::kPending, 1}}));
  EXPECT_EQ(acme.links, 1);
  const auto all = in(store(), [](Transaction& tx) { return tx.counts(""); });
  EXPECT_EQ(all.inbox_by_status.at(InboxStatus::kPending), 2);
  EXPECT_EQ(all.commands_by_state.at(CommandState::kPending), 2);
  const auto none = in(store(), [](Transaction& tx) { return tx.counts("nobody"); });
  EXPECT_TRUE(none.inbox_by_status.empty());
  EXPECT_EQ(none.links, 0);
}

}  // namespace
}  // namespace atsync::host::store::testing
