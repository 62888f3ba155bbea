// SPDX-License-Identifier: Apache-2.0
// What the engine's actions hand the ATS plugin about the partner platform (SDK 1.1): note.add gets the platform's
// text as written with its kind, author or message details and the platform's display name; opportunity.create
// gets the name too. The connectors are fixture plugins that record their input (fixtures/recording_plugin.cpp);
// the platform's display name is "Acme Outreach", so nothing here can come out right by naming Kula.
#include "engine/action_runner.hpp"
#include "engine/actions.hpp"
#include "engine/command_keys.hpp"
#include "plugin/loader.hpp"

#include <gtest/gtest.h>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;

constexpr char kConnection[] = "acme";
constexpr std::int64_t kNowMs = 1'790'000'000'000;

class ActionRunnerPlatformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client = http::HttpClient::create();
    ASSERT_TRUE(client) << client.error().message;
    client_ = std::move(client.value());
    ats_ = open("libatsync_fixture_recording_ats.so");
    platform_ = open("libatsync_fixture_recording_platform.so");
    ASSERT_TRUE(ats_ && platform_);
    runner_ = std::make_unique<ActionRunner>(kConnection, ConnectionSides{ats_.get(), platform_.get()}, mapper_,
                                             postings_);
  }

  std::unique_ptr<runtime::BoundConnector> open(const std::string& file) {
    auto plugin = plugin::loadPlugin(std::string(ATSYNC_ENGINE_FIXTURE_DIR) + "/" + file);
    if (!plugin) {
      ADD_FAILURE() << plugin.error().str();
      return nullptr;
    }
    runtime::BoundConnectorContext context;
    context.connection_id = kConnection;
    context.client = client_.get();
    context.state = &state_;
    auto connector = runtime::BoundConnector::open(*plugin, json::object{}, context);
    if (!connector) {
      ADD_FAILURE() << connector.error();
      return nullptr;
    }
    return std::move(*connector);
  }

  /// The input the ATS fixture received for `operation` (null when it was not called).
  json::value received(const std::string& operation) {
    const auto text = state_.get({kConnection, "fixture-recording-ats"}, "input/" + operation);
    return text ? json::parse(*text) : json::value(nullptr);
  }

  /// Runs an add_note command for candidate cand-1, linked to opp-1 by the platform.
  ActionOutcome addNote(const std::string& key, const json::object& input) {
    store::Command command;
    command.connection_id = kConnection;
    command.key = key;
    command.group_key = keys::candidateGroup("cand-1");
    command.action = std::string(action::kAddNote);
    command.input = json::serialize(input);
    ActionSnapshot snapshot;
    snapshot.link = store::Link{kConnection, "cand-1", "opp-1", "contact-1", store::LinkProvenance::kCreatedByPlatform};
    return runner_->run(command, input, snapshot, kNowMs);
  }

  runtime::InMemoryStateStore state_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<runtime::BoundConnector> ats_;
  std::unique_ptr<runtime::BoundConnector> platform_;
  StageMapper mapper_;
  PostingCatalog postings_;
  std::unique_ptr<ActionRunner> runner_;
};

TEST_F(ActionRunnerPlatformTest, NoteAddCarriesTheNoteAsWrittenItsAuthorAndThePlatformsName) {
  // The command input as the rules store it for a platform's note.created (rules.cpp, noteCreated).
  const json::object input{{"candidate_id", "cand-1"},
                           {"kind", "note"},
                           {"note", {{"id", "n-7"},
                                     {"subject_id", "cand-1"},
                                     {"body", "Strong systems background."},
                                     {"author", {{"name", "Mia Recruiter"}, {"email", "mia@acme.example"}}},
                                     {"private", false}}}};
  const auto outcome = addNote(keys::note("n-7"), input);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kDone) << outcome.summary;
  EXPECT_EQ(outcome.remote_id, "note-1");
  EXPECT_EQ(received("note.add"),
            json::parse(R"({"key":"note:n-7","opportunity_id":"opp-1","platform":{"name":"Acme Outreach"},
                            "kind":"note","body":"Strong systems background.",
                            "author":{"name":"Mia Recruiter","email":"mia@acme.example"}})"));
}

