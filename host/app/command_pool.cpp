// SPDX-License-Identifier: Apache-2.0
#include "app/command_pool.hpp"

#include "engine/actions.hpp"

#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

namespace atsync::host::app {
namespace {

namespace json = boost::json;

/// How far past the commands it holds the pool looks for one it may run (past imports of a person it is importing).
constexpr int kLookahead = 32;

/// Commands claimed per thread: the threads have work while the caller's thread commits, and a batch is large
/// enough that a slow commit (several ms on a busy disk) is shared by many commands.
constexpr std::size_t kHeldPerWorker = 4;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// The person an import is about, read from its input; empty when the input does not say (the action then reads the
/// opportunity from the ATS, and the command runs alone).
std::vector<std::string> importPerson(const store::Command& command) {
  boost::system::error_code ec;
  const json::value input = json::parse(command.input, ec);
  if (ec || !input.is_object()) return {};
  std::vector<std::string> out;
  const auto& in = input.get_object();
  if (const auto* candidate = sdk::detail::object(in, "candidate")) {
    const std::string id = sdk::detail::str(*candidate, "id");
    if (!id.empty()) out.push_back("candidate:" + id);
  }
  const auto* opportunity = sdk::detail::object(in, "opportunity");
  if (opportunity == nullptr) return out;
  const std::string contact = sdk::detail::str(*opportunity, "contact_id");
  if (!contact.empty()) out.push_back("contact:" + contact);
  if (const auto* person = sdk::detail::object(*opportunity, "person")) {
    for (const auto& email : sdk::detail::strings(*person, "emails")) out.push_back("email:" + lower(email));
  }
  return out;
}

}  // namespace

bool runsConcurrently(const store::Command& command) {
  if (command.action != engine::action::kImportOpportunity) return false;
  // Without the person in its input an import cannot say whom it would collide with.
  const auto person = importPerson(command);
  return std::any_of(person.begin(), person.end(), [](const std::string& s) { return s.rfind("email:", 0) == 0; });
}

std::vector<std::string> commandSubjects(const store::Command& command) {
  std::vector<std::string> out{"group:" + command.group_key};
  if (command.action == engine::action::kImportOpportunity) {
    for (auto& s : importPerson(command)) out.push_back(std::move(s));
  }
  return out;
}

CommandPool::CommandPool(int workers, RunFn run) : run_(std::move(run)), workers_(std::max(workers, 1)) {
  threads_.reserve(static_cast<std::size_t>(workers_));
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { workerLoop(); });
}

CommandPool::~CommandPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();  // claimed but not started (an import that stopped on an error): in flight, for the next run
  }
  work_.notify_all();
  for (auto& t : threads_) t.join();
}

void CommandPool::workerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    auto job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      job->outcome = run_ ? run_(job->claim, job->now_ms) : job->connection->runClaimed(job->claim, job->now_ms);
    } catch (...) {
      job->error = std::current_exception();
    }
    lock.lock();
    done_.push_back(std::move(job));
    finished_.notify_one();
  }
}

int CommandPool::drain(engine::Lane& connection, const std::function<std::int64_t()>& now_ms,
                       const std::function<bool()>& enough) {
  const std::size_t max_held = kHeldPerWorker * static_cast<std::size_t>(workers_);
  int attempted = 0;

  // Picks, oldest first, the commands that may run beside the held ones and beside each other.
  const auto choose = [&](const std::vector<store::Command>& runnable) {
    std::vector<std::size_t> picked;
    std::set<std::string> taken;
    const std::size_t room = max_held - held_.size();
    for (std::size_t i = 0; i < runnable.size() && picked.size() < room; ++i) {
      const auto& c = runnable[i];
      if (held_.count(c.id) > 0) continue;
      if (!runsConcurrently(c)) {
        // It runs alone, in its turn: claim it when nothing else is held, and nothing after it until it is done.
        if (held_.empty() && picked.empty()) picked.push_back(i);
        break;
      }
      const auto subjects = commandSubjects(c);
      const bool clash = std::any_of(subjects.begin(), subjects.end(), [&](const std::string& s) {
        return busy_.count(s) > 0 || taken.count(s) > 0;
      });
      // A command passed over still holds its subjects for this pick: a later command of the same person must not
      // overtake it.
      taken.insert(subjects.begin(), subjects.end());
      if (!clash) picked.push_back(i);
    }
    return picked;
  };

  std::vector<std::pair<store::Command, engine::ActionOutcome>> outcomes;  // came back, not yet recorded
  while (true) {
    // Record what came back and claim what may run next, in one transaction.
    const bool claiming = !error_ && !alone_ && held_.size() < max_held;
    bool claimed_all = !claiming && held_.size() < max_held;  // nothing more could be claimed now
    if (claiming || !outcomes.empty()) {
      const std::size_t room = max_held - held_.size();
      const int window = static_cast<int>(held_.size() + max_held) + kLookahead;
      attempted += static_cast<int>(outcomes.size());
      auto claims = connection.completeAndClaim(std::exchange(outcomes, {}), now_ms(), window,
                                                claiming ? engine::Lane::ChooseFn(choose) : nullptr);
      if (claiming) claimed_all = claims.size() < room;
      for (auto& claim : claims) {
        Held h{commandSubjects(claim.command), !runsConcurrently(claim.command)};
        for (const auto& s : h.subjects) busy_.insert(s);
        alone_ = alone_ || h.alone;
        held_.emplace(claim.command.id, std::move(h));
        auto job = std::make_unique<Job>();
        job->connection = &connection;
        job->claim = std::move(claim);
        job->now_ms = now_ms();
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
      }
      if (!claims.empty()) work_.notify_all();
    }
    if (held_.empty()) break;
    // Only once nothing is left to claim: what is held goes on, and the next call records it.
    if (!error_ && claimed_all && enough && enough()) return attempted;
    std::deque<std::unique_ptr<Job>> finished;
    {
      std::unique_lock lock(mutex_);
      finished_.wait(lock, [&] { return !done_.empty(); });
      finished.swap(done_);
    }
    for (auto& job : finished) {
      const std::int64_t id = job->claim.command.id;
      if (job->error) {
        // As in the serial dispatcher, the exception leaves its command in flight (recovered on the next run).
        if (!error_) error_ = job->error;
      } else {
        outcomes.emplace_back(std::move(job->claim.command), std::move(job->outcome));
      }
      auto it = held_.find(id);
      if (it->second.alone) alone_ = false;
      for (const auto& s : it->second.subjects) busy_.erase(busy_.find(s));
      held_.erase(it);
    }
  }
  if (error_) {
    auto error = std::exchange(error_, nullptr);
    std::rethrow_exception(error);
  }
  return attempted;
}

}  // namespace atsync::host::app
