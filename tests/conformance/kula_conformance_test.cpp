// SPDX-License-Identifier: Apache-2.0
// The SDK conformance kit on the Kula plugin, against the Kula sandbox run as a child process over loopback HTTP.
#include <atsync/sdk/testkit/conformance.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace {

namespace json = boost::json;
namespace kit = atsync::sdk::testkit;

constexpr const char* kApiKey = "conformance-kula-key";
constexpr const char* kWebhookSecret = "conformance-kula-webhook-secret";

struct KulaSandbox {
  std::unique_ptr<kit::TempDir> dir;
  std::unique_ptr<kit::ChildProcess> process;
  std::string base_url;  // http://127.0.0.1:PORT (the API under /v1, the admin API under /_sandbox)

  json::value admin(std::string_view method, const std::string& path, const json::value& body = nullptr) const {
    return kit::adminCall("kula sandbox", method, base_url, path, body);
  }
};

kit::Target kulaTarget() {
  auto sandbox = std::make_shared<KulaSandbox>();
  kit::Target t;
  t.name = "Kula";
  t.atsync = ATSYNC_BUILD_DIR "/bin/atsync";
  t.schema_dir = ATSYNC_SOURCE_DIR "/sdk/schema";
  t.connection_id = "conformance";
  t.side = kit::Side::kPlatform;
  sandbox->dir = std::make_unique<kit::TempDir>("kula-conformance");
  t.config_file = sandbox->dir->path() / "atsync.yaml";

  t.start = [sandbox, config = t.config_file] {
    sandbox->process = std::make_unique<kit::ChildProcess>(
        ATSYNC_BUILD_DIR "/bin/atsync-sandbox-kula",
        std::vector<std::string>{"--port", "0", "--seed", "small", "--api-key", kApiKey, "--webhook-secret",
                                 kWebhookSecret, "--flow-posting", "flow_eng=posting-eng"});
    sandbox->base_url = sandbox->process->readLine();
    // The ATS side is never called by these checks; it only has to be a valid connection.
    kit::writeFile(config, "version: 1\n"
                           "store: sqlite:" + (sandbox->dir->path() / "atsync.db").string() + "\n"
                           "server:\n  listen: 127.0.0.1:0\n  public_url: http://127.0.0.1:8080\n  admin_token: conformance\n"
                           "plugins:\n  dir: " ATSYNC_BUILD_DIR "/plugins\n"
                           "encryption_key: conformance-encryption-key-not-a-secret-0123\n"
                           "connections:\n"
                           "  - id: conformance\n"
                           "    platform:\n      plugin: kula\n      config:\n"
                           "        base_url: " + sandbox->base_url + "\n"
                           "        api_key: " + kApiKey + "\n        webhook_secret: " + kWebhookSecret + "\n"
                           "    ats:\n      plugin: lever\n      config:\n"
                           "        base_url: http://127.0.0.1:9/v1\n"
                           "        auth:\n          mode: api_key\n          api_key: unused\n"
                           "        perform_as: unused\n");
  };
  t.stop = [sandbox] { sandbox->process.reset(); };
  t.inject_fault = [sandbox](kit::Fault f) {
    switch (f) {
      case kit::Fault::kServerError: sandbox->admin("PUT", "/_sandbox/faults", json::object{{"error_rate", 1}}); break;
      case kit::Fault::kCommitThenDrop:
        sandbox->admin("PUT", "/_sandbox/faults", json::object{{"commit_then_drop_rate", 1}});
        break;
      case kit::Fault::kRateLimited: {
        // One request every 100 s with no burst beyond it, and that one spent here: the next ones get 429 with a
        // Retry-After of 100 s.
        sandbox->admin("PUT", "/_sandbox/rate-limit", json::object{{"requests_per_second", 0.01}, {"burst", 1}});
        kit::httpCall("GET", sandbox->base_url + "/v1/stages", "", {{"Authorization", std::string("Bearer ") + kApiKey}});
        break;
      }
    }
    return true;
  };
  t.clear_faults = [sandbox] {
    sandbox->admin("PUT", "/_sandbox/faults", json::object{{"error_rate", 0}, {"commit_then_drop_rate", 0}});
    sandbox->admin("PUT", "/_sandbox/rate-limit", json::object{{"requests_per_second", 0}, {"burst", 0}});
  };
  t.rate_limited_count = [sandbox] {
    std::int64_t n = 0;
    for (const auto& r : sandbox->admin("GET", "/_sandbox/state").at("requests").as_array()) {
      if (r.at("status").to_number<int>() == 429) ++n;
    }
    return n;
  };
  t.seed_many = [sandbox] {
    // 1,100 stage changes made in Kula's UI: as many events in the log events.poll pages through.
    constexpr int kEvents = 1100;
    for (int i = 0; i < kEvents; ++i) {
      sandbox->admin("POST", "/_sandbox/candidates/cand_ada/stage",
                     json::object{{"stage", i % 2 == 0 ? "screening" : "interviewing"}});
    }
    return static_cast<std::int64_t>(sandbox->admin("GET", "/_sandbox/state").at("events").as_array().size());
  };
  t.webhooks = [sandbox] {
    kit::WebhookCatcher catcher;
    sandbox->admin("PUT", "/_sandbox/webhook", json::object{{"url", catcher.url()}, {"secret", kWebhookSecret}});
    sandbox->admin("POST", "/_sandbox/candidates/cand_grace/notes", json::object{{"body", "Signed by the sandbox."}});
    const auto delivery = catcher.waitFor("Signed by the sandbox.");
    kit::WebhookSamples s;
    s.good = {delivery.headers, delivery.body, delivery.received_at_ms};
    std::string body = delivery.body;
    body.replace(body.find("Signed by"), 9, "Forged by");
    s.tampered = {delivery.headers, body, delivery.received_at_ms};
    // Received ten minutes after it was signed: outside Kula's five-minute window.
    s.stale = {delivery.headers, delivery.body, delivery.received_at_ms + 10 * 60 * 1000};
    return s;
  };
  t.samples["flow_id"] = "flow_eng";
  t.samples["candidate_id"] = "cand_ada";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  kit::registerConformanceTests(kulaTarget());
  return RUN_ALL_TESTS();
}
