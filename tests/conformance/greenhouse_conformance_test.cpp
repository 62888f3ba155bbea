// SPDX-License-Identifier: Apache-2.0
// The SDK conformance kit on the Greenhouse plugin, against the Greenhouse sandbox run as a child process over
// loopback HTTP. Everything Greenhouse-specific the kit needs is here: how to start the sandbox and write the host
// config (client_credentials against the sandbox's auth server), the sandbox's fault and counter endpoints, its
// large seed, and a web hook it signs itself, fired by a recruiter's stage move.
#include <atsync/sdk/testkit/conformance.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace {

namespace json = boost::json;
namespace kit = atsync::sdk::testkit;

constexpr const char* kClientId = "conformance-greenhouse-client";
constexpr const char* kClientSecret = "conformance-greenhouse-secret";
constexpr const char* kWebhookSecret = "conformance-greenhouse-webhook-secret";
constexpr const char* kUserId = "4080";             // the seed's Rita Recruiter, a Site Admin
constexpr const char* kApplication = "8001";        // the seed's Ada Lovelace, an active application on job 1001
constexpr const char* kLargeCount = "1200";         // the large seed's extra applications (small has 20)

struct GreenhouseSandbox {
  std::unique_ptr<kit::TempDir> dir;
  std::unique_ptr<kit::ChildProcess> process;
  std::string base_url;  // http://127.0.0.1:PORT/v3
  std::string root;      // http://127.0.0.1:PORT (the auth server and the /_sandbox admin API)

  json::value admin(std::string_view method, const std::string& path, const json::value& body = nullptr) const {
    return kit::adminCall("greenhouse sandbox", method, root, path, body);
  }
};

std::string idText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

