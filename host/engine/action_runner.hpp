// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one command's action against the connection's two connectors. Reads what it needs from the store, talks to
// the vendors through connector operations only, and returns what to record: the store changes happen in the
// dispatcher's completion transaction, so a crash between the vendor's answer and the commit is recovered by the
// next attempt's find-before-write.

#include "engine/stage_mapper.hpp"
#include "runtime/connector.hpp"
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
  runtime::Connector* ats = nullptr;
  runtime::Connector* platform = nullptr;
};

/// The ATS's published postings, refreshed at most every `refresh_ms` (and at once when a posting is not known).
class PostingCatalog {
 public:
  explicit PostingCatalog(std::int64_t refresh_ms = 60000) : refresh_ms_(refresh_ms) {}
  Expected<bool, sdk::Error> isPublished(runtime::Connector& ats, const std::string& posting_id, std::int64_t now_ms);

 private:
  std::mutex mutex_;
  std::int64_t refresh_ms_;
  std::int64_t fetched_at_ms_ = -1;
  std::set<std::string> published_;
};

struct ActionOutcome {
  enum class Kind { kDone, kSkipped, kFailed };
  Kind kind = Kind::kDone;
  std::string summary;                     ///< one sentence: what happened
  std::optional<std::string> remote_id;
  boost::json::value output;
  sdk::Error error;                        ///< when kFailed
  /// Store changes to commit with the command's completion (links, follow-up commands, activity, inbox events).
  std::function<void(store::Transaction&)> effects;
  bool adds_events = false;                ///< `effects` puts events in the inbox: run the rules again soon
};

class ActionRunner {
 public:
  ActionRunner(std::string connection_id, ConnectionSides sides, store::Store& store, const StageMapper& mapper,
               PostingCatalog& postings)
      : connection_id_(std::move(connection_id)), sides_(sides), store_(store), mapper_(mapper), postings_(postings) {}

  ActionOutcome run(const store::Command& command, std::int64_t now_ms);

 private:
  ActionOutcome createOpportunity(const store::Command& c, const boost::json::object& in, std::int64_t now_ms);
  ActionOutcome backfill(const store::Command& c, const boost::json::object& in, std::int64_t now_ms);
  ActionOutcome linkCandidate(const store::Command& c, const boost::json::object& in);
  ActionOutcome setAtsStage(const store::Command& c, const boost::json::object& in);
  ActionOutcome setPlatformStage(const store::Command& c, const boost::json::object& in);
  ActionOutcome confirmAtsStage(const boost::json::object& in, std::int64_t now_ms);
  ActionOutcome addNote(const store::Command& c, const boost::json::object& in);
  ActionOutcome addFile(const store::Command& c, const boost::json::object& in);
  ActionOutcome importOpportunity(const store::Command& c, const boost::json::object& in, std::int64_t now_ms);

  std::optional<store::Link> linkOf(const std::string& candidate_id);

  std::string connection_id_;
  ConnectionSides sides_;
  store::Store& store_;
  const StageMapper& mapper_;
  PostingCatalog& postings_;
};

}  // namespace atsync::host::engine
