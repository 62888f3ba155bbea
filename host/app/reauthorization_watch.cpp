// SPDX-License-Identifier: Apache-2.0
#include "app/reauthorization_watch.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <boost/json.hpp>

#include <chrono>

namespace atsync::host::app {

void ReauthorizationWatch::check() {
  const std::int64_t now_ms = wallClockMs();
  for (auto* connection : lanes_.all()) {
    for (auto* side : {&connection->ats(), &connection->platform()}) {
      if (side->oauth() == nullptr) continue;
      const std::string plugin = side->plugin().name();
      const std::string state(http::toString(side->oauth()->state()));
      const std::string key = connection->id() + "/" + plugin;
      auto& last = last_state_[key];
      if (state == last) continue;
      const bool first_look = last.empty();
      last = state;
      const bool needs = state == "needs_reauthorization";
      if (first_look && !needs) continue;  // nothing changed that an operator has not seen at start-up
      store_.transact([&](store::Transaction& tx) {
        boost::json::object doc;
        if (auto current = tx.connectionState(connection->id())) {
          boost::system::error_code ec;
          auto v = boost::json::parse(*current, ec);
          if (!ec && v.is_object()) doc = v.get_object();
        }
        doc["needs_reauthorization"] = needs;
        doc["oauth_state"] = state;
        doc["oauth_plugin"] = plugin;
        doc["oauth_state_since_ms"] = now_ms;
        tx.setConnectionState(connection->id(), boost::json::serialize(doc));
        if (needs) {
          tx.addActivity({0, connection->id(), now_ms, store::ActivityLevel::kError, "needs_reauthorization",
                          connection->id(),
                          plugin + " refused the connection's refresh token (access revoked, or unused for too "
                                   "long): nothing syncs until an administrator connects it again in the console "
                                   "(or through POST /api/v1/connections/" +
                              connection->id() + "/authorize)."});
        }
      });
      if (needs) {
        logger_.log(logging::Level::kError, "the connection needs re-authorization: " + plugin +
                                                " refused the refresh token; connect it again in the console",
                    connection->id(), plugin);
      }
    }
  }
}

}  // namespace atsync::host::app
