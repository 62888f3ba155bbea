// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/lever/lever_state.hpp"

#include <algorithm>
#include <cctype>

namespace atsync::sandbox::lever {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
template <class T>
const T* findById(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}
}  // namespace

Opportunity* LeverData::findOpportunity(const std::string& id) {
  auto it = opportunity_index.find(id);
  return it == opportunity_index.end() ? nullptr : &opportunities[it->second];
}
const Opportunity* LeverData::findOpportunity(const std::string& id) const {
  auto it = opportunity_index.find(id);
  return it == opportunity_index.end() ? nullptr : &opportunities[it->second];
}
Note* LeverData::findNote(const std::string& id) {
  auto it = note_index.find(id);
  return it == note_index.end() ? nullptr : &notes[it->second];
}
File* LeverData::findFile(const std::string& id) {
  auto it = file_index.find(id);
  return it == file_index.end() ? nullptr : &files[it->second];
}
const Posting* LeverData::findPosting(const std::string& id) const { return findById(postings, id); }
const Stage* LeverData::findStage(const std::string& id) const { return findById(stages, id); }
const User* LeverData::findUser(const std::string& id) const { return findById(users, id); }
const ArchiveReason* LeverData::findArchiveReason(const std::string& id) const {
  return findById(archive_reasons, id);
}
const Contact* LeverData::findContact(const std::string& id) const {
  auto it = contacts.find(id);
  return it == contacts.end() ? nullptr : &it->second;
}

int LeverData::stageIndex(const std::string& id) const {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

Opportunity& LeverData::addOpportunity(Opportunity o) {
  o.seq = next_seq++;
  opportunity_index[o.id] = opportunities.size();
  opportunities.push_back(std::move(o));
  return opportunities.back();
}

Note& LeverData::addNote(Note n) {
  n.seq = next_seq++;
  note_index[n.id] = notes.size();
  notes.push_back(std::move(n));
  return notes.back();
}

File& LeverData::addFile(File f) {
  f.seq = next_seq++;
  file_index[f.id] = files.size();
  files.push_back(std::move(f));
  return files.back();
}

Contact& LeverData::putContact(Contact c) {
  for (const auto& e : c.emails) contact_by_email.emplace(lower(e), c.id);
  auto& slot = contacts[c.id];
  slot = std::move(c);
  return slot;
}

void LeverData::clear() { *this = LeverData(); }

std::optional<Opportunity> LeverState::opportunity(const std::string& id) const {
  auto l = lock();
  const auto* o = data_.findOpportunity(id);
  return o ? std::optional<Opportunity>(*o) : std::nullopt;
}

std::vector<Opportunity> LeverState::opportunities() const {
  auto l = lock();
  return data_.opportunities;
}

std::vector<Opportunity> LeverState::opportunitiesByEmail(const std::string& email) const {
  auto l = lock();
  std::vector<Opportunity> out;
  auto it = data_.contact_by_email.find(lower(email));
  if (it == data_.contact_by_email.end()) return out;
  for (const auto& o : data_.opportunities) {
    if (o.contact_id == it->second) out.push_back(o);
  }
  return out;
}

std::size_t LeverState::opportunityCount() const {
  auto l = lock();
  return data_.opportunities.size();
}

std::optional<Contact> LeverState::contact(const std::string& id) const {
  auto l = lock();
  const auto* c = data_.findContact(id);
  return c ? std::optional<Contact>(*c) : std::nullopt;
}

std::size_t LeverState::contactCount() const {
  auto l = lock();
  return data_.contacts.size();
}

std::vector<Note> LeverState::notes(const std::string& opportunity_id) const {
  auto l = lock();
  std::vector<Note> out;
  for (const auto& n : data_.notes) {
    if (n.opportunity_id == opportunity_id) out.push_back(n);
  }
  return out;
}

std::vector<File> LeverState::files(const std::string& opportunity_id) const {
  auto l = lock();
  std::vector<File> out;
  for (const auto& f : data_.files) {
    if (f.opportunity_id == opportunity_id) out.push_back(f);
  }
  return out;
}

std::optional<Application> LeverState::application(const std::string& id) const {
  auto l = lock();
  auto it = data_.applications.find(id);
  return it == data_.applications.end() ? std::nullopt : std::optional<Application>(it->second);
}

std::vector<Webhook> LeverState::webhooks() const {
  auto l = lock();
  return data_.webhooks;
}
std::vector<Posting> LeverState::postings() const {
  auto l = lock();
  return data_.postings;
}
std::vector<User> LeverState::users() const {
  auto l = lock();
  return data_.users;
}
std::vector<Stage> LeverState::stages() const {
  auto l = lock();
  return data_.stages;
}
std::vector<ArchiveReason> LeverState::archiveReasons() const {
  auto l = lock();
  return data_.archive_reasons;
}

}  // namespace atsync::sandbox::lever
