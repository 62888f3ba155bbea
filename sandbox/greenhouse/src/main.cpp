// SPDX-License-Identifier: Apache-2.0
// atsync-sandbox-greenhouse: runs the Greenhouse sandbox until SIGINT/SIGTERM.
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "atsync/sandbox/greenhouse/greenhouse_sandbox.hpp"

namespace {

using atsync::sandbox::greenhouse::ApiClient;
using atsync::sandbox::greenhouse::FromStageKind;
using atsync::sandbox::greenhouse::GreenhouseSandbox;

void usage(std::ostream& os) {
  os << "usage: atsync-sandbox-greenhouse [--port P] [--seed small|large|empty] [--large-count N]\n"
        "         [--seed-email-domain D]   (the seeded people's emails: first.last@D, default example.com)\n"
        "         [--no-anonymized-candidate]   (the small seed without its anonymized candidate 7020)\n"
        "         [--rate-limit N] [--rate-window-s S] [--token-rate-limit N] [--token-lifetime-s S]\n"
        "         [--client ID:SECRET]... [--partner-client ID:SECRET]...\n"
        "         [--webhook-url URL --webhook-secret S] [--webhook-base-delay-ms MS]\n"
        "         [--from-stage-id application_stage|job_interview_stage] [--no-job-interview-stage-id]\n"
        "Without --client/--partner-client: custom client sandbox-greenhouse-client:sandbox-greenhouse-secret and\n"
        "partner client sandbox-greenhouse-partner:sandbox-greenhouse-partner-secret.\n";
}

ApiClient parseClient(const std::string& flag, const std::string& v, bool partner) {
  const auto colon = v.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == v.size()) {
    throw std::invalid_argument(flag + " expects ID:SECRET, got '" + v + "'");
  }
  ApiClient c;
  c.client_id = v.substr(0, colon);
  c.client_secret = v.substr(colon + 1);
  c.partner = partner;
  return c;
}

int number(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    const int n = std::stoi(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(flag + " expects an integer, got '" + v + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    GreenhouseSandbox::Options o;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument("option " + arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--port") {
        o.port = static_cast<std::uint16_t>(number(arg, value()));
      } else if (arg == "--seed") {
        o.seed = value();
      } else if (arg == "--seed-email-domain") {
        o.seed_email_domain = value();
      } else if (arg == "--no-anonymized-candidate") {
        o.seed_anonymized = false;
      } else if (arg == "--large-count") {
        o.large_count = number(arg, value());
      } else if (arg == "--rate-limit") {
        o.rate_limit = number(arg, value());
      } else if (arg == "--rate-window-s") {
        o.rate_window_s = number(arg, value());
      } else if (arg == "--token-rate-limit") {
        o.token_rate_limit = number(arg, value());
      } else if (arg == "--token-lifetime-s") {
        o.token_lifetime_s = number(arg, value());
      } else if (arg == "--client") {
        o.clients.push_back(parseClient(arg, value(), false));
      } else if (arg == "--partner-client") {
        o.clients.push_back(parseClient(arg, value(), true));
      } else if (arg == "--webhook-url") {
        o.webhook_url = value();
      } else if (arg == "--webhook-secret") {
        o.webhook_secret = value();
      } else if (arg == "--webhook-base-delay-ms") {
        o.webhook_base_delay_ms = number(arg, value());
      } else if (arg == "--from-stage-id") {
        const std::string v = value();
        if (v == "application_stage") {
          o.from_stage_kind = FromStageKind::kApplicationStage;
        } else if (v == "job_interview_stage") {
          o.from_stage_kind = FromStageKind::kJobInterviewStage;
        } else {
          throw std::invalid_argument("--from-stage-id expects application_stage or job_interview_stage, got '" + v + "'");
        }
      } else if (arg == "--no-job-interview-stage-id") {
        o.application_job_interview_stage_id = false;
      } else if (arg == "--help" || arg == "-h") {
        usage(std::cout);
        return 0;
      } else {
        usage(std::cerr);
        throw std::invalid_argument("unknown option '" + arg + "'");
      }
    }
    if (o.clients.empty()) {
      o.clients.push_back({"sandbox-greenhouse-client", "sandbox-greenhouse-secret", false, {}, {}});
      o.clients.push_back({"sandbox-greenhouse-partner", "sandbox-greenhouse-partner-secret", true, {}, {}});
    }
    // Block the signals before any thread starts so only sigwait below sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    GreenhouseSandbox sandbox(o);
    sandbox.start();
    std::cout << sandbox.baseUrl() << std::endl;
    std::cerr << "greenhouse sandbox: seed " << o.seed << ", token URL " << sandbox.tokenUrl() << ", admin API at "
              << sandbox.rootUrl() << "/_sandbox/state" << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    sandbox.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "atsync-sandbox-greenhouse: " << e.what() << std::endl;
    return 1;
  }
}
