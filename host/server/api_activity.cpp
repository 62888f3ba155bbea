// SPDX-License-Identifier: Apache-2.0
// /api/v1/activity and /api/v1/dead-letters.
#include "server/admin_api.hpp"
#include "server/http_io.hpp"

#include <optional>
#include <set>

namespace atsync::host::server {
namespace {

namespace json = boost::json;

/// The stored error document as JSON when it is JSON, else its text.
json::value errorJson(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

/// Puts dead letters back to pending, the way `atsync dead-letters --retry` does; returns how many.
int requeue(ServerContext& context, std::vector<store::Command>& dead, std::set<std::string>* connections) {
  int retried = 0;
  const std::int64_t now = nowMs();
  for (auto& c : dead) {
    c.state = store::CommandState::kPending;
    c.attempts = 0;
    c.next_attempt_at_ms = 0;
    c.updated_at_ms = now;
    connections->insert(c.connection_id);
    ++retried;
  }
  context.store->transact([&](store::Transaction& tx) {
    for (const auto& c : dead) {
      tx.updateCommand(c);
      tx.addActivity({0, c.connection_id, now, store::ActivityLevel::kInfo, "dead_letter_retried", c.key,
                      "Dead letter " + std::to_string(c.id) + " (" + c.action + ") queued again by an administrator."});
    }
  });
  return retried;
}

}  // namespace

json::object toJson(const store::ActivityEntry& e) {
  return json::object{{"id", e.id},           {"connection", e.connection_id}, {"at", rfc3339(e.at_ms)},
                      {"at_ms", e.at_ms},     {"level", toString(e.level)},   {"kind", e.kind},
                      {"subject", e.subject}, {"message", e.message}};
}

json::object toJson(const store::Command& c) {
  return json::object{{"id", c.id},
                      {"connection", c.connection_id},
                      {"key", c.key},
                      {"action", c.action},
                      {"state", toString(c.state)},
                      {"attempts", c.attempts},
                      {"last_error", errorJson(c.last_error)},
                      {"outcome_unknown", c.outcome_unknown},
                      {"created_at", rfc3339(c.created_at_ms)},
                      {"updated_at", rfc3339(c.updated_at_ms)}};
}

ApiResponse listActivity(const ApiRequest& request, ServerContext& context) {
  std::vector<std::pair<std::string, std::string>> problems;
  store::ActivityQuery q;
  std::int64_t limit = 0;
  std::int64_t before = 0;
  readIntParam(request, "limit", 50, 1, 500, &limit, &problems);
  readIntParam(request, "before", 0, 0, INT64_MAX, &before, &problems);
  auto param = [&](const char* name) {
    auto it = request.query.find(name);
    return it == request.query.end() ? std::string() : it->second;
  };
  q.connection_id = param("connection");
  q.kind = param("kind");
  if (const std::string level = param("level"); !level.empty()) {
    q.level = store::fromString<store::ActivityLevel>(level);
    if (!q.level) problems.emplace_back("level", "must be one of " + store::spellings<store::ActivityLevel>());
  }
  if (!q.connection_id.empty() && findConnection(context, q.connection_id) == nullptr) {
    problems.emplace_back("connection", "no connection '" + q.connection_id + "'");
  }
  if (!problems.empty()) return validationError("bad activity query", problems);
  q.limit = static_cast<int>(limit) + 1;
  q.before_id = before;
  std::vector<store::ActivityEntry> entries;
  context.store->transact([&](store::Transaction& tx) { entries = tx.activity(q); });
  const bool more = entries.size() > static_cast<std::size_t>(limit);
  if (more) entries.resize(static_cast<std::size_t>(limit));
  json::array list;
  for (const auto& e : entries) list.push_back(toJson(e));
  // Newest first: the next page is everything older than the last entry shown.
  const json::value next = more && !entries.empty() ? json::value(entries.back().id) : json::value(nullptr);
  return ApiResponse{200, json::object{{"entries", std::move(list)}, {"next_before", next}}, {}};
}

ApiResponse listDeadLetters(const ApiRequest& request, ServerContext& context) {
  std::vector<std::pair<std::string, std::string>> problems;
  std::int64_t limit = 0;
  readIntParam(request, "limit", 100, 1, 1000, &limit, &problems);
  const auto it = request.query.find("connection");
  const std::string connection = it == request.query.end() ? std::string() : it->second;
  if (!connection.empty() && findConnection(context, connection) == nullptr) {
    problems.emplace_back("connection", "no connection '" + connection + "'");
  }
  if (!problems.empty()) return validationError("bad dead-letter query", problems);
  std::vector<store::Command> dead;
  context.store->transact([&](store::Transaction& tx) {
    dead = tx.commandsInState(connection, store::CommandState::kDead, static_cast<int>(limit));
  });
  json::array list;
  for (const auto& c : dead) list.push_back(toJson(c));
  return ApiResponse{200, json::object{{"dead_letters", std::move(list)}}, {}};
}

ApiResponse retryDeadLetter(const ApiRequest&, ServerContext& context, const std::string& id_text) {
  std::int64_t id = 0;
  try {
    std::size_t used = 0;
    id = std::stoll(id_text, &used);
    if (used != id_text.size()) throw std::invalid_argument(id_text);
  } catch (const std::exception&) {
    return validationError("bad dead-letter id", {{"id", "must be an integer"}});
  }
  std::optional<store::Command> command;
  context.store->transact([&](store::Transaction& tx) { command = tx.commandById(id); });
  if (!command || command->state != store::CommandState::kDead) {
    return notFound("no dead letter with id " + id_text);
  }
  std::vector<store::Command> one{*command};
  std::set<std::string> connections;
  requeue(context, one, &connections);
  for (const auto& c : connections) context.lanes->notify(c);
  return ApiResponse{200, json::object{{"retried", 1}, {"dead_letter", toJson(one.front())}}, {}};
}

ApiResponse retryAllDeadLetters(const ApiRequest& request, ServerContext& context) {
  const auto it = request.query.find("connection");
  const std::string connection = it == request.query.end() ? std::string() : it->second;
  if (!connection.empty() && findConnection(context, connection) == nullptr) {
    return validationError("bad dead-letter query", {{"connection", "no connection '" + connection + "'"}});
  }
  std::vector<store::Command> dead;
  context.store->transact(
      [&](store::Transaction& tx) { dead = tx.commandsInState(connection, store::CommandState::kDead, 100000); });
  std::set<std::string> connections;
  const int retried = requeue(context, dead, &connections);
  for (const auto& c : connections) context.lanes->notify(c);
  return ApiResponse{200, json::object{{"retried", retried}}, {}};
}

}  // namespace atsync::host::server
