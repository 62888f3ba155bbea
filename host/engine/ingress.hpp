// SPDX-License-Identifier: Apache-2.0
#pragma once

// Webhook ingress: a delivery for /hooks/{connection}/{plugin} is parsed and verified by the plugin, and its events
// are committed to the inbox before the answer goes out (ack after commit). A duplicate delivery is a no-op; a
// connection test is acknowledged and not stored. Deliveries that arrive together (the HTTP server's worker threads)
// share one inbox transaction through a GroupCommit, so a burst of webhooks pays one commit, not one each.

#include "engine/lanes.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"

#include <atsync/sdk/http.hpp>

#include <string>
#include <vector>

namespace atsync::host::engine {

struct IngressResult {
  int http_status = 200;
  std::string message;   ///< a short reason for the sender (never a secret)
  int accepted = 0;      ///< new events stored
  int duplicates = 0;
  int tests = 0;         ///< connection tests acknowledged (never stored)
};

class Ingress {
 public:
  Ingress(Lanes& lanes, store::Store& store, std::size_t max_body_bytes = 1 << 20)
      : lanes_(lanes), inbox_commit_(store), max_body_bytes_(max_body_bytes) {}

  IngressResult accept(const std::string& connection_id, const std::string& plugin,
                       const std::vector<sdk::Header>& headers, const std::string& body, std::int64_t now_ms);

  std::size_t maxBodyBytes() const { return max_body_bytes_; }

 private:
  Lanes& lanes_;
  store::GroupCommit inbox_commit_;
  std::size_t max_body_bytes_;
};

}  // namespace atsync::host::engine
