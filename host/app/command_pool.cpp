// SPDX-License-Identifier: Apache-2.0
#include "app/command_pool.hpp"

#include "engine/actions.hpp"

#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace atsync::host::app {
namespace {

namespace json = boost::json;

/// How far past the commands it holds the pool looks for one it may run (past imports of a person it is importing).
constexpr int kLookahead = 32;

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
      job->outcome = run_ ? run_(job->claim, job->now_ms) : connection_->runClaimed(job->claim, job->now_ms);
    } catch (...) {
      job->error = std::current_exception();
    }
    lock.lock();
    done_.push_back(std::move(job));
    finished_.notify_one();
  }
}

int CommandPool::drain(engine::ConnectionEngine& connection, const std::function<std::int64_t()>& now_ms) {
  connection_ = &connection;
  struct Held {
    std::vector<std::string> subjects;
    bool alone = false;
  };
  std::map<std::int64_t, Held> running;  // by command id
  std::multiset<std::string> busy;       // subjects of the running commands
  bool alone = false;                    // a command that runs alone is running
  std::exception_ptr error;
  int attempted = 0;

  const auto release = [&](std::int64_t id) {
    auto it = running.find(id);
    for (const auto& s : it->second.subjects) busy.erase(busy.find(s));
    running.erase(it);
  };

  while (true) {
    // Fill the pool with the oldest commands that may run beside the running ones.
    while (!error && !alone && static_cast<int>(running.size()) < workers_) {
      bool barrier = false;  // an older command must run alone: claim nothing after it until the pool is empty
      const auto skip = [&](const store::Command& c) {
        if (barrier || running.count(c.id) > 0) return true;
        if (!runsConcurrently(c)) {
          if (running.empty()) return false;
          barrier = true;
          return true;
        }
        const auto subjects = commandSubjects(c);
        return std::any_of(subjects.begin(), subjects.end(), [&](const std::string& s) { return busy.count(s) > 0; });
      };
      const int window = static_cast<int>(running.size()) + kLookahead;
      auto claim = connection.claimCommand(now_ms(), window, skip);
      if (!claim) break;
      Held held{commandSubjects(claim->command), !runsConcurrently(claim->command)};
      for (const auto& s : held.subjects) busy.insert(s);
      alone = held.alone;
      const std::int64_t id = claim->command.id;
      running.emplace(id, std::move(held));
      auto job = std::make_unique<Job>();
      job->claim = std::move(*claim);
      job->now_ms = now_ms();
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
      }
      work_.notify_one();
    }
    if (running.empty()) break;
    // Record what has finished, on this thread (the store and the engine's bookkeeping are not shared).
    std::deque<std::unique_ptr<Job>> finished;
    {
      std::unique_lock lock(mutex_);
      finished_.wait(lock, [&] { return !done_.empty(); });
      finished.swap(done_);
    }
    for (auto& job : finished) {
      const std::int64_t id = job->claim.command.id;
      if (job->error) {
        // As in the serial dispatcher, the exception leaves the command in flight (recovered on the next run).
        if (!error) error = job->error;
      } else {
        connection.completeClaimed(job->claim, std::move(job->outcome), now_ms());
        ++attempted;
      }
      if (running.at(id).alone) alone = false;
      release(id);
    }
  }
  if (error) std::rethrow_exception(error);
  return attempted;
}

}  // namespace atsync::host::app
