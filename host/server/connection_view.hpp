// SPDX-License-Identifier: Apache-2.0
#pragma once

// One connection's health as /readyz, the admin API and /metrics all report it, computed in one place so the
// three never disagree.

#include "config/config.hpp"
#include "engine/lane.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace atsync::host::server {

struct OAuthSideView {
  std::string side;    ///< "ats" | "platform"
  std::string plugin;
  std::string state;   ///< "not_authorized" | "authorized" | "needs_reauthorization"
};

struct ConnectionView {
  std::string id;
  std::string platform_plugin;
  std::string ats_plugin;
  bool enabled = false;
  bool ready = false;                   ///< connected (stage lists read) and not waiting for re-authorization
  std::string connect_error;
  std::optional<OAuthSideView> oauth;   ///< the side that authenticates with OAuth, if any
  /// Several hosts on one store: "here" (this host works on the connection), "elsewhere" (another host holds its
  /// lease; this one accepts its webhooks). Empty: no leasing.
  std::string lease;
  /// A gap a vendor reported in what reconciliation could read (this host's view, refreshed at each poll).
  std::optional<engine::reconciliation::Gap> reconciliation_gap;
  bool needsReauthorization() const { return oauth && oauth->state == "needs_reauthorization"; }
  bool notAuthorized() const { return oauth && oauth->state == "not_authorized"; }
  /// "ready" | "ready: another host works on it" | "disabled" | "needs_reauthorization: ..." | "not_authorized: ..." |
  /// "connecting: ..."; a reconciliation gap adds "; reconciliation gap since ...: run ..." (the connection works on).
  std::string summary() const;

 private:
  std::string state() const;  ///< the summary without the gap
};

/// `engine` is null for a connection the config disables.
ConnectionView viewOf(const config::ConnectionConfig& config, engine::Lane* engine);

/// The connector of `engine` that uses OAuth (`plugin` empty: the first such side, ATS first), or null.
runtime::BoundConnector* oauthConnector(engine::Lane& engine, const std::string& plugin, std::string* side);

}  // namespace atsync::host::server
