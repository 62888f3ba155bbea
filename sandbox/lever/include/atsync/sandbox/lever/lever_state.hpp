// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "atsync/sandbox/lever/model.hpp"

namespace atsync::sandbox::lever {

/// Everything the fake Lever account holds. Not synchronised by itself: LeverState guards it.
struct LeverData {
  std::uint64_t next_seq = 1;
  std::vector<User> users;
  std::vector<Stage> stages;  ///< pipeline order = toStageIndex
  std::vector<ArchiveReason> archive_reasons;
  std::vector<Posting> postings;
  std::map<std::string, Contact> contacts;
  std::map<std::string, std::string> contact_by_email;  ///< lower-cased email -> contact id
  std::vector<Opportunity> opportunities;               ///< seq order
  std::unordered_map<std::string, std::size_t> opportunity_index;
  std::vector<Note> notes;  ///< seq order; deleted notes stay as tombstones so old page tokens stay valid
  std::unordered_map<std::string, std::size_t> note_index;
  std::vector<File> files;
  std::unordered_map<std::string, std::size_t> file_index;
  std::map<std::string, Application> applications;
  std::vector<Webhook> webhooks;

  Opportunity* findOpportunity(const std::string& id);
  const Opportunity* findOpportunity(const std::string& id) const;
  Note* findNote(const std::string& id);
  File* findFile(const std::string& id);
  const Posting* findPosting(const std::string& id) const;
  const Stage* findStage(const std::string& id) const;
  int stageIndex(const std::string& id) const;  ///< -1 when unknown
  const User* findUser(const std::string& id) const;
  const ArchiveReason* findArchiveReason(const std::string& id) const;
  const Contact* findContact(const std::string& id) const;

  Opportunity& addOpportunity(Opportunity o);
  Note& addNote(Note n);
  File& addFile(File f);
  /// Registers every email of the contact for dedupe.
  Contact& putContact(Contact c);
  void clear();
};

/// Thread-safe holder of LeverData. Tests use the snapshot readers; the sandbox's handlers take the lock
/// and work on data() directly.
class LeverState {
 public:
  std::optional<Opportunity> opportunity(const std::string& id) const;
  std::vector<Opportunity> opportunities() const;
  /// Opportunities whose contact has this email (case-insensitive).
  std::vector<Opportunity> opportunitiesByEmail(const std::string& email) const;
  std::size_t opportunityCount() const;
  std::optional<Contact> contact(const std::string& id) const;
  std::size_t contactCount() const;
  /// Notes of one opportunity, deleted ones included (deleted_at_ms set).
  std::vector<Note> notes(const std::string& opportunity_id) const;
  std::vector<File> files(const std::string& opportunity_id) const;
  std::optional<Application> application(const std::string& id) const;
  std::vector<Webhook> webhooks() const;
  std::vector<Posting> postings() const;
  std::vector<User> users() const;
  std::vector<Stage> stages() const;
  std::vector<ArchiveReason> archiveReasons() const;

  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mutex_); }
  /// Only with lock() held.
  LeverData& data() { return data_; }
  const LeverData& data() const { return data_; }

 private:
  mutable std::mutex mutex_;
  LeverData data_;
};

}  // namespace atsync::sandbox::lever
