// SPDX-License-Identifier: Apache-2.0
// The SDK conformance kit on the Lever plugin, against the Lever sandbox run as a child process over loopback HTTP.
// Everything Lever-specific the kit needs is here: how to start the sandbox and write the host config, the
// sandbox's fault and counter endpoints, its large seed, and a webhook it signs itself.
#include <atsync/sdk/testkit/conformance.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace {

namespace json = boost::json;
namespace kit = atsync::sdk::testkit;

constexpr const char* kSignatureToken = "conformance-lever-signature-token";
constexpr const char* kPerformAs = "3f5a2c1e-0b7d-4e8a-9c6f-1d2e3f4a5b6c";  // the seed's "Kula Integration" user

struct LeverSandbox {
  std::unique_ptr<kit::TempDir> dir;
  std::unique_ptr<kit::ChildProcess> process;
  std::string base_url;  // http://127.0.0.1:PORT/v1
  std::string root;      // http://127.0.0.1:PORT (the /_sandbox admin API)

  json::value admin(std::string_view method, const std::string& path, const json::value& body = nullptr) const {
    return kit::adminCall("lever sandbox", method, root, path, body);
  }
};

kit::Target leverTarget() {
  auto sandbox = std::make_shared<LeverSandbox>();
  kit::Target t;
  t.name = "Lever";
  t.atsync = ATSYNC_BUILD_DIR "/bin/atsync";
  t.schema_dir = ATSYNC_SOURCE_DIR "/sdk/schema";
  t.connection_id = "conformance";
  t.side = kit::Side::kAts;
  sandbox->dir = std::make_unique<kit::TempDir>("lever-conformance");
  t.config_file = sandbox->dir->path() / "atsync.yaml";

  t.start = [sandbox, config = t.config_file] {
    // Lever's documented limit (10/s, bursts of 20) is the sandbox's default.
    sandbox->process = std::make_unique<kit::ChildProcess>(ATSYNC_BUILD_DIR "/bin/atsync-sandbox-lever",
                                                           std::vector<std::string>{"--port", "0", "--seed", "small", "--api-key", "sandbox-lever-key"});
    sandbox->base_url = sandbox->process->readLine();
    sandbox->root = sandbox->base_url.substr(0, sandbox->base_url.rfind("/v1"));
    // The platform side is never called by these checks; it only has to be a valid connection.
    kit::writeFile(config, "version: 1\n"
                           "store: sqlite:" + (sandbox->dir->path() / "atsync.db").string() + "\n"
                           "server:\n  listen: 127.0.0.1:0\n  public_url: http://127.0.0.1:8080\n  admin_token: conformance\n"
                           "plugins:\n  dir: " ATSYNC_BUILD_DIR "/plugins\n"
                           "encryption_key: conformance-encryption-key-not-a-secret-0123\n"
                           "connections:\n"
                           "  - id: conformance\n"
                           "    platform:\n      plugin: kula\n      config:\n"
                           "        base_url: http://127.0.0.1:9\n        api_key: unused\n        webhook_secret: unused\n"
                           "    ats:\n      plugin: lever\n      config:\n"
                           "        base_url: " + sandbox->base_url + "\n"
                           "        auth:\n          mode: api_key\n          api_key: sandbox-lever-key\n"
                           "        perform_as: " + kPerformAs + "\n"
                           "        webhook_signature_tokens:\n          candidateStageChange: " + kSignatureToken + "\n");
  };
  t.stop = [sandbox] { sandbox->process.reset(); };
  t.inject_fault = [sandbox](kit::Fault f) {
    json::object faults;
    switch (f) {
      case kit::Fault::kServerError: faults = {{"errorRate", 1}}; break;
      case kit::Fault::kCommitThenDrop: faults = {{"commitThenDropRate", 1}}; break;
      case kit::Fault::kRateLimited:
        faults = {{"script", json::array{{{"status", 429}, {"count", 1000}, {"retryAfter", "3"}}}}};
        break;
    }
    sandbox->admin("PUT", "/_sandbox/faults", faults);
    return true;
  };
  t.clear_faults = [sandbox] { sandbox->admin("PUT", "/_sandbox/faults", json::object{}); };
  t.rate_limited_count = [sandbox] {
    return sandbox->admin("GET", "/_sandbox/counters").at("rateLimited").to_number<std::int64_t>();
  };
  t.seed_many = [sandbox] {
    // 1,200 opportunities: 12 pages of import.page (the "large" seed is 12,000).
    sandbox->admin("POST", "/_sandbox/reset", json::object{{"seed", "medium"}});
    return sandbox->admin("GET", "/_sandbox/state").at("counts").at("opportunities").to_number<std::int64_t>();
  };
  t.webhooks = [sandbox] {
    // A webhook as set up in Lever's Settings, its deliveries caught here: the sandbox signs them itself.
    kit::WebhookCatcher catcher;
    sandbox->admin("POST", "/_sandbox/webhooks",
                   json::object{{"event", "candidateStageChange"}, {"url", catcher.url()}, {"signatureToken", kSignatureToken}});
    const auto opportunities = sandbox->admin("GET", "/_sandbox/opportunities").at("data").as_array();
    const std::string id(opportunities.at(0).at("id").as_string());
    sandbox->admin("POST", "/_sandbox/opportunities/" + id + "/stage", json::object{{"stage", "offer"}});
    const auto delivery = catcher.waitFor("candidateStageChange");
    kit::WebhookSamples s;
    s.good = {delivery.headers, delivery.body, delivery.received_at_ms};
    // Lever signs token + triggeredAt: a changed token is a forgery.
    json::object forged = json::parse(delivery.body).as_object();
    forged["token"] = "forged-" + std::string(forged.at("token").as_string());
    s.tampered = {delivery.headers, json::serialize(forged), delivery.received_at_ms};
    // Replayed two hours later, past webhook_max_age_s (3600 s by default).
    s.stale = {delivery.headers, delivery.body, delivery.received_at_ms + 2 * 3600 * 1000};
    // plugins/lever/README.md: a delivery outside the replay window is refused as invalid_input.
    s.stale_refusal_codes = {"bad_signature", "invalid_input"};
    return s;
  };
  t.samples["webhook_url"] = "http://127.0.0.1:9/hooks/conformance/lever";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  kit::registerConformanceTests(leverTarget());
  return RUN_ALL_TESTS();
}
