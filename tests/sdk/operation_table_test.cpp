// SPDX-License-Identifier: Apache-2.0
// An operation table is checked where the SDK can see it: a `constexpr` table with a null method or an unknown name
// does not compile, and any table is checked when the plugin describes itself (issue 16: a null method crashed the
// host, a mistyped name became a capability). The loader tests show the host refusing such plugins.
#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/detail/did_you_mean.hpp>

#include <gtest/gtest.h>

#include <set>

#include <type_traits>

namespace atsync::sdk {
namespace {

struct Probe : Connector {
  explicit Probe(Host host) : Connector(host) {}
  Output answer(const Input&) { return boost::json::object{{"ok", true}}; }
};

// Whether an entry is a constant expression, that is whether a `constexpr` table holding it compiles.
template <class T>
concept NullMethodIsConstant =
    requires { typename std::integral_constant<bool, (Operation<T>(op::kPostingsList, nullptr), true)>; };
template <class T>
concept TypoIsConstant =
    requires { typename std::integral_constant<bool, (Operation<T>("posting.list", &T::answer), true)>; };
template <class T>
concept KnownIsConstant =
    requires { typename std::integral_constant<bool, (Operation<T>(op::kPostingsList, &T::answer), true)>; };
template <class T>
concept OwnIsConstant = requires {
  typename std::integral_constant<bool, (Operation<T>("echo", &T::answer, OperationKind::kPluginSpecific), true)>;
};

TEST(OperationTable, ConstexprTableRefusesNullMethodAndUnknownNameAtCompileTime) {
  static_assert(KnownIsConstant<Probe>);
  static_assert(OwnIsConstant<Probe>);
  static_assert(!NullMethodIsConstant<Probe>);
  static_assert(!TypoIsConstant<Probe>);
  EXPECT_TRUE(KnownIsConstant<Probe> && OwnIsConstant<Probe> && !NullMethodIsConstant<Probe> && !TypoIsConstant<Probe>);
}

TEST(OperationTable, RightTableHasNoProblem) {
  const Operation<Probe> table[] = {{op::kStagesList, &Probe::answer},
                                    {"echo", &Probe::answer, OperationKind::kPluginSpecific}};
  EXPECT_EQ(operationTableProblem<Probe>("p", table), std::nullopt);
}

TEST(OperationTable, NullMethodIsNamed) {
  const Operation<Probe> table[] = {{op::kStagesList, &Probe::answer}, {op::kPostingsList, nullptr}};
  EXPECT_EQ(operationTableProblem<Probe>("workable-like", table),
            "plugin 'workable-like': operation 'postings.list' has no method (a null entry in its operation table)");
}

TEST(OperationTable, UnknownNameGetsTheClosestKnownOne) {
  const Operation<Probe> table[] = {{"posting.list", &Probe::answer}};
  EXPECT_EQ(operationTableProblem<Probe>("x", table),
            "plugin 'x': unknown operation 'posting.list' (did you mean 'postings.list'?)");
  const Operation<Probe> swapped[] = {{"candidate.fnid_by_email", &Probe::answer}};
  EXPECT_EQ(operationTableProblem<Probe>("x", swapped),
            "plugin 'x': unknown operation 'candidate.fnid_by_email' (did you mean 'candidate.find_by_email'?)");
}

TEST(OperationTable, UnknownNameFarFromAnyKnownOneSaysHowToMarkItOwn) {
  const Operation<Probe> table[] = {{"echo", &Probe::answer}};
  EXPECT_EQ(operationTableProblem<Probe>("x", table),
            "plugin 'x': unknown operation 'echo' (not an operation of sdk/schema/operations.md; mark an operation "
            "of the plugin's own OperationKind::kPluginSpecific)");
}

TEST(OperationTable, NameListedTwiceIsNamed) {
  const Operation<Probe> table[] = {{op::kNoteAdd, &Probe::answer}, {op::kNoteAdd, &Probe::answer}};
  EXPECT_EQ(operationTableProblem<Probe>("x", table), "plugin 'x': operation 'note.add' is listed twice");
}

TEST(OperationTable, DispatchOfANullMethodFailsInsteadOfCrashing) {
  // A caller that skipped describe (the host never does) gets an internal error, not a call through null.
  const Operation<Probe> table[] = {{op::kPostingsList, nullptr}};
  Probe probe{Host(nullptr, nullptr)};
  const boost::json::value input = boost::json::object{};
  try {
    dispatch<Probe>(probe, table, op::kPostingsList, Input{input, {}});
    FAIL() << "dispatch called a null method";
  } catch (const OperationError& e) {
    EXPECT_EQ(e.error().code, errc::kInternal);
    EXPECT_EQ(e.error().message, "operation 'postings.list' has no method (a null entry in its operation table)");
  }
}

// Each name belongs to one role, or to both (the host's manifest check refuses a plugin listing the other role's).
TEST(OperationTable, EveryNameHasOneRoleOrBoth) {
  const std::set<std::string_view> both = {op::kStagesList, op::kWebhookParse, op::kConnectionCheck};
  for (const auto name : op::kAll) {
    EXPECT_FALSE(op::isAtsOnly(name) && op::isPlatformOnly(name)) << name;
    EXPECT_EQ(both.count(name) == 1, !op::isAtsOnly(name) && !op::isPlatformOnly(name)) << name;
  }
  EXPECT_EQ(op::kAtsOnly.size() + op::kPlatformOnly.size() + both.size(), op::kAll.size());
}

TEST(OperationTable, KnownNamesAreThoseOfOperationsMd) {
  EXPECT_EQ(op::kAll.size(), 26u);
  EXPECT_TRUE(op::isKnown("connection.check"));
  EXPECT_TRUE(op::isKnown("resume.content"));
  EXPECT_FALSE(op::isKnown("posting.list"));
}

TEST(DidYouMean, SuggestsOnlyPlausibleTypos) {
  EXPECT_EQ(detail::editDistance("platfrom", "platform"), 1u);
  const std::vector<std::string> keys{"tls", "log", "webhook_secret"};
  EXPECT_EQ(detail::closestMatch("webhook_secrett", keys), "webhook_secret");
  EXPECT_EQ(detail::closestMatch("xyz", keys), std::nullopt);
}

}  // namespace
}  // namespace atsync::sdk
