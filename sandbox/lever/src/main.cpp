// SPDX-License-Identifier: Apache-2.0
// atsync-sandbox-lever: runs the Lever sandbox until SIGINT/SIGTERM.
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "atsync/sandbox/lever/lever_sandbox.hpp"

namespace {

// configs/sandbox.yaml's fallback for ${LEVER_API_KEY}: the sandbox and the config agree out of the box.
constexpr const char* kDefaultApiKey = "sandbox-lever-key";

void usage(std::ostream& os) {
  os << "usage: atsync-sandbox-lever [--port P] [--seed small|medium|large|empty] [--rate R --burst B]\n"
        "                            [--token-expires-in S] [--api-key K]... [--oauth-client ID:SECRET]...\n"
        "                            [--webhook-base-delay-ms MS]\n"
        "Without --api-key it accepts configs/sandbox.yaml's key, " << kDefaultApiKey << " (and $LEVER_API_KEY when set).\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    atsync::sandbox::lever::LeverSandbox::Options o;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument("option " + arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--port") {
        o.port = static_cast<std::uint16_t>(std::stoi(value()));
      } else if (arg == "--seed") {
        o.seed = value();
      } else if (arg == "--rate") {
        o.rate_per_second = std::stod(value());
      } else if (arg == "--burst") {
        o.burst = std::stod(value());
      } else if (arg == "--token-expires-in") {
        o.token_expires_in_s = std::stoi(value());
      } else if (arg == "--api-key") {
        o.api_keys.push_back(value());
      } else if (arg == "--oauth-client") {
        const std::string v = value();
        const auto colon = v.find(':');
        if (colon == std::string::npos) throw std::invalid_argument("--oauth-client expects ID:SECRET, got '" + v + "'");
        o.oauth_clients.push_back({v.substr(0, colon), v.substr(colon + 1), {}});
      } else if (arg == "--webhook-base-delay-ms") {
        o.webhook_base_delay_ms = std::stoi(value());
      } else if (arg == "--help" || arg == "-h") {
        usage(std::cout);
        return 0;
      } else {
        usage(std::cerr);
        throw std::invalid_argument("unknown option '" + arg + "'");
      }
    }
    if (o.api_keys.empty()) {
      o.api_keys.push_back(kDefaultApiKey);
      if (const char* key = std::getenv("LEVER_API_KEY"); key != nullptr && *key != '\0') o.api_keys.push_back(key);
    }
    // Block the signals before any thread starts so only sigwait below sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    atsync::sandbox::lever::LeverSandbox sandbox(o);
    sandbox.start();
    std::cout << sandbox.baseUrl() << std::endl;
    std::cerr << "lever sandbox: seed " << o.seed << ", admin API at " << sandbox.rootUrl() << "/_sandbox/state"
              << ", OAuth at " << sandbox.authorizeUrl() << ", API key(s) ";
    for (std::size_t k = 0; k < o.api_keys.size(); ++k) std::cerr << (k == 0 ? "" : ", ") << o.api_keys[k];
    std::cerr << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    sandbox.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "atsync-sandbox-lever: " << e.what() << std::endl;
    return 1;
  }
}
