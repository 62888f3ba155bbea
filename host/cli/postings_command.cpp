// SPDX-License-Identifier: Apache-2.0
#include "app/host_app.hpp"
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"
#include "runtime/bound_connector.hpp"
#include "runtime/one_shot_retry.hpp"

#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <iomanip>
#include <iostream>

namespace atsync::host::cli {

int runPostings(const Arguments& args) {
  const auto file = args.value("--config");
  const auto connection_id = args.value("--connection");
  if (!file || !connection_id) {
    std::cerr << "atsync postings: needs -c FILE and --connection ID (see 'atsync postings --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("postings", *file, pluginDirsOption(args, "postings"));
  if (!loaded) return 1;
  const auto* connection = loaded->connection(*connection_id);
  if (connection == nullptr) {
    std::cerr << "atsync postings: no connection '" << *connection_id << "' in " << *file << "\n";
    return 1;
  }
  // The same host as `atsync run` builds, so the connector uses the store's OAuth tokens (refreshing them, when due,
  // in turn with a running server: see http::TokenStore::claimRefresh).
  auto app = app::HostApp::create(loaded->config, std::move(loaded->plugins));
  if (!app) {
    std::cerr << "atsync postings: " << app.error() << "\n";
    return 1;
  }
  auto* lane = (*app)->lanes().find(*connection_id);
  if (lane == nullptr) {
    std::cerr << "atsync postings: connection '" << *connection_id << "' is disabled in " << *file << "\n";
    return 1;
  }
  runtime::BoundConnector* connector = &lane->ats();
  // No dispatcher runs here, and the HTTP service makes one attempt: a brief failure of the ATS (a 503, a dropped
  // connection, a short rate-limit wait) is ridden out by this verb's own small loop, each retry announced on stderr;
  // an outage, a long Retry-After or a refusal is reported at once with what to do (runtime/one_shot_retry.hpp).
  const std::string prefix = "atsync postings: " + connection->ats.plugin + ": ";
  int attempts = 0;
  const runtime::OneShotRetry policy;
  auto out = runtime::retryOneShot(
      [&] { return connector->invoke(sdk::op::kPostingsList, boost::json::object{}); }, policy,
      [&](const sdk::Error& e, int next_attempt, std::int64_t wait_ms) {
        std::cerr << prefix << e.code << ": " << e.message << "; retrying in " << wait_ms << " ms (attempt "
                  << next_attempt << " of " << policy.max_attempts << ")\n";
      },
      {}, &attempts);
  if (!out) {
    std::cerr << prefix << out.error().code << ": " << out.error().message
              << runtime::oneShotAdvice(out.error(), attempts, policy) << "\n";
    return 1;
  }
  const auto* list = out->document.is_object() ? out->document.get_object().if_contains("postings") : nullptr;
  if (list == nullptr || !list->is_array()) {
    std::cerr << "atsync postings: plugin answered without a 'postings' list\n";
    return 1;
  }
  if (args.flag("--json")) {
    std::cout << boost::json::serialize(*list) << "\n";
    return 0;
  }
  std::cout << list->get_array().size() << " published postings for connection '" << connection->id << "'\n";
  for (const auto& v : list->get_array()) {
    const auto p = boost::json::value_to<sdk::Posting>(v);
    std::string channels;
    for (const auto& c : p.channels) channels += (channels.empty() ? "" : "+") + c;
    std::cout << "  " << std::left << std::setw(38) << p.id << std::setw(16) << channels << p.title;
    if (!p.location.empty()) std::cout << " — " << p.location;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace atsync::host::cli
