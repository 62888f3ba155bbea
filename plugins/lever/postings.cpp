// SPDX-License-Identifier: Apache-2.0
// postings.list and stages.list: the reference data a platform admin links flows and stage mappings to.
#include "lever_connector.hpp"
#include "lever_parse.hpp"

#include <set>

namespace atsync::lever {

namespace json = boost::json;

sdk::Output LeverConnector::postingsList(const sdk::Input& /*input*/) {
  auto request = api_.request("GET", "/postings", "GET /postings");
  request.query = {{"state", "published"}, {"limit", "100"}};
  // Lever's quirk: state=published alone lists only postings on the public job site. Internal-only published
  // postings (flows and referrals use them too) come back only when both channels are asked for.
  request.query.emplace_back("distributionChannel", "public");
  request.query.emplace_back("distributionChannel", "internal");
  json::array postings;
  std::set<std::string, std::less<>> seen;
  api_.forEach(request, [&](const json::value& item) {
    sdk::Posting p = parsePosting(item, request.endpoint);
    // Defensive: a page boundary that moves while we read could repeat a posting; a state filter Lever ignored
    // would let a draft through. Neither may reach a recruiter's picker.
    if (p.state != "published" || !seen.insert(p.id).second) return;
    postings.push_back(json::value_from(p));
  });
  return json::object{{"postings", std::move(postings)}};
}

sdk::Output LeverConnector::stagesList(const sdk::Input& /*input*/) {
  auto request = api_.request("GET", "/stages", "GET /stages");
  json::array stages;
  int order = 0;
  // Lever lists stages in pipeline order; `order` keeps it for the mapping tables.
  api_.forEach(request, [&](const json::value& item) { stages.push_back(json::value_from(parseStage(item, order++, request.endpoint))); });
  return json::object{{"stages", std::move(stages)}};
}

}  // namespace atsync::lever
