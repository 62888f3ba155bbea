// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one command's action against the connection's two connectors. An action is a function of its command and
// a snapshot of the store read in the transaction that claimed the command: it talks to the vendors through
// connector operations only, never to the store, and returns what to record. The store changes happen in the
// dispatcher's completion transaction, so a crash between the vendor's answer and the commit is recovered by the
// next attempt's find-before-write. Two transactions per command: claim (with the snapshot) and completion.

#include "engine/stage_mapper.hpp"
#include "runtime/bound_connector.hpp"
#include "store/store.hpp"

#include <atsync/sdk/error.hpp>

#include <boost/json.hpp>

#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace atsync::host::engine {

struct ConnectionSides {
  runtime::BoundConnector* ats = nullptr;
  runtime::BoundConnector* platform = nullptr;
};

/// The ATS's published postings, refreshed at most every `refresh_ms` (and at once when a posting is not known).
class PostingCatalog {
 public:
  explicit PostingCatalog(std::int64_t refresh_ms = 60000) : refresh_ms_(refresh_ms) {}
  Expected<bool, sdk::Error> isPublished(runtime::BoundConnector& ats, const std::string& posting_id, std::int64_t now_ms);

 private:
  std::mutex mutex_;
  std::int64_t refresh_ms_;
  std::int64_t fetched_at_ms_ = -1;
  std::set<std::string> published_;
};

/// What an action may know of the store, read when its command is claimed (ActionRunner::snapshot). Within a
/// connection's lane nothing else changes links or commands between the claim and the completion.
struct ActionSnapshot {
  std::optional<store::Link> link;                 ///< the link of the command's candidate (or, for imports, of its opportunity)
  std::optional<store::Link> candidate_link;       ///< imports: the link of the candidate the opportunity matched
  std::optional<store::Command> creating;          ///< imports: the platform's own creation for that candidate
};

struct ActionOutcome {
  /// kContinue: the action resolved part of its work (recorded in `next_input`) and needs a snapshot of what it
  /// found before it writes; the dispatcher stores the input and runs the command again at once. Not an attempt.
  enum class Kind { kDone, kSkipped, kFailed, kContinue };
  Kind kind = Kind::kDone;
  std::string summary;                     ///< one sentence: what happened
  std::optional<std::string> remote_id;
  boost::json::value output;
  sdk::Error error;                        ///< when kFailed
  /// Store changes to commit with the command's completion (links, follow-up commands, activity, inbox events).
  std::function<void(store::Transaction&)> effects;
  bool adds_events = false;                ///< `effects` puts events in the inbox: run the rules again soon
  boost::json::object next_input;          ///< when kContinue
};

class ActionRunner {
 public:
  ActionRunner(std::string connection_id, ConnectionSides sides, const StageMapper& mapper, PostingCatalog& postings)
      : connection_id_(std::move(connection_id)), sides_(sides), mapper_(mapper), postings_(postings) {}

  /// Reads what the command's action will need, in the claiming transaction. `input` is the command's input.
  static ActionSnapshot snapshot(const store::Command& command, const boost::json::object& input,
                                 store::Transaction& tx);

  /// Runs the action. `input` is the command's parsed input (null when it did not parse).
  ActionOutcome run(const store::Command& command, const boost::json::value& input, const ActionSnapshot& snapshot,
                    std::int64_t now_ms);

 private:
  ActionOutcome createOpportunity(const store::Command& c, const boost::json::object& in, const ActionSnapshot& s,
                                  std::int64_t now_ms);
  ActionOutcome backfill(const boost::json::object& in, std::int64_t now_ms);
  /// An event for the inbox as if the platform had sent it (what an action found, for the rules to decide on), dated
  /// `occurred_at_ms` (default: now).
  store::NewEvent platformEvent(std::string_view type, std::string id, boost::json::object data, std::int64_t now_ms,
                                std::optional<std::int64_t> occurred_at_ms = std::nullopt) const;
  ActionOutcome linkCandidate(const boost::json::object& in, const ActionSnapshot& s);
  ActionOutcome setAtsStage(const boost::json::object& in);
  ActionOutcome setPlatformStage(const boost::json::object& in);
  ActionOutcome confirmAtsStage(const boost::json::object& in, std::int64_t now_ms);
  ActionOutcome addNote(const store::Command& c, const boost::json::object& in, const ActionSnapshot& s);
  ActionOutcome addFile(const store::Command& c, const boost::json::object& in, const ActionSnapshot& s);
  ActionOutcome importOpportunity(const boost::json::object& in, const ActionSnapshot& s, std::int64_t now_ms);

  std::string connection_id_;
  ConnectionSides sides_;
  const StageMapper& mapper_;
  PostingCatalog& postings_;
};

}  // namespace atsync::host::engine
