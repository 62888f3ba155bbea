// SPDX-License-Identifier: Apache-2.0
// The partner platform's name (SDK 1.1): the Lever connector writes the name it is given — in the opportunity's
// source, the referrer note, copied notes and messages — and no name of its own. What Lever holds is read back
// from the sandbox.
#include "lever_fixture.hpp"
#include "markers.hpp"

#include <gmock/gmock.h>

#include <algorithm>

namespace atsync::lever::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

const json::object kAcme{{"name", "Acme Outreach"}};
const json::object kKula{{"name", "Kula"}};

/// The text of the live note `note_id` on `opportunity_id`, as a recruiter reads it in Lever.
std::string noteText(LeverSandbox& sandbox, const std::string& opportunity_id, const std::string& note_id) {
  const auto notes = sandbox.state().notes(opportunity_id);
  const auto it = std::find_if(notes.begin(), notes.end(), [&](const auto& n) { return n.id == note_id; });
  if (it == notes.end() || it->fields.empty()) return "<no note " + note_id + ">";
  return it->fields.at(0).value;
}

class LeverPlatformNameTest : public LeverConnectorTest {
 protected:
  /// Adds a note with `input` (plus key and opportunity) to the first seeded opportunity; returns Lever's text.
  std::string addNote(ConnectorHarness& lever, const std::string& key, json::object input) {
    input["key"] = key;
    input["opportunity_id"] = opportunity_id_;
    const auto out = ok(lever, "note.add", input);
    if (!out.contains("note_id")) return "<note.add failed>";
    return noteText(*sandbox_, opportunity_id_, text(out.at("note_id")));
  }

  void SetUp() override {
    LeverConnectorTest::SetUp();
    opportunity_id_ = sandbox_->state().opportunities().at(0).id;
  }

  std::string opportunity_id_;
};

TEST_F(LeverPlatformNameTest, WritesTheGivenPlatformNameAndNeverKula) {
  auto lever = connect();
  const auto out = ok(*lever, "opportunity.create",
                      json::object{{"key", "opportunity:cand-acme-1"},
                                   {"person", newPerson("Joan Clarke", "joan.clarke@example.net")},
                                   {"posting_id", seed::kPostingDesigner},
                                   {"origin", "referred"},
                                   {"referrer", {{"name", "Grace Hopper"}, {"email", "grace@acme.example"}}},
                                   {"platform", kAcme}});
  const std::string id = text(out.at("opportunity").at("id"));
  const auto stored = sandbox_->state().opportunity(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->sources, std::vector<std::string>{"Acme Outreach"});
  // atsync's tags first; Lever adds the posting's own (team, location, commitment) after them.
  ASSERT_GE(stored->tags.size(), 2u);
  EXPECT_EQ(std::vector<std::string>(stored->tags.begin(), stored->tags.begin() + 2),
            (std::vector<std::string>{"atsync", markerTag("opportunity:cand-acme-1")}));
  for (const auto& tag : stored->tags) EXPECT_THAT(tag, Not(HasSubstr("Kula")));
  EXPECT_EQ(noteText(*sandbox_, id, text(out.at("referrer_note_id"))),
            "Referred by Grace Hopper <grace@acme.example> through Acme Outreach.\n\n\u2014 via Acme Outreach \u00b7 " +
                markerTag("opportunity:cand-acme-1#referrer"));

  const std::string note = addNote(*lever, "note:acme-n1",
                                   {{"kind", "note"},
                                    {"body", "Strong systems background."},
                                    {"author", {{"name", "Mia Recruiter"}, {"email", "mia@acme.example"}}},
                                    {"platform", kAcme}});
  EXPECT_EQ(note, "Strong systems background.\n\n\u2014 Mia Recruiter (Acme Outreach)\n\n\u2014 via Acme Outreach \u00b7 " +
                      markerTag("note:acme-n1"));

  const std::string message = addNote(*lever, "message:acme-m1",
                                      {{"kind", "message"},
                                       {"body", "Happy to talk on Tuesday."},
                                       {"message", {{"channel", "linkedin"}, {"direction", "inbound"}, {"subject", "Re: the role"}}},
                                       {"platform", kAcme}});
  EXPECT_EQ(message, "Acme Outreach linkedin message (inbound): Re: the role\n\nHappy to talk on Tuesday.\n\n"
                     "\u2014 via Acme Outreach \u00b7 " + markerTag("message:acme-m1"));

  for (const auto& n : sandbox_->state().notes(id)) EXPECT_THAT(n.fields.at(0).value, Not(HasSubstr("Kula")));
  EXPECT_THAT(note, Not(HasSubstr("Kula")));
  EXPECT_THAT(message, Not(HasSubstr("Kula")));
}

TEST_F(LeverPlatformNameTest, ComposesTheTextNotesHaveAlwaysHadWhenThePlatformIsKula) {
  // What the host composed before SDK 1.1, followed by the plugin's marker line: recruiters see no change.
  auto lever = connect();
  EXPECT_EQ(addNote(*lever, "note:k1",
                    {{"kind", "note"}, {"body", "Great call."}, {"author", {{"name", "Sam"}}}, {"platform", kKula}}),
            "Great call.\n\n\u2014 Sam (Kula)\n\n\u2014 via Kula \u00b7 " + markerTag("note:k1"));
  EXPECT_EQ(addNote(*lever, "note:k2", {{"kind", "note"}, {"body", "No author."}, {"platform", kKula}}),
            "No author.\n\n\u2014 via Kula \u00b7 " + markerTag("note:k2"));
  EXPECT_EQ(addNote(*lever, "message:k3", {{"kind", "message"}, {"body", "Hello Ada"}, {"message", json::object{}},
                                           {"platform", kKula}}),
            "Kula email message (outbound)\n\nHello Ada\n\n\u2014 via Kula \u00b7 " + markerTag("message:k3"));
}

TEST_F(LeverPlatformNameTest, AnInputWithoutPlatformOrKindNamesNoVendor) {
  // An SDK 1.0 host: no `platform`, and note.add's body already composed.
  auto lever = connect();
  const auto out = ok(*lever, "opportunity.create",
                      json::object{{"key", "opportunity:cand-old"},
                                   {"person", newPerson("Alan Turing", "alan.t@example.net")},
                                   {"posting_id", seed::kPostingBackend},
                                   {"origin", "referred"},
                                   {"referrer", json::object{}}});
  const std::string id = text(out.at("opportunity").at("id"));
  EXPECT_EQ(sandbox_->state().opportunity(id)->sources, std::vector<std::string>{"the partner platform"});
  EXPECT_THAT(noteText(*sandbox_, id, text(out.at("referrer_note_id"))),
              HasSubstr("Referred through the partner platform.\n\n"));
  EXPECT_EQ(addNote(*lever, "note:old", {{"body", "Composed by the host.\n\n\u2014 Sam (Kula)"}}),
            "Composed by the host.\n\n\u2014 Sam (Kula)\n\n\u2014 via the partner platform \u00b7 " + markerTag("note:old"))
      << "a body without kind is posted as it is";
}

TEST_F(LeverPlatformNameTest, RefusesAnUnknownKindOrANoteWithNothingToSay) {
  auto lever = connect();
  auto e = fails(*lever, "note.add",
                 json::object{{"key", "k"}, {"opportunity_id", opportunity_id_}, {"kind", "fax"}, {"body", "x"}});
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("'fax'"));
  e = fails(*lever, "note.add", json::object{{"key", "k"}, {"opportunity_id", opportunity_id_}, {"kind", "note"}});
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("body"));
}

}  // namespace
}  // namespace atsync::lever::testing