TEST_F(ActionRunnerPlatformTest, NoteAddCarriesAMessagesChannelDirectionAndSubject) {
  const json::object input{{"candidate_id", "cand-1"},
                           {"kind", "message"},
                           {"message", {{"id", "m-3"},
                                        {"candidate_id", "cand-1"},
                                        {"direction", "inbound"},
                                        {"channel", "linkedin"},
                                        {"subject", "Re: the role"},
                                        {"body", "Happy to talk on Tuesday."}}}};
  const auto outcome = addNote(keys::message("m-3"), input);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kDone) << outcome.summary;
  EXPECT_EQ(received("note.add"),
            json::parse(R"({"key":"message:m-3","opportunity_id":"opp-1","platform":{"name":"Acme Outreach"},
                            "kind":"message","body":"Happy to talk on Tuesday.",
                            "message":{"channel":"linkedin","direction":"inbound","subject":"Re: the role"}})"));
}

TEST_F(ActionRunnerPlatformTest, NoteAddOfANoteWithoutAuthorOrAMessageWithoutSubjectLeavesThemOut) {
  ASSERT_EQ(addNote(keys::note("n-8"), {{"candidate_id", "cand-1"},
                                        {"kind", "note"},
                                        {"note", {{"id", "n-8"}, {"subject_id", "cand-1"}, {"body", "Quick one."}}}})
                .kind,
            ActionOutcome::Kind::kDone);
  EXPECT_EQ(received("note.add"),
            json::parse(R"({"key":"note:n-8","opportunity_id":"opp-1","platform":{"name":"Acme Outreach"},
                            "kind":"note","body":"Quick one."})"));
  ASSERT_EQ(addNote(keys::message("m-4"), {{"candidate_id", "cand-1"},
                                           {"kind", "message"},
                                           {"message", {{"id", "m-4"}, {"channel", "sms"}, {"direction", "outbound"},
                                                        {"subject", ""}, {"body", "See you"}}}})
                .kind,
            ActionOutcome::Kind::kDone);
  EXPECT_EQ(received("note.add"),
            json::parse(R"({"key":"message:m-4","opportunity_id":"opp-1","platform":{"name":"Acme Outreach"},
                            "kind":"message","body":"See you","message":{"channel":"sms","direction":"outbound"}})"));
}

TEST_F(ActionRunnerPlatformTest, AStoredCommandWithAComposedBodyOnlyIsPostedAsItsBody) {
  // A command from an older version whose input carries the text already composed: no kind, so the plugin posts
  // the body as it is.
  const auto outcome = addNote(keys::note("n-old"), {{"candidate_id", "cand-1"}, {"body", "Composed.\n\n\u2014 Sam"}});
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kDone) << outcome.summary;
  EXPECT_EQ(received("note.add"),
            json::parse(R"({"key":"note:n-old","opportunity_id":"opp-1","platform":{"name":"Acme Outreach"},
                            "body":"Composed.\n\n\u2014 Sam"})"));
}

TEST_F(ActionRunnerPlatformTest, OpportunityCreateCarriesThePlatformsName) {
  const json::object input{{"candidate", {{"id", "cand-1"},
                                          {"person", {{"name", "Joan Clarke"}, {"emails", {"joan@example.net"}}}},
                                          {"stage", "new"}}},
                           {"posting_id", "post-1"},
                           {"origin", "referred"},
                           {"referrer", {{"name", "Grace Hopper"}, {"email", "grace@acme.example"}}}};
  store::Command command;
  command.connection_id = kConnection;
  command.key = keys::createOpportunity("cand-1");
  command.action = std::string(action::kCreateOpportunity);
  const auto outcome = runner_->run(command, input, ActionSnapshot{}, kNowMs);
  ASSERT_EQ(outcome.kind, ActionOutcome::Kind::kDone) << outcome.summary;
  const auto sent = received("opportunity.create");
  ASSERT_TRUE(sent.is_object());
  EXPECT_EQ(sent.at("platform"), json::parse(R"({"name":"Acme Outreach"})"));
  EXPECT_EQ(sent.at("key"), "opportunity:cand-1");
  EXPECT_EQ(sent.at("origin"), "referred");
  EXPECT_EQ(sent.at("referrer").at("name"), "Grace Hopper");
}

}  // namespace
}  // namespace atsync::host::engine
