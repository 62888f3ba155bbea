// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/kula_store.hpp>

#include <atsync/sandbox/kula/model_json.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

// Used when a scenario action does not say who acted: Kula always knows the acting recruiter.
const Person kDefaultRecruiter{"Sam Recruiter", "sam.recruiter@kula.example"};
constexpr std::size_t kMaxResumeBytes = 20u * 1024u * 1024u;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

bool plausibleEmail(const std::string& e) {
  const auto at = e.find('@');
  return at != std::string::npos && at > 0 && at + 1 < e.size() && e.find_first_of(" \t\r\n") == std::string::npos;
}

template <class T>
Slice<T> cut(const std::vector<T>& all, std::size_t offset, std::size_t limit) {
  Slice<T> s;
  for (std::size_t i = offset; i < all.size() && s.items.size() < limit; ++i) s.items.push_back(all[i]);
  if (offset + s.items.size() < all.size()) s.next_offset = offset + s.items.size();
  return s;
}

template <class T>
Slice<T> cutIndexed(const std::vector<T>& store, const std::vector<std::size_t>* idx, std::size_t offset,
                    std::size_t limit, bool newest_first) {
  Slice<T> s;
  if (idx == nullptr) return s;
  const std::size_t n = idx->size();
  for (std::size_t i = offset; i < n && s.items.size() < limit; ++i) {
    s.items.push_back(store[(*idx)[newest_first ? n - 1 - i : i]]);
  }
  if (offset + s.items.size() < n) s.next_offset = offset + s.items.size();
  return s;
}

template <class Map>
const std::vector<std::size_t>* lookup(const Map& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

json::value personOrNull(const std::optional<Person>& p) {
  if (!p) return nullptr;
  return toJson(*p);
}

}  // namespace

KulaStore::KulaStore() : rng_(std::random_device{}()) {
  const char* ids[] = {"prospect", "contacted", "replied", "interested", "screening",
                       "interviewing", "offer", "hired", "rejected"};
  const char* names[] = {"Prospect", "Contacted", "Replied", "Interested", "Screening",
                         "Interviewing", "Offer", "Hired", "Rejected"};
  for (int i = 0; i < 9; ++i) stages_.push_back(Stage{ids[i], names[i], i + 1});
}

void KulaStore::setEventSink(EventSink sink) {
  std::lock_guard lock(mutex_);
  sink_ = std::move(sink);
}

std::string KulaStore::newId(const char* prefix) {
  // Random rather than sequential: the host dedupes events by id across sandbox restarts.
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng_()));
  return std::string(prefix) + "_" + buf;
}

bool KulaStore::knownStage(const std::string& id) const {
  return std::any_of(stages_.begin(), stages_.end(), [&](const Stage& s) { return s.id == id; });
}

Candidate* KulaStore::findCandidate(const std::string& id) {
  auto it = candidate_index_.find(id);
  return it == candidate_index_.end() ? nullptr : &candidates_[it->second];
}

const Candidate* KulaStore::findCandidate(const std::string& id) const {
  auto it = candidate_index_.find(id);
  return it == candidate_index_.end() ? nullptr : &candidates_[it->second];
}

Event KulaStore::emit(std::string type, json::object data, TimePoint now) {
  Event e;
  e.seq = events_.size() + 1;
  e.id = newId("evt");
  e.type = std::move(type);
  e.occurred_at = now;
  e.data = std::move(data);
  e.body = json::serialize(toJson(e));
  events_.push_back(e);
  if (sink_) sink_(events_.back());
  return e;
}

// ---------------------------------------------------------------------------------------------- reads

std::vector<Stage> KulaStore::stages() const {
  std::lock_guard lock(mutex_);
  return stages_;
}

std::optional<Flow> KulaStore::flow(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& f : flows_) {
    if (f.id == id) return f;
  }
  return std::nullopt;
}

std::optional<Candidate> KulaStore::candidate(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const Candidate* c = findCandidate(id);
  if (c == nullptr) return std::nullopt;
  return *c;
}

Slice<Candidate> KulaStore::candidates(const std::optional<std::string>& email, std::size_t offset,
                                       std::size_t limit) const {
  std::lock_guard lock(mutex_);
  if (!email) return cut(candidates_, offset, limit);
  std::vector<Candidate> found;
  auto it = email_index_.find(lower(*email));
  if (it != email_index_.end()) found.push_back(*findCandidate(it->second));
  return cut(found, offset, limit);
}

