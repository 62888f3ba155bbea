// SPDX-License-Identifier: Apache-2.0
// Every Lever response parser, reached the way the plugin reaches it: one operation of the real LeverConnector
// (postings.list, opportunity.find, note.find, file.add, changes.poll, webhooks.register, ...) run against a
// script of Lever answers (scripted_host.hpp for the format). Covers lever_api (envelope, pagination, error
// mapping), lever_parse (postings, stages, opportunities, notes, files, stage history) and the operations'
// own reading of answers. Expected failures are OperationError; the output must be readable by the host.

#include "connector_run.hpp"

#include "lever_connector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const boost::json::object kConfig{
      {"base_url", "https://api.lever.co/v1"},
      {"perform_as", "8d49b010-cc6a-4f40-ace5-e86061c677ed"},
      {"webhook_signature_tokens", {{"candidateStageChange", "lvr-signature-token-2f9c"}}}};
  atsync::fuzz::runScripted<atsync::lever::LeverConnector>(atsync::fuzz::asText(data, size), kConfig,
                                                           "https://api.lever.co/v1", 1795860900000);
  return 0;
}
