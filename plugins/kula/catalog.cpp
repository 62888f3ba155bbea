// SPDX-License-Identifier: Apache-2.0
// stages.list and flow.get: what Kula's pipeline and flows look like.

#include "kula_connector.hpp"
#include "kula_parse.hpp"

namespace atsync::kula {

sdk::Output KulaConnector::stagesList(const sdk::Input&) {
  auto request = api_.request("GET", "/v1/stages", "GET /v1/stages");
  const boost::json::array records = api_.listAll(request, kMaxPageSize);
  return parseAnswer(request.endpoint, [&] {
    boost::json::array stages;
    for (std::size_t i = 0; i < records.size(); ++i) {
      stages.push_back(boost::json::value_from(parseStage(sdk::elementObject(records, i, "data"))));
    }
    return boost::json::object{{"stages", std::move(stages)}};
  });
}

sdk::Output KulaConnector::flowGet(const sdk::Input& input) {
  const std::string flow_id =
      readInput("flow.get", [&] { return sdk::ObjectReader(input.document, "").requireString("flow_id"); });
  const auto request = api_.request("GET", "/v1/flows/" + pathSegment(flow_id), "GET /v1/flows/{id}");
  const auto doc = api_.sendJson(request);
  return parseAnswer(request.endpoint,
                     [&] { return boost::json::object{{"flow", toJson(parseFlow(sdk::ObjectReader(doc, "")))}}; });
}

}  // namespace atsync::kula
