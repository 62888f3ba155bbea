// SPDX-License-Identifier: Apache-2.0
// Every Greenhouse response parser, reached the way the plugin reaches it: one operation of the real
// GreenhouseConnector (postings.list, opportunity.create, opportunity.set_stage, changes.poll, import.page, ...) run
// against a script of Harvest v3 answers (scripted_host.hpp for the format). Covers harvest_api (bare arrays, Link
// cursors, error mapping), records (applications, candidates), iso_time and the operations' own reading of answers.
// Expected failures are OperationError; the output must be readable by the host.

#include "connector_run.hpp"

#include "greenhouse_connector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const boost::json::object kConfig{
      {"base_url", "https://harvest.greenhouse.io/v3"},
      {"auth", {{"mode", "client_credentials"}, {"client_id", "gh-client"}, {"user_id", "4080"}}},
      {"webhook_secret", "gh-webhook-secret"}};
  atsync::fuzz::runScripted<atsync::greenhouse::GreenhouseConnector>(
      atsync::fuzz::asText(data, size), kConfig, "https://harvest.greenhouse.io/v3", 1795860900000);
  return 0;
}
