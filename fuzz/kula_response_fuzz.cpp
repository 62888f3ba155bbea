// SPDX-License-Identifier: Apache-2.0
// Every Kula response parser, reached the way the plugin reaches it: one operation of the real KulaConnector
// (stages.list, flow.get, candidate.get/find_by_email/upsert/set_stage, notes/messages/resumes.list,
// resume.content, events.poll) run against a script of Kula answers (scripted_host.hpp for the format). Covers
// kula_api (error envelope, pagination), the SDK's json_reader, kula_parse, kula_events, rfc3339 and utf8. Expected
// failures are OperationError; the output must be readable by the host.

#include "connector_run.hpp"

#include "kula_connector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const boost::json::object kConfig{{"base_url", "https://api.kula.test"},
                                           {"webhook_secret", "whsec_fuzz_0123456789abcdef"}};
  atsync::fuzz::runScripted<atsync::kula::KulaConnector>(atsync::fuzz::asText(data, size), kConfig,
                                                         "https://api.kula.test", 1795860900000);
  return 0;
}
