// SPDX-License-Identifier: Apache-2.0
// The import's concurrency (app/command_pool.hpp, app/initial_import.cpp) against the real plugins and the Lever and
// Kula sandboxes over loopback HTTP, on a SQLite file: commands of one group, or imports of one person, never run at
// once; a failing command does not hold up the others; an import that stops part-way resumes from its cursor.

#include "app/command_pool.hpp"
#include "app/host_app.hpp"
#include "app/initial_import.hpp"
#include "engine/actions.hpp"
#include "run_process.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/lever/lever_sandbox.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>
#include <atsync/sdk/operations.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace atsync::testing {
namespace {

namespace json = boost::json;
namespace app = host::app;
namespace engine = host::engine;
namespace store = host::store;
using ::testing::HasSubstr;

constexpr char kConnection[] = "imp";
constexpr char kLeverKey[] = "import-test-lever-key";
constexpr char kKulaKey[] = "import-test-kula-key";

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class ImportPipeline : public ::testing::Test {
 protected:
  void TearDown() override {
    app_.reset();
    if (kula_) kula_->stop();
    if (lever_) lever_->stop();
    std::error_code ec;
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_, ec);
  }

  /// The sandboxes (Lever's seed trimmed to `opportunities` when non-zero) and a host on a fresh SQLite file.
  void startWorld(const std::string& lever_seed, std::size_t opportunities = 0) {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("atsync-import-test-" + std::to_string(::getpid()) + "-" + std::to_string(random() % 1000000));
    std::filesystem::create_directories(dir_);
    sandbox::lever::LeverSandbox::Options lo;
    lo.seed = lever_seed;
    lo.api_keys = {kLeverKey};
    lo.rate_per_second = 0;
    lever_ = std::make_unique<sandbox::lever::LeverSandbox>(lo);
    if (opportunities > 0) {
      auto lock = lever_->state().lock();
      auto& data = const_cast<sandbox::lever::LeverState&>(lever_->state()).data();
      for (std::size_t i = opportunities; i < data.opportunities.size(); ++i) {
        data.opportunity_index.erase(data.opportunities[i].id);
      }
      if (data.opportunities.size() > opportunities) data.opportunities.resize(opportunities);
    }
    lever_->start();
    sandbox::kula::KulaSandbox::Options ko;
    ko.api_key = kKulaKey;
    kula_ = std::make_unique<sandbox::kula::KulaSandbox>(ko);
    kula_->start();

    host::config::Config config;
    config.store.kind = host::config::StoreConfig::Kind::kSqlite;
    config.store.sqlite_path = dir_ / "atsync.db";
    config.store.url = "sqlite:" + (dir_ / "atsync.db").string();
    config.server.listen_host = "127.0.0.1";
    config.server.listen_port = 0;
    config.server.admin_token = "import-test-admin-token";
    config.plugins.dirs = {pluginDir()};
    config.source = "<import_pipeline_test>";
    config.retry.base_backoff_ms = 20;
    config.retry.max_backoff_ms = 100;
    host::config::ConnectionConfig c;
    c.id = kConnection;
    c.platform.plugin = "kula";
    c.platform.config = json::object{{"base_url", kula_->baseUrl()}, {"api_key", kKulaKey}, {"webhook_secret", "s"}};
    c.platform.secret_pointers = {"/api_key", "/webhook_secret"};
    c.ats.plugin = "lever";
    c.ats.config = json::object{{"base_url", lever_->baseUrl()},
                                {"auth", json::object{{"mode", "api_key"}, {"api_key", kLeverKey}}},
                                {"perform_as", sandbox::lever::seed::kUserIntegration}};
    c.ats.secret_pointers = {"/auth/api_key"};
    config.connections.push_back(c);
    auto plugins = host::plugin::loadDirectory(pluginDir());
    ASSERT_TRUE(plugins) << plugins.error();
    auto app = app::HostApp::create(std::move(config), std::move(*plugins));
    ASSERT_TRUE(app) << app.error();
    app_ = std::move(*app);
    connection_ = app_->lanes().find(kConnection);
    ASSERT_NE(connection_, nullptr);
    ASSERT_TRUE(connection_->connect(nowMs())) << connection_->lastConnectError();
  }