kit::Target greenhouseTarget() {
  auto sandbox = std::make_shared<GreenhouseSandbox>();
  kit::Target t;
  t.name = "Greenhouse";
  t.atsync = ATSYNC_BUILD_DIR "/bin/atsync";
  t.schema_dir = ATSYNC_SOURCE_DIR "/sdk/schema";
  t.connection_id = "conformance";
  t.side = kit::Side::kAts;
  sandbox->dir = std::make_unique<kit::TempDir>("greenhouse-conformance");
  t.config_file = sandbox->dir->path() / "atsync.yaml";

  t.start = [sandbox, config = t.config_file] {
    // The API limit is the sandbox's default, Greenhouse's observed one: 150 requests per fixed 30 s window per
    // client. The token endpoint's own limit (60 a minute) is raised: every `atsync invoke` is a fresh host that mints
    // its own token, where the long-running host mints one an hour; the kit checks the API's limit, not that one.
    sandbox->process = std::make_unique<kit::ChildProcess>(
        ATSYNC_BUILD_DIR "/bin/atsync-sandbox-greenhouse",
        std::vector<std::string>{"--port", "0", "--seed", "small", "--large-count", kLargeCount, "--token-rate-limit",
                                 "100000", "--client", std::string(kClientId) + ":" + kClientSecret});
    sandbox->base_url = sandbox->process->readLine();
    sandbox->root = sandbox->base_url.substr(0, sandbox->base_url.rfind("/v3"));
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
                           "    ats:\n      plugin: greenhouse\n      config:\n"
                           "        base_url: " + sandbox->base_url + "\n"
                           "        auth:\n          mode: client_credentials\n"
                           "          client_id: " + kClientId + "\n"
                           "          client_secret: " + kClientSecret + "\n"
                           "          token_url: " + sandbox->root + "/token\n"
                           "          user_id: \"" + kUserId + "\"\n"
                           "        webhook_secret: " + kWebhookSecret + "\n");
  };
  t.stop = [sandbox] { sandbox->process.reset(); };
  t.inject_fault = [sandbox](kit::Fault f) {
    json::object faults;
    switch (f) {
      case kit::Fault::kServerError: faults = {{"error_rate", 1}}; break;
      case kit::Fault::kCommitThenDrop: faults = {{"commit_then_drop_rate", 1}}; break;
      case kit::Fault::kRateLimited:
        // The Harvest API's 429 (every GET: stages.list reads only). The sandbox's faults also reach its auth server,
        // whose POST /token has its own, separate limit; a 429 there is the host's token mint, which does not carry
        // Retry-After into its error (host/http, not the plugin), so it is left out of this API check.
        faults = {{"script",
                   json::array{{{"method", "GET"}, {"status", 429}, {"count", 1000}, {"retry_after", "3"}}}}};
        break;
    }
    sandbox->admin("PUT", "/_sandbox/faults", faults);
    return true;
  };
  t.clear_faults = [sandbox] { sandbox->admin("PUT", "/_sandbox/faults", json::object{}); };
  t.rate_limited_count = [sandbox] {
    return sandbox->admin("GET", "/_sandbox/counters").at("rate_limited").to_number<std::int64_t>();
  };
  t.seed_many = [sandbox] {
    // The small seed plus 1,200 applications: 13 pages of import.page (100 a page). A reset also clears the rate
    // windows and counters; the checks after it only compare counters before and after their own calls.
    sandbox->admin("POST", "/_sandbox/reset", json::object{{"seed", "large"}});
    return sandbox->admin("GET", "/_sandbox/state").at("counts").at("applications").to_number<std::int64_t>();
  };
  t.webhooks = [sandbox] {
    // A web hook as set up in Greenhouse's Dev Center, its deliveries caught here: the sandbox signs them itself.
    kit::WebhookCatcher catcher;
    sandbox->admin("PUT", "/_sandbox/webhook", json::object{{"url", catcher.url()}, {"secret", kWebhookSecret}});
    // A recruiter moves the application to another active stage of its job in Greenhouse's UI.
    const auto application = sandbox->admin("GET", std::string("/_sandbox/applications/") + kApplication).as_object();
    const std::string job = idText(application.at("job_id"));
    const std::string current = idText(application.at("job_interview_stage_id"));
    std::string target;
    const json::value state = sandbox->admin("GET", "/_sandbox/state");
    for (const auto& j : state.at("jobs").as_array()) {
      if (idText(j.at("id")) != job) continue;
      for (const auto& s : j.at("stages").as_array()) {
        if (s.at("active").as_bool() && idText(s.at("id")) != current && target.empty()) target = idText(s.at("id"));
      }
    }
    if (target.empty()) throw std::runtime_error("job " + job + " has no other active stage to move to");
    sandbox->admin("POST", std::string("/_sandbox/applications/") + kApplication + "/stage",
                   json::object{{"stage_id", std::stoll(target)}});
    const auto delivery = catcher.waitFor("candidate_stage_change");
    kit::WebhookSamples s;
    s.good = {delivery.headers, delivery.body, delivery.received_at_ms};
    // Greenhouse signs the whole raw body: a delivery whose stage was changed after signing is a forgery.
    json::object forged = json::parse(delivery.body).as_object();
    forged["payload"].as_object()["application"].as_object()["current_stage"].as_object()["id"] = 1;
    s.tampered = {delivery.headers, json::serialize(forged), delivery.received_at_ms};
    // Greenhouse's v1-shaped deliveries carry no timestamp, signed or not (GREENHOUSE-API.md §4.8), and its own
    // retries of one delivery come byte for byte the same, with the same Greenhouse-Event-ID, up to ~15 h later.
    // So a replay cannot be told from a retry: the same delivery 16 h later is what "stale" can mean here. The
    // plugin accepts it with the same event id, and the host's inbox drops it as a duplicate.
    s.stale = {delivery.headers, delivery.body, delivery.received_at_ms + 16LL * 3600 * 1000};
    s.stale_not_refusable =
        "Greenhouse web hooks carry no timestamp in the body or the Signature (HMAC of the body alone), and its "
        "retries resend the same bytes with the same Greenhouse-Event-ID for ~15 h: a replay is indistinguishable "
        "from a retry, so it is accepted as the same event and deduplicated by the host's inbox "
        "(plugins/greenhouse/README.md, webhook.parse)";
    return s;
  };
  t.samples["webhook_url"] = "http://127.0.0.1:9/hooks/conformance/greenhouse";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  kit::registerConformanceTests(greenhouseTarget());
  return RUN_ALL_TESTS();
}
