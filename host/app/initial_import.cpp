// SPDX-License-Identifier: Apache-2.0
#include "app/initial_import.hpp"

#include "app/command_pool.hpp"

#include "engine/actions.hpp"
#include "engine/command_keys.hpp"
#include "runtime/one_shot_retry.hpp"

#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace atsync::host::app {
namespace {

namespace json = boost::json;

constexpr std::string_view kImportCursor = "import.cursor";
constexpr std::string_view kImportComplete = "import.complete";
constexpr std::string_view kImportSkipped = "import.skipped";  ///< how many the pages read so far skipped
constexpr std::size_t kSkippedIdsShown = 5;

struct PageRead {
  Expected<plugin::OperationOutput, sdk::Error> page = unexpected(sdk::Error{});
  int attempts = 0;
};

/// What an import command keeps of an opportunity: what the action reads (the person for the candidate, the stage,
/// the ids for the link), not the whole document — the commands are most of the store after an import.
json::object importFields(const json::value& opportunity) {
  json::object out;
  if (!opportunity.is_object()) return out;
  for (const char* key : {"id", "contact_id", "person", "stage_id", "stage_name", "posting_id"}) {
    if (const auto* v = opportunity.get_object().if_contains(key)) out[key] = *v;
  }
  return out;
}

/// Whether a person can become a platform candidate: a name or an email is what the platform makes one of and what
/// dedupe matches by.
bool hasNameOrEmail(const json::object& fields) {
  const auto* person = fields.if_contains("person");
  if (person == nullptr || !person->is_object()) return false;
  const auto& p = person->get_object();
  if (!sdk::detail::str(p, "name").empty()) return true;
  const auto* emails = p.if_contains("emails");
  if (emails == nullptr || !emails->is_array()) return false;
  return std::any_of(emails->get_array().begin(), emails->get_array().end(),
                     [](const json::value& e) { return e.is_string() && !e.get_string().empty(); });
}

/// Commands still to run: waiting for their time, or interrupted while running.
std::int64_t openCommands(const store::Counts& counts) {
  std::int64_t open = 0;
  for (const auto state : {store::CommandState::kPending, store::CommandState::kInFlight}) {
    if (auto it = counts.commands_by_state.find(state); it != counts.commands_by_state.end()) open += it->second;
  }
  return open;
}

}  // namespace

