// SPDX-License-Identifier: Apache-2.0
#include "server/connection_view.hpp"

#include <atsync/host/common/rfc3339.hpp>

namespace atsync::host::server {

std::string ConnectionView::summary() const {
  if (!enabled) return "disabled";
  std::string gap;
  if (reconciliation_gap) {
    gap = "; reconciliation gap since " + rfc3339(reconciliation_gap->since_ms) + " (" + reconciliation_gap->plugin +
          " no longer accepts the position): run " + engine::reconciliation::remedy(id, reconciliation_gap->since_ms);
  }
  return state() + gap;
}

std::string ConnectionView::state() const {
  if (needsReauthorization()) {
    return "needs_reauthorization: " + oauth->plugin + " refused the refresh token (revoked or expired); connect " +
           oauth->plugin + " again in the console (or POST /api/v1/connections/" + id + "/authorize for a start URL)";
  }
  if (notAuthorized()) {
    // /oauth/<id>/start alone answers 401: a start URL carries a single-use ticket from the admin API.
    return "not_authorized: waiting for OAuth authorization; connect " + oauth->plugin +
           " in the console (or POST /api/v1/connections/" + id + "/authorize for a start URL)";
  }
  if (ready) return lease == "elsewhere" ? "ready: another host works on it" : "ready";
  return "connecting: " + connect_error;
}

runtime::BoundConnector* oauthConnector(engine::Lane& engine, const std::string& plugin, std::string* side) {
  for (auto [name, connector] : {std::pair{"ats", &engine.ats()}, std::pair{"platform", &engine.platform()}}) {
    if (connector->oauth() == nullptr) continue;
    if (!plugin.empty() && connector->plugin().name() != plugin) continue;
    if (side != nullptr) *side = name;
    return connector;
  }
  return nullptr;
}

ConnectionView viewOf(const config::ConnectionConfig& config, engine::Lane* engine) {
  ConnectionView view;
  view.id = config.id;
  view.platform_plugin = config.platform.plugin;
  view.ats_plugin = config.ats.plugin;
  view.enabled = engine != nullptr;
  if (engine == nullptr) return view;
  std::string side;
  if (auto* connector = oauthConnector(*engine, "", &side)) {
    view.oauth = OAuthSideView{side, connector->plugin().name(), std::string(http::toString(connector->oauth()->state()))};
  }
  if (engine->leasing()) view.lease = engine->leaseFence() != 0 ? "here" : "elsewhere";
  // A connection another host works on is ready here: this host accepts its webhooks into the shared inbox.
  view.ready = (engine->ready() || view.lease == "elsewhere") && (!view.oauth || view.oauth->state == "authorized");
  view.connect_error = engine->lastConnectError();
  view.reconciliation_gap = engine->reconciliationGap();
  return view;
}

}  // namespace atsync::host::server
