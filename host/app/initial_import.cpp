// SPDX-License-Identifier: Apache-2.0
#include "app/initial_import.hpp"

#include "engine/actions.hpp"
#include "engine/command_keys.hpp"

#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

namespace atsync::host::app {
namespace {

namespace json = boost::json;

constexpr std::string_view kImportCursor = "import.cursor";
constexpr std::string_view kImportComplete = "import.complete";

}  // namespace

Expected<ImportSummary, std::string> runInitialImport(engine::ConnectionEngine& connection, store::Store& store,
                                                      const NowFn& now_ms, const ImportProgressFn& on_page,
                                                      const std::function<void()>& on_resume) {
  const std::string connection_id = connection.id();
  if (!connection.ready() && !connection.connect(now_ms())) return unexpected(connection.lastConnectError());
  std::optional<std::string> cursor;
  bool complete = false;
  store.transact([&](store::Transaction& tx) {
    cursor = tx.cursor(connection_id, kImportCursor);
    complete = tx.cursor(connection_id, kImportComplete).value_or("") == "true";
  });
  if (complete) cursor.reset();  // a finished import runs again from the start; links keep it from duplicating
  ImportSummary summary;
  summary.resumed = cursor && !cursor->empty();
  if (summary.resumed && on_resume) on_resume();

  ImportProgress& progress = summary.progress;
  while (true) {
    json::object input;
    if (cursor && !cursor->empty()) input["cursor"] = *cursor;
    auto page = connection.ats().invoke(sdk::op::kImportPage, input);
    if (!page) {
      return unexpected(page.error().code + ": " + page.error().message + " (run again to resume from the last page)");
    }
    const auto& doc = page->document.as_object();
    std::vector<json::value> opportunities;
    if (const auto* list = doc.if_contains("opportunities"); list && list->is_array()) {
      opportunities.assign(list->get_array().begin(), list->get_array().end());
    }
    const auto next = sdk::detail::optString(doc, "cursor");
    const std::int64_t now = now_ms();
    std::int64_t queued = 0;
    // The page's commands and the cursor after it commit together: a crash resumes at this page or the next.
    store.transact([&](store::Transaction& tx) {
      queued = 0;
      for (const auto& v : opportunities) {
        const std::string id = sdk::detail::str(v.as_object(), "id");
        if (tx.linkByOpportunity(connection_id, id)) continue;
        store::NewCommand command;
        command.connection_id = connection_id;
        command.key = engine::keys::importOpportunity(id);
        command.group_key = "opportunity:" + id;
        command.action = std::string(engine::action::kImportOpportunity);
        command.input = json::serialize(json::object{{"opportunity_id", id}, {"opportunity", v}});
        if (tx.insertCommand(command, now)) ++queued;
      }
      tx.setCursor(connection_id, kImportCursor, next.value_or(""));
      tx.setCursor(connection_id, kImportComplete, next ? "false" : "true");
    });
    ++progress.pages;
    progress.seen += static_cast<std::int64_t>(opportunities.size());
    progress.queued += queued;
    progress.final = !next;
    if (on_page) on_page(progress);
    // Write as we go, so memory stays flat however many pages there are.
    connection.drainCommands(now_ms());
    if (!next) break;
    cursor = next;
  }
  connection.drainCommands(now_ms());
  store.transact([&](store::Transaction& tx) {
    const auto counts = tx.counts(connection_id);
    summary.links = counts.links;
    const auto dead = counts.commands_by_state.find("dead");
    summary.dead = dead == counts.commands_by_state.end() ? 0 : dead->second;
  });
  return summary;
}

}  // namespace atsync::host::app
