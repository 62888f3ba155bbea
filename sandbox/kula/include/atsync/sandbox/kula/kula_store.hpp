// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula's data and the rules that change it, without any HTTP. Every operation takes the one mutex, so the
// store is safe to share between the server's threads, the scenario actions and test assertions. Operations
// that Kula reports as events append to the event log and hand the event to the sink while still holding the
// lock, so the sink sees events in log order (the sink must not call back into the store).

#include <atsync/sandbox/kula/api_error.hpp>
#include <atsync/sandbox/kula/model.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atsync::sandbox::kula {

/// Fields of a candidate as written by a client; unset optionals leave an existing candidate untouched.
struct CandidateInput {
  std::optional<std::string> name;
  std::vector<std::string> emails;
  std::vector<Phone> phones;
  std::vector<std::string> links;
  std::optional<std::string> headline;
  std::optional<std::string> location;
  std::optional<std::string> stage;
  std::optional<AtsLink> ats;
};

struct ReferralInput {
  std::optional<std::string> candidate_id;  // an existing candidate, or
  std::optional<CandidateInput> candidate;  // a new one (upserted by email)
  std::string ats_posting_id;
  Person referrer;
  std::optional<std::string> note;
};

struct MessageInput {
  std::string candidate_id;
  std::optional<std::string> flow_id;
  std::string direction{"outbound"};
  std::string channel{"email"};
  std::optional<std::string> subject;
  std::string body;
};

/// A page cut out of a list; `next_offset` is set when more items follow.
template <class T>
struct Slice {
  std::vector<T> items;
  std::optional<std::size_t> next_offset;
};

/// Everything Kula holds, copied out for inspection.
struct Snapshot {
  std::vector<Stage> stages;
  std::vector<Flow> flows;
  std::vector<Candidate> candidates;  // creation order
  std::vector<Note> notes;
  std::vector<Message> messages;
  std::vector<Resume> resumes;
  std::vector<Event> events;  // log order
};

class KulaStore {
 public:
  using EventSink = std::function<void(const Event&)>;

  KulaStore();

  /// Called under the store lock for every new event, in log order.
  void setEventSink(EventSink sink);

  /// Replaces everything, the event log included, with a named seed ("small" or "empty"). `flow_postings` links
  /// the small seed's flows (`flow_eng`, `flow_sales`; any other flow is refused, code `unknown_flow`) and makes
  /// the empty seed's flows. Starts a new event-log epoch.
  Result<bool> seed(const std::string& name, const std::map<std::string, std::string>& flow_postings);

  // --- reads (the /v1 API) ---
  std::vector<Stage> stages() const;
  std::optional<Flow> flow(const std::string& id) const;
  std::optional<Candidate> candidate(const std::string& id) const;
  Slice<Candidate> candidates(const std::optional<std::string>& email, std::size_t offset, std::size_t limit) const;
  Result<Slice<Note>> notes(const std::string& candidate_id, std::size_t offset, std::size_t limit) const;
  Result<Slice<Message>> messages(const std::string& candidate_id, std::size_t offset, std::size_t limit) const;
  /// Newest first.
  Result<Slice<Resume>> resumes(const std::string& candidate_id, std::size_t offset, std::size_t limit) const;
  std::optional<Resume> resume(const std::string& id) const;
  /// Retained events with seq > after_seq, oldest first.
  std::vector<Event> events(std::uint64_t after_seq, std::size_t limit) const;
  /// Events with seq up to this one are past retention: a cursor before it is refused (0: nothing forgotten).
  std::uint64_t forgottenThroughSeq() const;
  /// Retention, as a real event log has: forgets all but the newest `keep_last` events. Returns how many it forgot.
  std::uint64_t forgetOldEvents(std::uint64_t keep_last);
  std::uint64_t lastEventSeq() const;
  /// Changes whenever the log is replaced (a new store, a reseed), so cursors of an old log can be recognised.
  std::string eventEpoch() const;

  // --- writes through the /v1 API ---
  /// Upsert by email: the bool is true when the candidate was created.
  Result<std::pair<Candidate, bool>> upsertCandidate(const CandidateInput& in);
  /// A stage change applied by the integration: emits candidate.stage_changed with source "ats" when it changes.
  Result<Candidate> setStageFromAts(const std::string& id, const std::string& stage);
  Result<Candidate> setAtsLink(const std::string& id, const AtsLink& link);

  // --- scenario actions (what recruiters do inside Kula) ---
  Result<Candidate> createCandidate(const CandidateInput& in);
  Result<Flow> createFlow(const std::optional<std::string>& id, const std::string& name,
                          const std::optional<std::string>& ats_posting_id);
  Result<Event> addToFlow(const std::string& flow_id, const std::string& candidate_id,
                          const std::optional<Person>& added_by);
  Result<Event> refer(const ReferralInput& in);
  /// A recruiter moves the candidate in Kula (source "kula"); no event when the stage is unchanged.
  Result<std::optional<Event>> changeStage(const std::string& candidate_id, const std::string& stage,
                                           const std::optional<Person>& changed_by);
  Result<std::pair<Note, Event>> addNote(const std::string& candidate_id, const std::string& body, bool is_private,
                                         const std::optional<Person>& author);
  Result<std::pair<Message, Event>> logMessage(const MessageInput& in);
  Result<std::pair<Resume, Event>> uploadResume(const std::string& candidate_id, const std::string& file_name,
                                                const std::string& content_type, std::string content);

  Snapshot snapshot() const;

 private:
  Candidate* findCandidate(const std::string& id);
  const Candidate* findCandidate(const std::string& id) const;
  std::optional<std::string> validateCandidateInput(const CandidateInput& in, bool creating) const;
  Candidate insertCandidate(const CandidateInput& in, TimePoint now);
  Result<std::pair<Candidate, bool>> upsertLocked(const CandidateInput& in, TimePoint now);
  bool knownStage(const std::string& id) const;
  std::string newId(const char* prefix);
  Event emit(std::string type, boost::json::object data, TimePoint now);
  Candidate* changeStageLocked(Candidate& c, const std::string& stage, const std::optional<Person>& by,
                               const char* source, TimePoint now, std::optional<Event>& event);

  mutable std::mutex mutex_;
  EventSink sink_;
  std::mt19937_64 rng_;
  std::vector<Stage> stages_;
  std::vector<Flow> flows_;
  std::vector<Candidate> candidates_;
  std::unordered_map<std::string, std::size_t> candidate_index_;
  std::unordered_map<std::string, std::string> email_index_;  // lower-case email -> candidate id
  std::vector<Note> notes_;
  std::unordered_map<std::string, std::vector<std::size_t>> notes_by_candidate_;
  std::vector<Message> messages_;
  std::unordered_map<std::string, std::vector<std::size_t>> messages_by_candidate_;
  std::vector<Resume> resumes_;
  std::unordered_map<std::string, std::size_t> resume_index_;
  std::unordered_map<std::string, std::vector<std::size_t>> resumes_by_candidate_;
  std::vector<Event> events_;
  std::uint64_t forgotten_through_seq_ = 0;
  std::string epoch_;
};

}  // namespace atsync::sandbox::kula