Result<Slice<Note>> KulaStore::notes(const std::string& candidate_id, std::size_t offset, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  if (findCandidate(candidate_id) == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  return cutIndexed(notes_, lookup(notes_by_candidate_, candidate_id), offset, limit, false);
}

Result<Slice<Message>> KulaStore::messages(const std::string& candidate_id, std::size_t offset,
                                           std::size_t limit) const {
  std::lock_guard lock(mutex_);
  if (findCandidate(candidate_id) == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  return cutIndexed(messages_, lookup(messages_by_candidate_, candidate_id), offset, limit, false);
}

Result<Slice<Resume>> KulaStore::resumes(const std::string& candidate_id, std::size_t offset,
                                         std::size_t limit) const {
  std::lock_guard lock(mutex_);
  if (findCandidate(candidate_id) == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  auto s = cutIndexed(resumes_, lookup(resumes_by_candidate_, candidate_id), offset, limit, true);
  for (auto& r : s.items) r.content.clear();  // listing carries metadata only
  return s;
}

std::optional<Resume> KulaStore::resume(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = resume_index_.find(id);
  if (it == resume_index_.end()) return std::nullopt;
  return resumes_[it->second];
}

std::vector<Event> KulaStore::events(std::uint64_t after_seq, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<Event> out;
  for (std::size_t i = std::max(after_seq, forgotten_through_seq_); i < events_.size() && out.size() < limit; ++i) {
    out.push_back(events_[i]);
  }
  return out;
}

std::uint64_t KulaStore::forgottenThroughSeq() const {
  std::lock_guard lock(mutex_);
  return forgotten_through_seq_;
}

std::uint64_t KulaStore::forgetOldEvents(std::uint64_t keep_last) {
  std::lock_guard lock(mutex_);
  const std::uint64_t size = events_.size();
  const std::uint64_t through = size > keep_last ? size - keep_last : 0;
  if (through <= forgotten_through_seq_) return 0;
  const std::uint64_t forgotten = through - forgotten_through_seq_;
  forgotten_through_seq_ = through;  // the entries stay in memory for snapshots; the API no longer serves them
  return forgotten;
}

std::string KulaStore::eventEpoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

std::uint64_t KulaStore::lastEventSeq() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

Snapshot KulaStore::snapshot() const {
  std::lock_guard lock(mutex_);
  return Snapshot{stages_, flows_, candidates_, notes_, messages_, resumes_, events_};
}

// ------------------------------------------------------------------------------------------ candidates

std::optional<std::string> KulaStore::validateCandidateInput(const CandidateInput& in, bool creating) const {
  if (creating && (!in.name || blank(*in.name))) return "'name' is required";
  if (in.name && in.name->size() > 1000) return "'name' is longer than 1000 characters";
  for (const auto& e : in.emails) {
    if (!plausibleEmail(e)) return "'emails' contains '" + e + "', which is not an email address";
  }
  for (const auto& p : in.phones) {
    if (blank(p.value)) return "'phones' contains an entry without a value";
  }
  if (in.stage && !knownStage(*in.stage)) return "unknown stage '" + *in.stage + "'";
  if (in.ats && blank(in.ats->opportunity_id)) return "'ats.opportunity_id' must not be empty";
  return std::nullopt;
}

Candidate KulaStore::insertCandidate(const CandidateInput& in, TimePoint now) {
  Candidate c;
  c.id = newId("cand");
  c.name = in.name.value_or("");
  for (const auto& e : in.emails) {
    if (std::none_of(c.emails.begin(), c.emails.end(), [&](const auto& x) { return lower(x) == lower(e); })) {
      c.emails.push_back(e);
    }
  }
  c.phones = in.phones;
  c.links = in.links;
  c.headline = in.headline.value_or("");
  c.location = in.location.value_or("");
  c.stage = in.stage.value_or("prospect");
  c.ats = in.ats;
  c.created_at = now;
  c.updated_at = now;
  for (const auto& e : c.emails) email_index_[lower(e)] = c.id;
  candidate_index_[c.id] = candidates_.size();
  candidates_.push_back(c);
  return c;
}

Result<std::pair<Candidate, bool>> KulaStore::upsertLocked(const CandidateInput& in, TimePoint now) {
  std::set<std::string> matches;
  for (const auto& e : in.emails) {
    auto it = email_index_.find(lower(e));
    if (it != email_index_.end()) matches.insert(it->second);
  }
  if (matches.size() > 1) {
    return ApiError{409, "conflict", "the emails belong to " + std::to_string(matches.size()) + " different candidates"};
  }
  if (auto err = validateCandidateInput(in, matches.empty())) return invalid(*err);
  if (matches.empty()) return std::pair{insertCandidate(in, now), true};

  Candidate& c = *findCandidate(*matches.begin());
  if (in.name && !blank(*in.name)) c.name = *in.name;
  if (in.headline) c.headline = *in.headline;
  if (in.location) c.location = *in.location;
  for (const auto& e : in.emails) {
    if (email_index_.emplace(lower(e), c.id).second) c.emails.push_back(e);
  }
  for (const auto& p : in.phones) {
    if (std::none_of(c.phones.begin(), c.phones.end(), [&](const Phone& x) { return x.value == p.value; })) {
      c.phones.push_back(p);
    }
  }
  for (const auto& l : in.links) {
    if (std::find(c.links.begin(), c.links.end(), l) == c.links.end()) c.links.push_back(l);
  }
  if (in.ats) c.ats = in.ats;
  c.updated_at = now;
  if (in.stage) {
    std::optional<Event> ignored;
    changeStageLocked(c, *in.stage, std::nullopt, "ats", now, ignored);
  }
  return std::pair{c, false};
}

Result<std::pair<Candidate, bool>> KulaStore::upsertCandidate(const CandidateInput& in) {
  std::lock_guard lock(mutex_);
  return upsertLocked(in, Clock::now());
}

Candidate* KulaStore::changeStageLocked(Candidate& c, const std::string& stage, const std::optional<Person>& by,
                                        const char* source, TimePoint now, std::optional<Event>& event) {
  if (c.stage == stage) return &c;
  const std::string from = c.stage;
  c.stage = stage;
  c.updated_at = now;
  event = emit("candidate.stage_changed",
               json::object{{"candidate_id", c.id},
                            {"from_stage", from},
                            {"to_stage", stage},
                            {"changed_by", personOrNull(by)},
                            {"source", source}},
               now);
  return &c;
}

Result<Candidate> KulaStore::setStageFromAts(const std::string& id, const std::string& stage) {
  std::lock_guard lock(mutex_);
  Candidate* c = findCandidate(id);
  if (c == nullptr) return notFound("candidate '" + id + "' not found");
  if (!knownStage(stage)) return ApiError{422, "unknown_stage", "unknown stage '" + stage + "'"};
  std::optional<Event> ignored;
  return *changeStageLocked(*c, stage, std::nullopt, "ats", Clock::now(), ignored);
}

Result<Candidate> KulaStore::setAtsLink(const std::string& id, const AtsLink& link) {
  std::lock_guard lock(mutex_);
  Candidate* c = findCandidate(id);
  if (c == nullptr) return notFound("candidate '" + id + "' not found");
  if (blank(link.opportunity_id)) return invalid("'opportunity_id' must not be empty");
  c->ats = link;
  c->updated_at = Clock::now();
  return *c;
}

// ------------------------------------------------------------------------------------ scenario actions

Result<Candidate> KulaStore::createCandidate(const CandidateInput& in) {
  std::lock_guard lock(mutex_);
  for (const auto& e : in.emails) {
    if (email_index_.count(lower(e)) != 0) {
      return ApiError{409, "conflict", "a candidate with email '" + e + "' already exists"};
    }
  }
  if (auto err = validateCandidateInput(in, true)) return invalid(*err);
  return insertCandidate(in, Clock::now());
}

Result<Flow> KulaStore::createFlow(const std::optional<std::string>& id, const std::string& name,
                                   const std::optional<std::string>& ats_posting_id) {
  std::lock_guard lock(mutex_);
  if (blank(name)) return invalid("'name' is required");
  if (id && blank(*id)) return invalid("'id' must not be empty");
  if (id) {
    for (auto& f : flows_) {
      if (f.id == *id) return ApiError{409, "conflict", "flow '" + *id + "' already exists"};
    }
  }
  Flow f{id ? *id : newId("flow"), name, ats_posting_id, Clock::now()};
  flows_.push_back(f);
  return f;
}

Result<Event> KulaStore::addToFlow(const std::string& flow_id, const std::string& candidate_id,
                                   const std::optional<Person>& added_by) {
  std::lock_guard lock(mutex_);
  const Flow* flow = nullptr;
  for (const auto& f : flows_) {
    if (f.id == flow_id) flow = &f;
  }
  if (flow == nullptr) return notFound("flow '" + flow_id + "' not found");
  const Candidate* c = findCandidate(candidate_id);
  if (c == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  json::object f{{"id", flow->id}, {"name", flow->name}, {"ats_posting_id", toJson(*flow).at("ats_posting_id")}};
  return emit("flow.candidate_added",
              json::object{{"flow", std::move(f)},
                           {"candidate", toJson(*c)},
                           {"added_by", toJson(added_by.value_or(kDefaultRecruiter))}},
              Clock::now());
}

Result<Event> KulaStore::refer(const ReferralInput& in) {
  std::lock_guard lock(mutex_);
  if (blank(in.ats_posting_id)) return invalid("'ats_posting_id' is required");
  if (!plausibleEmail(in.referrer.email)) return invalid("'referrer.email' must be an email address");
  const TimePoint now = Clock::now();
  Candidate c;
  if (in.candidate_id) {
    const Candidate* found = findCandidate(*in.candidate_id);
    if (found == nullptr) return notFound("candidate '" + *in.candidate_id + "' not found");
    c = *found;
  } else if (in.candidate) {
    auto up = upsertLocked(*in.candidate, now);
    if (!up) return up.error();
    c = up->first;
  } else {
    return invalid("'candidate_id' or 'candidate' is required");
  }
  json::value note = nullptr;
  if (in.note) note = json::string(*in.note);
  return emit("referral.created",
              json::object{{"referral_id", newId("ref")},
                           {"ats_posting_id", in.ats_posting_id},
                           {"candidate", toJson(c)},
                           {"referrer", toJson(in.referrer)},
                           {"note", std::move(note)}},
              now);
}

Result<std::optional<Event>> KulaStore::changeStage(const std::string& candidate_id, const std::string& stage,
                                                    const std::optional<Person>& changed_by) {
  std::lock_guard lock(mutex_);
  Candidate* c = findCandidate(candidate_id);
  if (c == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  if (!knownStage(stage)) return ApiError{422, "unknown_stage", "unknown stage '" + stage + "'"};
  std::optional<Event> event;
  changeStageLocked(*c, stage, changed_by.value_or(kDefaultRecruiter), "kula", Clock::now(), event);
  return event;
}

Result<std::pair<Note, Event>> KulaStore::addNote(const std::string& candidate_id, const std::string& body,
                                                  bool is_private, const std::optional<Person>& author) {
  std::lock_guard lock(mutex_);
  if (findCandidate(candidate_id) == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  if (blank(body)) return invalid("'body' is required");
  const TimePoint now = Clock::now();
  Note n{newId("note"), candidate_id, body, author.value_or(kDefaultRecruiter), is_private, now};
  notes_by_candidate_[candidate_id].push_back(notes_.size());
  notes_.push_back(n);
  Event e = emit("note.created", json::object{{"note", toJson(n)}}, now);
  return std::pair{n, e};
}

Result<std::pair<Message, Event>> KulaStore::logMessage(const MessageInput& in) {
  std::lock_guard lock(mutex_);
  if (findCandidate(in.candidate_id) == nullptr) return notFound("candidate '" + in.candidate_id + "' not found");
  if (in.direction != "outbound" && in.direction != "inbound") {
    return invalid("'direction' must be \"outbound\" or \"inbound\", not \"" + in.direction + "\"");
  }
  if (in.channel != "email" && in.channel != "linkedin" && in.channel != "sms") {
    return invalid("'channel' must be \"email\", \"linkedin\" or \"sms\", not \"" + in.channel + "\"");
  }
  if (blank(in.body)) return invalid("'body' is required");
  if (in.flow_id && std::none_of(flows_.begin(), flows_.end(), [&](const Flow& f) { return f.id == *in.flow_id; })) {
    return invalid("unknown flow '" + *in.flow_id + "'");
  }
  const TimePoint now = Clock::now();
  Message m{newId("msg"), in.candidate_id, in.flow_id, in.direction, in.channel, in.subject, in.body, now};
  messages_by_candidate_[in.candidate_id].push_back(messages_.size());
  messages_.push_back(m);
  Event e = emit("message.logged", json::object{{"message", toJson(m)}}, now);
  return std::pair{m, e};
}

Result<std::pair<Resume, Event>> KulaStore::uploadResume(const std::string& candidate_id, const std::string& file_name,
                                                         const std::string& content_type, std::string content) {
  std::lock_guard lock(mutex_);
  if (findCandidate(candidate_id) == nullptr) return notFound("candidate '" + candidate_id + "' not found");
  if (blank(file_name)) return invalid("'file_name' is required");
  if (content.empty()) return invalid("the file is empty");
  if (content.size() > kMaxResumeBytes) return invalid("the file is larger than 20 MiB");
  const TimePoint now = Clock::now();
  Resume r;
  r.id = newId("res");
  r.candidate_id = candidate_id;
  r.file_name = file_name;
  r.content_type = blank(content_type) ? "application/octet-stream" : content_type;
  r.size_bytes = content.size();
  r.sha256 = sha256Hex(content);
  r.created_at = now;
  r.content = std::move(content);
  resume_index_[r.id] = resumes_.size();
  resumes_by_candidate_[candidate_id].push_back(resumes_.size());
  resumes_.push_back(r);
  Event e = emit("resume.uploaded", json::object{{"resume", toJson(r)}}, now);
  return std::pair{r, e};
}

}  // namespace atsync::sandbox::kula
