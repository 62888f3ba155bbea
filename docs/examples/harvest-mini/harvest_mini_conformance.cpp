// SPDX-License-Identifier: Apache-2.0
// The SDK's conformance kit on harvest-mini, against the Greenhouse sandbox of an atsync checkout run as a child
// process. Run it with ATSYNC set to that checkout (built: build/bin/atsync, build/bin/atsync-sandbox-greenhouse,
// build/plugins):
//   ATSYNC=~/atsync build/harvest_mini_conformance
#include <gtest/gtest.h>

#include <atsync/sdk/testkit/conformance.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace {

namespace json = boost::json;
namespace kit = atsync::sdk::testkit;

constexpr const char* kClient = "walkthrough-client";
constexpr const char* kSecret = "walkthrough-secret";
constexpr const char* kWebhookSecret = "walkthrough-webhook-secret";

struct Sandbox {
  std::unique_ptr<kit::TempDir> dir;
  std::unique_ptr<kit::ChildProcess> process;
  std::string base_url;  // http://127.0.0.1:PORT/v3
  std::string root;      // http://127.0.0.1:PORT: the token endpoint and the /_sandbox admin API

  json::value admin(std::string_view method, const std::string& path, const json::value& body = nullptr) const {
    return kit::adminCall("greenhouse sandbox", method, root, path, body);
  }
};

kit::Target harvestMini(const std::string& atsync) {
  auto sandbox = std::make_shared<Sandbox>();
  sandbox->dir = std::make_unique<kit::TempDir>("harvest-mini-conformance");
  kit::Target t;
  t.name = "HarvestMini";  // the suite: HarvestMiniConformance
  t.atsync = atsync + "/build/bin/atsync";
  t.schema_dir = ATSYNC_SDK_SCHEMA_DIR;
  t.config_file = sandbox->dir->path() / "atsync.yaml";
  t.connection_id = "conformance";
  t.side = kit::Side::kAts;

  t.start = [sandbox, atsync, config = t.config_file] {
    // Greenhouse's own limit (150 requests per 30 s); the token endpoint's limit is raised because every
    // `atsync invoke` is a new host that mints its own token.
    sandbox->process =
        std::make_unique<kit::ChildProcess>(atsync + "/build/bin/atsync-sandbox-greenhouse",
                                            std::vector<std::string>{"--port", "0", "--token-rate-limit", "100000",
                                                                     "--client", std::string(kClient) + ":" + kSecret});
    sandbox->base_url = sandbox->process->readLine();
    sandbox->root = sandbox->base_url.substr(0, sandbox->base_url.rfind("/v3"));
    // The kit calls only the ATS side; the platform side (Kula, from the built-in plugins) is never reached.
    kit::writeFile(config,
                   "version: 1\n"
                   "store: sqlite:" +
                       (sandbox->dir->path() / "atsync.db").string() +
                       "\n"
                       "server: {listen: 127.0.0.1:0, public_url: http://127.0.0.1:8080, admin_token: conformance}\n"
                       "plugins:\n  dir: [" +
                       atsync +
                       "/build/plugins, " HARVEST_MINI_PLUGIN_DIR
                       "]\n"
                       "encryption_key: conformance-encryption-key-not-a-secret-0123\n"
                       "connections:\n"
                       "  - id: conformance\n"
                       "    platform:\n      plugin: kula\n"
                       "      config: {base_url: http://127.0.0.1:9, api_key: unused, webhook_secret: unused}\n"
                       "    ats:\n      plugin: harvest-mini\n      config:\n"
                       "        base_url: " +
                       sandbox->base_url +
                       "\n"
                       "        auth:\n"
                       "          client_id: " +
                       kClient +
                       "\n"
                       "          client_secret: " +
                       kSecret +
                       "\n"
                       "          token_url: " +
                       sandbox->root +
                       "/token\n"
                       "          user_id: \"4080\"\n"
                       "        webhook_secret: " +
                       kWebhookSecret + "\n");
  };
  t.stop = [sandbox] { sandbox->process.reset(); };

  t.inject_fault = [sandbox](kit::Fault f) {
    json::object faults;
    if (f == kit::Fault::kServerError) faults = {{"error_rate", 1}};
    if (f == kit::Fault::kCommitThenDrop) faults = {{"commit_then_drop_rate", 1}};
    if (f == kit::Fault::kRateLimited) {
      // GETs only: the token endpoint (a POST) has a limit of its own, which this check is not about.
      faults = {{"script", json::array{{{"method", "GET"}, {"status", 429}, {"count", 1000}, {"retry_after", "3"}}}}};
    }
    sandbox->admin("PUT", "/_sandbox/faults", faults);
    return true;
  };
  t.clear_faults = [sandbox] { sandbox->admin("PUT", "/_sandbox/faults", json::object{}); };
  t.rate_limited_count = [sandbox] {
    return sandbox->admin("GET", "/_sandbox/counters").at("rate_limited").to_number<std::int64_t>();
  };

  t.webhooks = [sandbox] {
    // A web hook as configured in Greenhouse, caught here; a recruiter's move of application 8001 fires it.
    kit::WebhookCatcher catcher;
    sandbox->admin("PUT", "/_sandbox/webhook", json::object{{"url", catcher.url()}, {"secret", kWebhookSecret}});
    const json::value application = sandbox->admin("GET", "/_sandbox/applications/8001");
    const json::value job_id = application.at("job_id");
    const json::value current = application.at("job_interview_stage_id");
    json::value target;
    const json::value state = sandbox->admin("GET", "/_sandbox/state");  // kept: the loop reads into it
    for (const auto& job : state.at("jobs").as_array()) {
      if (job.at("id") != job_id) continue;
      for (const auto& stage : job.at("stages").as_array()) {
        if (stage.at("active") == true && stage.at("id") != current && target.is_null()) target = stage.at("id");
      }
    }
    sandbox->admin("POST", "/_sandbox/applications/8001/stage", json::object{{"stage_id", target}});
    const auto delivery = catcher.waitFor("candidate_stage_change");
    kit::WebhookSamples s;
    s.good = {delivery.headers, delivery.body, delivery.received_at_ms};
    json::object forged = json::parse(delivery.body).as_object();
    forged["payload"].as_object()["application"].as_object()["current_stage"].as_object()["id"] = 1;
    s.tampered = {delivery.headers, json::serialize(forged), delivery.received_at_ms};
    s.stale = {delivery.headers, delivery.body, delivery.received_at_ms + 16LL * 3600 * 1000};
    s.stale_not_refusable =
        "Greenhouse signs the body alone and dates nothing; its retries resend the same bytes and Greenhouse-Event-ID "
        "for ~15 h, so a replay is the same event and the host's inbox drops it";
    return s;
  };
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* atsync = std::getenv("ATSYNC");
  if (atsync == nullptr || *atsync == '\0') {
    std::cerr << "set ATSYNC to an atsync checkout built with `cmake --preset dev && cmake --build build`\n";
    return 2;
  }
  kit::registerConformanceTests(harvestMini(atsync));
  return RUN_ALL_TESTS();
}
