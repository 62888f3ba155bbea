// SPDX-License-Identifier: Apache-2.0
#include <atsync/sandbox/kula/kula_http.hpp>

#include <atsync/sandbox/json_util.hpp>

#include <boost/json.hpp>

namespace atsync::sandbox::kula {

Response kulaError(int status, std::string_view code, std::string_view message) {
  boost::json::object err{{"error", boost::json::object{{"code", code}, {"message", message}}}};
  return jsonResponse(status, err);
}

Response kulaJson(int status, const boost::json::value& body) { return jsonResponse(status, body); }

}  // namespace atsync::sandbox::kula
