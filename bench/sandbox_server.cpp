// SPDX-License-Identifier: Apache-2.0
// atsync-bench-sandboxes: the Lever and Kula sandboxes in their own process, so a benchmark measuring the host's
// memory or CPU does not count theirs. Prints one JSON line with the URLs and credentials, serves until its stdin
// closes (the parent exited or is done), then prints one JSON line with Lever's counters.
//
//   atsync-bench-sandboxes [--lever-seed=large] [--lever-opportunities=N] [--lever-rate=10] [--lever-burst=20]

#include "support/args.hpp"
#include "support/sandboxes.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <iostream>

int main(int argc, char** argv) {
  using namespace atsync::bench;
  SandboxOptions options;
  options.lever_seed = flag(argc, argv, "lever-seed", "small");
  options.lever_rate_per_second = flagNumber(argc, argv, "lever-rate", 0);
  options.lever_burst = flagNumber(argc, argv, "lever-burst", 0);
  Sandboxes sandboxes(options);
  const double keep = flagNumber(argc, argv, "lever-opportunities", 0);
  if (keep > 0) sandboxes.trimOpportunities(static_cast<std::size_t>(keep));
  const auto& urls = sandboxes.urls();
  std::cout << boost::json::serialize(boost::json::object{{"lever_base_url", urls.lever_base_url},
                                                          {"lever_api_key", urls.lever_api_key},
                                                          {"kula_base_url", urls.kula_base_url},
                                                          {"kula_api_key", urls.kula_api_key},
                                                          {"kula_webhook_secret", urls.kula_webhook_secret},
                                                          {"opportunities", sandboxes.opportunityIds().size()}})
            << std::endl;
  char byte = 0;
  while (read(STDIN_FILENO, &byte, 1) > 0) {
  }
  const auto counters = sandboxes.lever().counters();
  std::cout << boost::json::serialize(boost::json::object{{"lever_requests", counters.requests},
                                                          {"lever_429", counters.rate_limited},
                                                          {"kula_candidates", sandboxes.kula().snapshot().candidates.size()}})
            << std::endl;
  return 0;
}