  /// Queues an import of every opportunity of the Lever sandbox, as the import's page loop does, except that the
  /// opportunities of one person are queued one after the other, so the pool sees them side by side.
  void queueImports() {
    auto page = connection_->ats().invoke(sdk::op::kImportPage, json::object{});
    ASSERT_TRUE(page) << page.error().message;
    const auto& list = page->document.at("opportunities").as_array();
    ASSERT_EQ(list.size(), lever_->state().opportunities().size()) << "one page holds them all";
    std::vector<json::value> ordered;
    std::set<std::string> contacts_done;
    for (const auto& v : list) {
      const std::string contact(v.at("contact_id").as_string());
      if (!contacts_done.insert(contact).second) continue;
      for (const auto& w : list) {
        if (w.at("contact_id").as_string() == contact) ordered.push_back(w);
      }
    }
    app_->store().transact([&](store::Transaction& tx) {
      for (const auto& v : ordered) {
        const std::string id(v.at("id").as_string());
        json::object input;
        input["opportunity_id"] = id;
        input["opportunity"] = v;
        insert(tx, "import:" + id, "opportunity:" + id, json::serialize(input));
      }
    });
  }

  void insert(store::Transaction& tx, const std::string& key, const std::string& group, const std::string& input) {
    store::NewCommand command;
    command.connection_id = kConnection;
    command.key = key;
    command.group_key = group;
    command.action = std::string(engine::action::kImportOpportunity);
    command.input = input;
    ASSERT_TRUE(tx.insertCommand(command, nowMs()));
  }

  store::Counts counts() {
    store::Counts out;
    app_->store().transact([&](store::Transaction& tx) { out = tx.counts(kConnection); });
    return out;
  }
  std::int64_t inState(store::CommandState state) {
    const auto c = counts();
    const auto it = c.commands_by_state.find(state);
    return it == c.commands_by_state.end() ? 0 : it->second;
  }

