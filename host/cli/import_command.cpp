// SPDX-License-Identifier: Apache-2.0
#include "app/host_app.hpp"
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"
#include "engine/actions.hpp"
#include "engine/command_keys.hpp"

#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <unistd.h>

#include <chrono>
#include <iostream>

namespace atsync::host::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kImportCursor = "import.cursor";
constexpr std::string_view kImportComplete = "import.complete";

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A progress line: redrawn in place on a terminal, one plain line per page otherwise (logs, CI).
class Progress {
 public:
  Progress() : tty_(isatty(STDOUT_FILENO) != 0) {}
  void update(int pages, std::int64_t seen, std::int64_t queued, bool final) {
    if (tty_) {
      const int width = 24;
      const int filled = final ? width : static_cast<int>(pages % (width + 1));
      std::cout << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] page " << pages << " · "
                << seen << " opportunities · " << queued << " new" << (final ? "\n" : "") << std::flush;
    } else {
      std::cout << "import: page " << pages << ", " << seen << " opportunities seen, " << queued << " queued"
                << std::endl;
    }
  }

 private:
  bool tty_;
};

}  // namespace

int runImport(const Arguments& args) {
  const auto file = args.value("--config");
  const auto connection_id = args.value("--connection");
  if (!file || !connection_id) {
    std::cerr << "atsync import: needs -c FILE and --connection ID (see 'atsync import --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("import", *file, args.value("--plugins"));
  if (!loaded) return 1;
  if (loaded->connection(*connection_id) == nullptr) {
    std::cerr << "atsync import: no connection '" << *connection_id << "' in " << *file << "\n";
    return 1;
  }
  auto app = app::HostApp::create(loaded->config, std::move(loaded->plugins));
  if (!app) {
    std::cerr << "atsync import: " << app.error() << "\n";
    return 1;
  }
  auto* connection = (*app)->engine().find(*connection_id);
  if (connection == nullptr) {
    std::cerr << "atsync import: connection '" << *connection_id << "' is disabled\n";
    return 1;
  }
  if (!connection->connect(nowMs())) {
    std::cerr << "atsync import: " << connection->lastConnectError() << "\n";
    return 1;
  }
  auto& store = (*app)->store();
  std::optional<std::string> cursor;
  bool complete = false;
  store.transact([&](store::Transaction& tx) {
    cursor = tx.cursor(*connection_id, kImportCursor);
    complete = tx.cursor(*connection_id, kImportComplete).value_or("") == "true";
  });
  if (complete) cursor.reset();  // a finished import runs again from the start; links keep it from duplicating
  if (cursor && !cursor->empty()) std::cout << "import: resuming after an interrupted run" << std::endl;

  Progress progress;
  int pages = 0;
  std::int64_t seen = 0;
  std::int64_t queued = 0;
  while (true) {
    json::object input;
    if (cursor && !cursor->empty()) input["cursor"] = *cursor;
    auto page = connection->ats().invoke(sdk::op::kImportPage, input);
    if (!page) {
      std::cerr << "\natsync import: " << page.error().code << ": " << page.error().message
                << " (run again to resume from the last page)\n";
      return 1;
    }
    const auto& doc = page->document.as_object();
    std::vector<json::value> opportunities;
    if (const auto* list = doc.if_contains("opportunities"); list && list->is_array()) {
      opportunities.assign(list->get_array().begin(), list->get_array().end());
    }
    const auto next = sdk::detail::optString(doc, "cursor");
    const std::int64_t now = nowMs();
    // The page's commands and the cursor after it commit together: a crash resumes at this page or the next.
    store.transact([&](store::Transaction& tx) {
      for (const auto& v : opportunities) {
        const std::string id = sdk::detail::str(v.as_object(), "id");
        if (tx.linkByOpportunity(*connection_id, id)) continue;
        store::NewCommand command;
        command.connection_id = *connection_id;
        command.key = engine::keys::importOpportunity(id);
        command.group_key = "opportunity:" + id;
        command.action = std::string(engine::action::kImportOpportunity);
        command.input = json::serialize(json::object{{"opportunity_id", id}, {"opportunity", v}});
        if (tx.insertCommand(command, now)) ++queued;
      }
      tx.setCursor(*connection_id, kImportCursor, next.value_or(""));
      tx.setCursor(*connection_id, kImportComplete, next ? "false" : "true");
    });
    ++pages;
    seen += static_cast<std::int64_t>(opportunities.size());
    progress.update(pages, seen, queued, !next);
    // Write as we go, so memory stays flat however many pages there are.
    connection->drainCommands(nowMs());
    if (!next) break;
    cursor = next;
  }
  connection->drainCommands(nowMs());
  store::Counts counts;
  std::vector<store::Command> dead;
  store.transact([&](store::Transaction& tx) {
    counts = tx.counts(*connection_id);
    dead = tx.commandsInState(*connection_id, "dead", 5);
  });
  std::cout << "import: done — " << seen << " opportunities seen, " << counts.links << " linked candidates";
  if (!dead.empty()) std::cout << ", " << counts.commands_by_state["dead"] << " failed (see 'atsync dead-letters')";
  std::cout << std::endl;
  return dead.empty() ? 0 : 1;
}

}  // namespace atsync::host::cli