Expected<ImportSummary, std::string> runInitialImport(engine::Lane& connection, store::Store& store,
                                                      const NowFn& now_ms, const ImportProgressFn& on_page,
                                                      const std::function<void()>& on_resume,
                                                      const ImportNoticeFn& on_notice) {
  // The page reader's notices come from its own thread: one line at a time with the progress lines.
  std::mutex output_mutex;
  const auto notice = [&](const std::string& line) {
    std::lock_guard lock(output_mutex);
    if (on_notice) on_notice(line);
  };
  const std::string connection_id = connection.id();
  if (!connection.ready() && !connection.connect(now_ms())) return unexpected(connection.lastConnectError());
  std::optional<std::string> cursor;
  bool complete = false;
  std::int64_t skipped_before = 0;
  store.transact([&](store::Transaction& tx) {
    cursor = tx.cursor(connection_id, kImportCursor);
    complete = tx.cursor(connection_id, kImportComplete).value_or("") == "true";
    skipped_before = std::stoll(tx.cursor(connection_id, kImportSkipped).value_or("0"));
  });
  if (complete) cursor.reset();  // a finished import runs again from the start; links keep it from duplicating
  ImportSummary summary;
  summary.skipped = cursor && !cursor->empty() ? skipped_before : 0;
  summary.resumed = cursor && !cursor->empty();
  if (summary.resumed && on_resume) on_resume();

  ImportProgress& progress = summary.progress;
  CommandPool pool(kImportConcurrency);
  // The next page is read while this page's commands run: on one more thread, which only ever calls the ATS
  // connector's import.page (reentrant, as the pool's threads' calls are). At most two pages are held at a time.
  const auto read_page = [&](std::optional<std::string> at, int number) {
    json::object input;
    if (at && !at->empty()) input["cursor"] = *at;
    PageRead read;
    read.page = runtime::retryOneShot(
        [&] { return connection.ats().invoke(sdk::op::kImportPage, input); }, {},
        [&](const sdk::Error& e, int next_attempt, std::int64_t wait_ms) {
          notice("reading page " + std::to_string(number) + " failed (" + e.code + ": " + e.message +
                 "); retrying in " + std::to_string(wait_ms) + " ms (attempt " + std::to_string(next_attempt) + ")");
        },
        {}, &read.attempts);
    return read;
  };
  std::future<PageRead> next_page = std::async(std::launch::async, read_page, cursor, 1);
  while (true) {
    PageRead read = next_page.get();
    auto& page = read.page;
    if (!page) {
      pool.drain(connection, now_ms);  // what the pages read so far queued is done before the run stops
      return unexpected(page.error().code + ": " + page.error().message +
                        runtime::oneShotAdvice(page.error(), read.attempts) + " (a new run resumes from the last page)");
    }
    const auto& doc = page->document.as_object();
    const json::array* opportunities = nullptr;
    if (const auto* list = doc.if_contains("opportunities"); list && list->is_array()) opportunities = &list->get_array();
    const auto next = sdk::detail::optString(doc, "cursor");
    const std::int64_t now = now_ms();
    std::int64_t queued = 0;
    std::int64_t skipped = 0;
    std::vector<std::string> skipped_ids;
    // The page's commands and the cursor after it commit together: a crash resumes at this page or the next.
    store.transact([&](store::Transaction& tx) {
      queued = skipped = 0;
      skipped_ids.clear();
      if (opportunities != nullptr) {
        for (const auto& v : *opportunities) {
          const std::string id = sdk::detail::str(v.as_object(), "id");
          if (tx.linkByOpportunity(connection_id, id)) continue;
          const json::object fields = importFields(v);
          if (!hasNameOrEmail(fields)) {  // a command for it could only fail, however often retried
            ++skipped;
            skipped_ids.push_back(id);
            continue;
          }
          store::NewCommand command;
          command.connection_id = connection_id;
          command.key = engine::keys::importOpportunity(id);
          command.group_key = "opportunity:" + id;
          command.action = std::string(engine::action::kImportOpportunity);
          command.input = json::serialize(json::object{{"opportunity_id", id}, {"opportunity", fields}});
          if (tx.insertCommand(command, now)) ++queued;
        }
      }
      tx.setCursor(connection_id, kImportSkipped, std::to_string(summary.skipped + skipped));
      tx.setCursor(connection_id, kImportCursor, next.value_or(""));
      tx.setCursor(connection_id, kImportComplete, next ? "false" : "true");
    });
    summary.skipped += skipped;
    for (auto& id : skipped_ids) {
      if (summary.skipped_ids.size() < kSkippedIdsShown) summary.skipped_ids.push_back(std::move(id));
    }
    ++progress.pages;
    progress.seen += opportunities != nullptr ? static_cast<std::int64_t>(opportunities->size()) : 0;
    progress.queued += queued;
    progress.final = !next;
    if (on_page) {
      std::lock_guard lock(output_mutex);
      on_page(progress);
    }
    if (!next) break;
    next_page = std::async(std::launch::async, read_page, next, progress.pages + 1);
    // Write as we go, until the next page is in and this page's commands are all claimed: the next page's commands
    // then join the last ones still running. Memory stays flat however many pages there are.
    pool.drain(connection, now_ms, [&] {
      return next_page.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
  }
  // Commands that failed for a while wait in the outbox for the time the dispatcher gave them (a backoff, a
  // Retry-After, the rate-limit budget). No worker comes back for them in a one-shot run: wait here.
  while (true) {
    const int ran = pool.drain(connection, now_ms);
    std::optional<std::int64_t> next_due_ms;
    std::int64_t waiting = 0;
    store.transact([&](store::Transaction& tx) {
      next_due_ms.reset();
      for (const auto& c : tx.runnableCommands(connection_id, INT64_MAX / 2, 1000)) {
        const std::int64_t due_ms = std::max(c.next_attempt_at_ms, c.not_before_ms);
        next_due_ms = next_due_ms ? std::min(*next_due_ms, due_ms) : due_ms;
      }
      waiting = openCommands(tx.counts(connection_id));
    });
    if (!next_due_ms) break;
    const std::int64_t wait_ms = std::max<std::int64_t>(0, *next_due_ms - now_ms());
    if (wait_ms > kMaxImportRetryWaitMs) break;
    if (wait_ms == 0) {
      if (ran == 0) break;  // due, yet nothing ran: the connection is not ready; `atsync run` takes it from here
      continue;
    }
    notice(std::to_string(waiting) + " command(s) wait for a retry after a failure; the next in " +
           std::to_string((wait_ms + 999) / 1000) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
  store.transact([&](store::Transaction& tx) {
    const auto counts = tx.counts(connection_id);
    summary.links = counts.links;
    const auto dead = counts.commands_by_state.find(store::CommandState::kDead);
    summary.dead = dead == counts.commands_by_state.end() ? 0 : dead->second;
    summary.pending = openCommands(counts);
  });
  return summary;
}

}  // namespace atsync::host::app