  /// Drains with `pool` until no command is open (retries fall due within milliseconds here).
  void drainAll(app::CommandPool& pool) {
    const auto open = [&] { return inState(store::CommandState::kPending) + inState(store::CommandState::kInFlight); };
    for (int round = 0; round < 200 && open() > 0; ++round) {
      pool.drain(*connection_, &nowMs);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(inState(store::CommandState::kPending) + inState(store::CommandState::kInFlight), 0);
  }

  /// Every Lever person is one Kula candidate with their email, linked to one of their opportunities.
  void expectEveryPersonLinkedOnce() {
    std::map<std::string, std::set<std::string>> opportunities_by_email;
    for (const auto& o : lever_->state().opportunities()) {
      const auto contact = lever_->state().contact(o.contact_id);
      ASSERT_TRUE(contact);
      if (contact->emails.empty()) continue;  // anonymized: never imported
      opportunities_by_email[lower(contact->emails.front())].insert(o.id);
    }
    std::map<std::string, int> candidates_by_email;
    for (const auto& c : kula_->snapshot().candidates) {
      if (c.emails.empty()) continue;
      const std::string email = lower(c.emails.front());
      if (opportunities_by_email.count(email) == 0) continue;  // one of Kula's own seed
      ++candidates_by_email[email];
      ASSERT_TRUE(c.ats) << email << " is not linked";
      EXPECT_EQ(opportunities_by_email[email].count(c.ats->opportunity_id), 1u) << email;
    }
    for (const auto& [email, ids] : opportunities_by_email) EXPECT_EQ(candidates_by_email[email], 1) << email;
    EXPECT_EQ(counts().links, static_cast<std::int64_t>(opportunities_by_email.size()));
  }

  /// Lever anonymizes the person behind the `index`-th opportunity, as a data-retention policy does: no name, no
  /// email, no phone. Returns the opportunity's id.
  std::string anonymize(std::size_t index) {
    auto lock = lever_->state().lock();
    auto& data = const_cast<sandbox::lever::LeverState&>(lever_->state()).data();
    const auto& opportunity = data.opportunities.at(index);
    auto& contact = data.contacts.at(opportunity.contact_id);
    for (const auto& e : contact.emails) data.contact_by_email.erase(lower(e));
    contact.name.clear();
    contact.emails.clear();
    contact.phones.clear();
    return opportunity.id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<sandbox::lever::LeverSandbox> lever_;
  std::unique_ptr<sandbox::kula::KulaSandbox> kula_;
  std::unique_ptr<app::HostApp> app_;
  engine::Lane* connection_ = nullptr;
};

/// Watches the actions the pool runs: how many at once, and whether two that share a subject ever overlapped.
class OverlapWatch {
 public:
  app::CommandPool::RunFn wrap(engine::Lane& connection) {
    return [this, &connection](const engine::Lane::Claim& claim, std::int64_t now_ms) {
      const auto subjects = app::commandSubjects(claim.command);
      enter(claim.command, subjects);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // long enough for neighbours to start meanwhile
      auto outcome = connection.runClaimed(claim, now_ms);
      leave(claim.command, subjects);
      return outcome;
    };
  }
  int mostAtOnce() const { return most_; }
  const std::vector<std::string>& clashes() const { return clashes_; }
  /// Command keys in the order their actions started and finished ("+key", "-key").
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  void enter(const store::Command& c, const std::vector<std::string>& subjects) {
    std::lock_guard lock(mutex_);
    for (const auto& s : subjects) {
      if (active_[s]++ > 0) clashes_.push_back(c.key + " ran beside another command of " + s);
    }
    most_ = std::max(most_, ++running_);
    trace_.push_back("+" + c.key);
  }
  void leave(const store::Command& c, const std::vector<std::string>& subjects) {
    std::lock_guard lock(mutex_);
    for (const auto& s : subjects) --active_[s];
    --running_;
    trace_.push_back("-" + c.key);
  }

  std::mutex mutex_;
  std::map<std::string, int> active_;
  int running_ = 0;
  int most_ = 0;
  std::vector<std::string> clashes_;
  std::vector<std::string> trace_;
};

TEST_F(ImportPipeline, CommandsOfOneGroupOrOnePersonNeverRunAtOnce) {
  startWorld("small");  // 30 opportunities of 26 people: 4 people have two
  ASSERT_NO_FATAL_FAILURE(queueImports());
  // A second command in one opportunity's group: it must wait for the first, then find the link it made.
  const auto first = lever_->state().opportunities().front();
  app_->store().transact([&](store::Transaction& tx) {
    insert(tx, "import:" + first.id + ":again", "opportunity:" + first.id,
           json::serialize(json::object{{"opportunity_id", first.id}}));
  });

  OverlapWatch watch;
  app::CommandPool pool(4, watch.wrap(*connection_));
  drainAll(pool);

  EXPECT_THAT(watch.clashes(), ::testing::IsEmpty());
  EXPECT_GE(watch.mostAtOnce(), 2) << "the pool never ran two commands at once";
  EXPECT_LE(watch.mostAtOnce(), 4);
  const auto& trace = watch.trace();
  const auto first_done = std::find(trace.begin(), trace.end(), "-import:" + first.id);
  const auto again_start = std::find(trace.begin(), trace.end(), "+import:" + first.id + ":again");
  ASSERT_NE(first_done, trace.end());
  ASSERT_NE(again_start, trace.end());
  EXPECT_LT(first_done - trace.begin(), again_start - trace.begin()) << "the group's second command started first";
  EXPECT_EQ(inState(store::CommandState::kDead), 0);
  expectEveryPersonLinkedOnce();
  EXPECT_EQ(kula_->snapshot().candidates.size(), 4u + 26u);
}

TEST_F(ImportPipeline, AFailingCommandDoesNotStopTheOthers) {
  startWorld("small");
  // The oldest command cannot run at all (its input is not an object): it goes to the dead letters, alone.
  app_->store().transact([&](store::Transaction& tx) { insert(tx, "import:broken", "opportunity:broken", "[1, 2]"); });
  ASSERT_NO_FATAL_FAILURE(queueImports());
  // And Kula refuses the first three candidate writes for a moment: those imports are retried, the others go on.
  sandbox::FaultSettings faults;
  faults.script = {{"POST", "/candidates", 503, 3, ""}};
  kula_->setFaults(faults);

  OverlapWatch watch;
  app::CommandPool pool(4, watch.wrap(*connection_));
  drainAll(pool);

  EXPECT_EQ(kula_->faults().script.at(0).count, 0) << "the three failures happened";
  EXPECT_THAT(watch.clashes(), ::testing::IsEmpty());
  EXPECT_EQ(inState(store::CommandState::kDead), 1);
  store::Command broken;
  app_->store().transact([&](store::Transaction& tx) { broken = *tx.commandByKey(kConnection, "import:broken"); });
  EXPECT_EQ(broken.state, store::CommandState::kDead);
  EXPECT_THAT(broken.last_error, HasSubstr("not a JSON object"));
  expectEveryPersonLinkedOnce();
}

TEST_F(ImportPipeline, ResumesFromItsCursorAfterAPageFails) {
  startWorld("large", 250);  // three pages of up to 100
  int pages_seen = 0;
  auto failed = app::runInitialImport(*connection_, app_->store(), &nowMs, [&](const app::ImportProgress& p) {
    pages_seen = p.pages;
    // After the first page, the next page's reads fail until the one-shot retries give up.
    if (p.pages == 1) {
      sandbox::FaultSettings faults;
      faults.script = {{"GET", "/opportunities", 503, 3, ""}};
      lever_->setFaults(faults);
    }
  });
  ASSERT_FALSE(failed);
  EXPECT_THAT(failed.error(), HasSubstr("a new run resumes from the last page"));
  EXPECT_EQ(pages_seen, 1);
  EXPECT_EQ(counts().links, 100) << "the first page's imports ran before the next page's read failed";

  const auto log_from = lever_->requests().size();
  bool resumed = false;
  auto again = app::runInitialImport(*connection_, app_->store(), &nowMs, {}, [&] { resumed = true; });
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE(resumed);
  EXPECT_TRUE(again->resumed);
  EXPECT_EQ(again->progress.pages, 2) << "the second run started at the second page";
  EXPECT_EQ(again->progress.seen, 150);
  EXPECT_EQ(again->dead, 0);
  EXPECT_EQ(again->pending, 0);
  int page_reads = 0;
  const auto requests = lever_->requests();
  for (std::size_t i = log_from; i < requests.size(); ++i) {
    if (requests[i].method == "GET" && requests[i].path.ends_with("/opportunities")) ++page_reads;
  }
  EXPECT_EQ(page_reads, 2);
  expectEveryPersonLinkedOnce();
}

TEST_F(ImportPipeline, SkipsAndNamesWhatCanNeverBeImportedAndCountsItAcrossAResume) {
  startWorld("large", 250);  // three pages of up to 100
  // One on the first page and one on the last, whichever order Lever lists them in.
  const std::set<std::string> anonymized{anonymize(10), anonymize(220)};
  auto failed = app::runInitialImport(*connection_, app_->store(), &nowMs, [&](const app::ImportProgress& p) {
    if (p.pages == 1) {  // the second page's reads fail until the one-shot retries give up
      sandbox::FaultSettings faults;
      faults.script = {{"GET", "/opportunities", 503, 3, ""}};
      lever_->setFaults(faults);
    }
  });
  ASSERT_FALSE(failed);

  auto again = app::runInitialImport(*connection_, app_->store(), &nowMs);
  ASSERT_TRUE(again) << again.error();
  ASSERT_TRUE(again->resumed);
  EXPECT_EQ(again->skipped, 2) << "the interrupted run's skip is counted too";
  ASSERT_EQ(again->skipped_ids.size(), 1u) << "this run read one of them";
  EXPECT_EQ(anonymized.count(again->skipped_ids.front()), 1u);
  EXPECT_EQ(again->dead, 0) << "nothing a retry could never fix is dead-lettered";
  EXPECT_EQ(again->pending, 0);
  EXPECT_EQ(again->links, 248);
  expectEveryPersonLinkedOnce();
  for (const auto& id : anonymized) {
    app_->store().transact([&](store::Transaction& tx) { EXPECT_FALSE(tx.linkByOpportunity(kConnection, id)); });
  }

  // A fresh run of a finished import counts from nothing again, and names what it skipped.
  auto rerun = app::runInitialImport(*connection_, app_->store(), &nowMs);
  ASSERT_TRUE(rerun) << rerun.error();
  EXPECT_FALSE(rerun->resumed);
  EXPECT_EQ(rerun->skipped, 2);
  EXPECT_EQ(std::set<std::string>(rerun->skipped_ids.begin(), rerun->skipped_ids.end()), anonymized);
}

}  // namespace
}  // namespace atsync::testing
