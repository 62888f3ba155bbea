// SPDX-License-Identifier: Apache-2.0
#include "engine/stage_mapper.hpp"

#include <gtest/gtest.h>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;

SideStages leverLike() {
  SideStages s;
  s.stages = {{"lead-new", "New lead", 0},        {"lead-reached-out", "Reached out", 1},
              {"applicant-new", "New applicant", 2}, {"uuid-screen", "Phone Screen", 3},
              {"uuid-custom", "Take-home exercise", 4}, {"offer", "Offer", 5}};
  s.default_stages = json::parse(R"([
    {"id":"lead-new","name":"New lead","canonical":"new"},
    {"id":"lead-reached-out","name":"Reached out","canonical":"contacted"},
    {"id":"applicant-new","name":"New applicant","canonical":"interested"},
    {"id":"","name":"Recruiter screen","canonical":"screening","names":["Phone Screen"]},
    {"id":"offer","name":"Offer","canonical":"offer"}])").as_array();
  return s;
}

SideStages kulaLike() {
  SideStages s;
  s.stages = {{"prospect", "Prospect", 0}, {"contacted", "Contacted", 1}, {"interested", "Interested", 2},
              {"screening", "Screening", 3}, {"offer", "Offer", 4}, {"hired", "Hired", 5}};
  s.default_stages = json::parse(R"([
    {"id":"prospect","name":"Prospect","canonical":"new"},
    {"id":"contacted","name":"Contacted","canonical":"contacted"},
    {"id":"interested","name":"Interested","canonical":"interested"},
    {"id":"screening","name":"Screening","canonical":"screening"},
    {"id":"offer","name":"Offer","canonical":"offer"},
    {"id":"hired","name":"Hired","canonical":"hired"}])").as_array();
  return s;
}

TEST(StageMapper, PairsStagesByMeaningMatchingCustomStagesByName) {
  auto m = StageMapper::build(leverLike(), kulaLike(), {}, nullptr);
  EXPECT_EQ(m.atsToPlatform("lead-new"), "prospect");
  EXPECT_EQ(m.atsToPlatform("uuid-screen"), "screening");  // a custom Lever stage found by its name
  EXPECT_EQ(m.platformToAts("screening"), "uuid-screen");
  EXPECT_EQ(m.platformToAts("offer"), "offer");
  EXPECT_EQ(m.atsToPlatformTable().at("lead-new").origin, store::MappingOrigin::kDefault);
}

TEST(StageMapper, ReportsUnmappedStagesInsteadOfGuessing) {
  auto m = StageMapper::build(leverLike(), kulaLike(), {}, nullptr);
  EXPECT_FALSE(m.atsToPlatform("uuid-custom"));
  EXPECT_FALSE(m.platformToAts("hired"));
  EXPECT_EQ(m.unmappedAts(), std::vector<std::string>{"uuid-custom"});
  EXPECT_EQ(m.unmappedPlatform(), std::vector<std::string>{"hired"});
}

TEST(StageMapper, ConfigOverridesWinAndUnknownStagesAreReported) {
  config::StageMapping overrides;
  overrides.ats_to_platform = {{"uuid-custom", "screening"}, {"lead-new", "no-such-stage"}};
  overrides.platform_to_ats = {{"hired", "offer"}};
  std::vector<std::string> problems;
  auto m = StageMapper::build(leverLike(), kulaLike(), overrides, &problems);
  EXPECT_EQ(m.atsToPlatform("uuid-custom"), "screening");
  EXPECT_EQ(m.atsToPlatformTable().at("uuid-custom").origin, store::MappingOrigin::kConfig);
  EXPECT_EQ(m.platformToAts("hired"), "offer");
  EXPECT_EQ(m.atsToPlatform("lead-new"), "prospect");  // the bad override is not applied
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "stage_mapping.ats_to_platform: 'lead-new' maps to stage 'no-such-stage', which does not exist");
}

/// Stages that belong to jobs (SDK 1.1): every job has its own ids, names repeat.
SideStages perJob() {
  SideStages s;
  s.stages = {{"101", "Application Review", 0, "job-1"}, {"102", "Phone Interview", 1, "job-1"},
              {"103", "Take Home Test", 2, "job-1"},     {"201", "Application Review", 0, "job-2"},
              {"202", "Phone Interview", 1, "job-2"},    {"203", "Offer", 2, "job-2"}};
  s.default_stages = json::parse(R"([
    {"id":"","name":"Application Review","canonical":"new"},
    {"id":"","name":"Recruiter screen","canonical":"screening","names":["Phone Interview"]},
    {"id":"","name":"Offer","canonical":"offer"}])").as_array();
  return s;
}

TEST(StageMapper, StagesThatBelongToJobsAreFoldedAndMappedByName) {
  auto m = StageMapper::build(perJob(), kulaLike(), {}, nullptr);
  EXPECT_TRUE(m.mapsByName(true));
  EXPECT_FALSE(m.mapsByName(false));
  std::vector<std::string> names;
  for (const auto& s : m.atsStages()) names.push_back(s.id + "=" + s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Application Review=Application Review", "Phone Interview=Phone Interview",
                                             "Take Home Test=Take Home Test", "Offer=Offer"}));
  EXPECT_EQ(m.atsToPlatform("Phone Interview"), "screening");
  EXPECT_EQ(m.platformToAts("screening"), "Phone Interview");
  EXPECT_EQ(m.platformToAts("prospect"), "Application Review");
  EXPECT_EQ(m.unmappedAts(), std::vector<std::string>{"Take Home Test"});
}

TEST(StageMapper, AStageKeyIsTheNameTheEventGivesElseTheNameItsIdHadElseTheId) {
  auto m = StageMapper::build(perJob(), kulaLike(), {}, nullptr);
  EXPECT_EQ(m.stageKey(true, json::object{{"to_stage", "202"}, {"to_stage_name", "Phone Interview"}}, "to_stage",
                       "to_stage_name"),
            "Phone Interview");
  EXPECT_EQ(m.stageKey(true, json::object{{"to_stage", "102"}}, "to_stage", "to_stage_name"), "Phone Interview");
  // A stage of a job created after the mapper was built, reported without a name: matches nothing, so it is reported.
  EXPECT_EQ(m.stageKey(true, json::object{{"to_stage", "999"}}, "to_stage", "to_stage_name"), "999");
  EXPECT_FALSE(m.atsToPlatform("999"));
  // A side mapped by id ignores names.
  EXPECT_EQ(m.stageKey(false, json::object{{"to_stage", "offer"}, {"to_stage_name", "Offer"}}, "to_stage",
                       "to_stage_name"),
            "offer");
}

TEST(StageMapper, ConfigNamesStagesThatBelongToJobsByName) {
  config::StageMapping overrides;
  overrides.ats_to_platform = {{"Take Home Test", "interested"}, {"103", "offer"}};
  overrides.platform_to_ats = {{"hired", "Offer"}};
  std::vector<std::string> problems;
  auto m = StageMapper::build(perJob(), kulaLike(), overrides, &problems);
  EXPECT_EQ(m.atsToPlatform("Take Home Test"), "interested");
  EXPECT_EQ(m.platformToAts("hired"), "Offer");
  ASSERT_EQ(problems.size(), 1u) << "a per-job id is not a stage of a side mapped by name";
  EXPECT_EQ(problems[0], "stage_mapping.ats_to_platform: stage '103' does not exist");
}

}  // namespace
}  // namespace atsync::host::engine
