// SPDX-License-Identifier: Apache-2.0
// atsync-sandbox-kula: serve the Kula sandbox until SIGINT/SIGTERM, or `act` on a running one.
#include "act_cli.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>

#include <Poco/Exception.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

using atsync::sandbox::kula::KulaSandbox;

constexpr const char* kProgram = "atsync-sandbox-kula";

std::string usage() {
  return std::string("usage: ") + kProgram +
         " --port P [--seed small|empty] [--api-key K] [--webhook-url URL --webhook-secret S]\n"
         "       [--flow-posting FLOW_ID=POSTING_ID ...] [--rate-limit RPS[:BURST]] [--retry-base-delay-ms N]\n"
         "       " + kProgram + " act --url URL <action> [flags]   (see '" + kProgram + " act --help')\n"
         "The API key and webhook secret default to $KULA_API_KEY and $KULA_WEBHOOK_SECRET, else to\n"
         "configs/sandbox.yaml's sandbox-kula-key and sandbox-kula-webhook-secret.\n";
}

struct UsageError {
  std::string message;
};

int parseInt(const std::string& flag, const std::string& v, int lo, int hi) {
  try {
    std::size_t used = 0;
    const long n = std::stol(v, &used);
    if (used == v.size() && n >= lo && n <= hi) return static_cast<int>(n);
  } catch (const std::exception&) {
  }
  throw UsageError{flag + " takes an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" +
                   v + "'"};
}

double parseRate(const std::string& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size() && d >= 0) return d;
  } catch (const std::exception&) {
  }
  throw UsageError{"--rate-limit takes RPS[:BURST] with non-negative numbers, not '" + v + "'"};
}

KulaSandbox::Options parseServeArgs(const std::vector<std::string>& args) {
  KulaSandbox::Options o;
  if (const char* key = std::getenv("KULA_API_KEY"); key != nullptr && *key != '\0') o.api_key = key;
  // The same fallbacks as configs/sandbox.yaml, so the two agree out of the box.
  o.webhook_secret = "sandbox-kula-webhook-secret";
  if (const char* secret = std::getenv("KULA_WEBHOOK_SECRET"); secret != nullptr && *secret != '\0') {
    o.webhook_secret = secret;
  }
  bool have_port = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") throw UsageError{""};
    if (i + 1 >= args.size()) throw UsageError{"flag '" + a + "' needs a value"};
    const std::string& v = args[++i];
    if (a == "--port") {
      o.port = static_cast<std::uint16_t>(parseInt(a, v, 0, 65535));
      have_port = true;
    } else if (a == "--seed") {
      o.seed = v;
    } else if (a == "--api-key") {
      o.api_key = v;
    } else if (a == "--webhook-url") {
      o.webhook_url = v;
    } else if (a == "--webhook-secret") {
      o.webhook_secret = v;
    } else if (a == "--flow-posting") {
      // Repeatable, and also takes several pairs in a row: --flow-posting a=1 b=2
      for (std::string pair = v;;) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
          throw UsageError{"--flow-posting takes FLOW_ID=POSTING_ID, not '" + pair + "'"};
        }
        o.flow_postings[pair.substr(0, eq)] = pair.substr(eq + 1);
        if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) break;
        pair = args[++i];
      }
    } else if (a == "--rate-limit") {
      const auto colon = v.find(':');
      o.rate_limit_per_second = parseRate(v.substr(0, colon));
      if (colon != std::string::npos) o.rate_limit_burst = parseRate(v.substr(colon + 1));
    } else if (a == "--retry-base-delay-ms") {
      o.delivery.retry_base_delay_ms = parseInt(a, v, 0, 600000);
    } else {
      throw UsageError{"unknown flag '" + a + "'"};
    }
  }
  if (!have_port) throw UsageError{"missing --port (0 picks a free port)"};
  if (o.seed != "small" && o.seed != "empty") throw UsageError{"unknown seed '" + o.seed + "' (small or empty)"};
  if (!o.webhook_url.empty() && o.webhook_url.rfind("http://", 0) != 0) {
    throw UsageError{"--webhook-url must start with http://, not '" + o.webhook_url + "'"};
  }
  return o;
}

int serve(const std::vector<std::string>& args) {
  KulaSandbox::Options options;
  try {
    options = parseServeArgs(args);
  } catch (const UsageError& e) {
    if (!e.message.empty()) std::cerr << kProgram << ": " << e.message << "\n";
    std::cerr << usage();
    return e.message.empty() ? 0 : 2;
  }
  // Block the stop signals before any thread starts so every thread inherits the mask and sigwait below is
  // the only place they are taken.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  KulaSandbox sandbox(options);
  sandbox.start();
  // The URL alone on stdout, so scripts can read it; the rest is for people.
  std::cout << sandbox.baseUrl() << std::endl;
  std::cerr << kProgram << ": serving Kula (seed " << options.seed << ") at " << sandbox.baseUrl()
            << (options.webhook_url.empty() ? ", webhooks off" : ", webhooks to " + options.webhook_url) << "\n";
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << kProgram << ": stopping on signal " << sig << "\n";
  sandbox.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && args[0] == "act") {
      return atsync::sandbox::kula::runActCli(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    return serve(args);
  } catch (const Poco::Exception& e) {
    std::cerr << kProgram << ": " << e.displayText() << "\n";
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": " << e.what() << "\n";
  }
  return 1;
}
