// SPDX-License-Identifier: Apache-2.0
// Boundary cost: one plugin operation across the C ABI with a typical document.
//   - bench-echo `echo` with a ~1 KB opportunity document, whole (Instance::invoke) and in parts: the host's
//     serialise (onto the stack), the crossing with the plugin's work (on_invoke: the SDK parses into its call
//     arena, dispatches, serialises into the output buffer), the host's parse of the answer (into an arena that
//     travels with the document); and `noop` ({} in, {} out), the floor of a crossing;
//   - the real Lever plugin's webhook.parse of a signed candidateStageChange delivery (tokens from config),
//     through the connector as ingress calls it, HMAC check and the host's schema check of the answer included (the
//     latter also timed alone).
// Each figure is the median over batches of the mean ns per call in a batch, in wall time and in the thread's CPU
// time (CLOCK_THREAD_CPUTIME_ID): on a shared machine the wall figure includes time the thread sat descheduled,
// the CPU figure does not (it still pays for caches and clocks shared with the other load).

#include "plugin/answer_arena.hpp"
#include "plugin/instance.hpp"
#include "plugin/instance_services.hpp"
#include "config/sdk_schemas.hpp"
#include "runtime/answer_check.hpp"
#include "runtime/bound_connector.hpp"
#include "support/args.hpp"
#include "support/host_setup.hpp"
#include "support/process_stats.hpp"
#include "support/report_line.hpp"
#include "support/stats.hpp"

#include <atsync/sandbox/hmac.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>
#include <atsync/sdk/detail/json_io.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <functional>
#include <iostream>

#include <time.h>

namespace atsync::bench {
namespace {

namespace json = boost::json;

/// Host services that do nothing: the echo plugin never calls them.
class QuietServices final : public host::plugin::InstanceServices {
 public:
  void log(atsync_log_level, std::string_view) override {}
  void reportError(const sdk::Error&) override {}
  host::Expected<sdk::HttpResponse, sdk::Error> http(const sdk::HttpRequest&, std::span<const std::uint8_t>) override {
    return host::unexpected(sdk::Error{"not_supported", "no HTTP in this benchmark", false, std::nullopt, false});
  }
  std::optional<std::string> stateGet(std::string_view) override { return std::nullopt; }
  bool statePut(std::string_view, std::optional<std::string_view>) override { return true; }
  std::int64_t nowMs() override { return 0; }
};

/// A Lever opportunity as the SDK model carries it (sdk/schema/opportunity), about 1 KB serialised.
json::value opportunityDocument() {
  return json::parse(R"({
    "id": "8f3c2a1e-5b7d-4e9f-a1c3-2d4e6f8a0b1c", "contact_id": "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
    "person": {"name": "Ada Lovelace", "headline": "Staff Engineer at Analytical Engines",
               "location": "London, United Kingdom", "emails": ["ada@analytical.example", "ada.l@mail.example"],
               "phones": [{"type": "mobile", "value": "+44 20 7946 0958"}],
               "links": ["https://www.linkedin.com/in/ada-lovelace", "https://github.com/ada"]},
    "posting_id": "b1f0a7c2-2e3d-4f5a-8b6c-7d8e9f0a1b2c", "stage_id": "c1a7e2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d",
    "origin": "sourced", "sources": ["Kula", "LinkedIn"], "tags": ["atsync", "backend", "senior"],
    "owner": "8d49b010-cc6a-4f40-ace5-e86061c677ed", "archived": false,
    "created_at_ms": 1704067200000, "updated_at_ms": 1706745600000,
    "stage_changes": [{"to_stage_id": "lead-new", "at_ms": 1704067200000},
                      {"to_stage_id": "c1a7e2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d", "at_ms": 1706745600000}],
    "urls": {"show": "https://hire.lever.co/candidates/8f3c2a1e-5b7d-4e9f-a1c3-2d4e6f8a0b1c"}
  })");
}

std::int64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct PerCall {
  double wall = 0;
  double cpu = 0;
};

/// The median over `batches` of the mean ns per call of `fn` in a batch of `per_batch` calls (wall and CPU).
PerCall timePerCall(int batches, int per_batch, const std::function<void()>& fn) {
  for (int i = 0; i < per_batch; ++i) fn();  // warm-up
  std::vector<double> walls;
  std::vector<double> cpus;
  for (int b = 0; b < batches; ++b) {
    const auto c0 = threadCpuNs();
    const auto t0 = nowNs();
    for (int i = 0; i < per_batch; ++i) fn();
    walls.push_back(static_cast<double>(nowNs() - t0) / per_batch);
    cpus.push_back(static_cast<double>(threadCpuNs() - c0) / per_batch);
  }
  return {median(walls), median(cpus)};
}

double nsPerCall(int batches, int per_batch, const std::function<void()>& fn) {
  return timePerCall(batches, per_batch, fn).wall;
}

void require(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "boundary: " << what << "\n";
    std::exit(1);
  }
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  namespace host = atsync::host;
  const int batches = static_cast<int>(flagNumber(argc, argv, "batches", 15));
  const int per_batch = static_cast<int>(flagNumber(argc, argv, "calls", 2000));

  auto echo_plugin = host::plugin::loadPlugin(ATSYNC_BENCH_ECHO_PLUGIN);
  require(echo_plugin.has_value(), "cannot load " + std::string(ATSYNC_BENCH_ECHO_PLUGIN));
  auto echo = host::plugin::Instance::create(*echo_plugin, std::make_unique<QuietServices>(), {});
  require(echo.has_value(), "cannot create the echo instance");

  const json::value doc = opportunityDocument();
  const std::string text = json::serialize(doc);
  const json::value empty = json::object{};

  // A second instance driven through the raw table, to time the crossing without the host's JSON work.
  const atsync_plugin_api& api = (*echo_plugin)->api();
  QuietServices raw_services;
  atsync_instance* raw = nullptr;
  atsync_buffer error{nullptr, 0};
  require(api.on_instance_create(&host::plugin::hostApi(), reinterpret_cast<atsync_host_context*>(&raw_services), "{}",
                                 2, &raw, &error) == ATSYNC_STATUS_OK,
          "raw on_instance_create failed");
  std::string answer;
  auto crossing = [&](std::string_view operation, const std::string& input) {
    atsync_buffer out{nullptr, 0};
    atsync_buffer bytes{nullptr, 0};
    const auto status = api.on_invoke(raw, operation.data(), operation.size(), input.data(), input.size(), nullptr, 0,
                                      &out, &bytes);
    if (status == ATSYNC_STATUS_OK && answer.empty()) answer.assign(reinterpret_cast<const char*>(out.data), out.size);
    api.on_buffer_free(&out);
    api.on_buffer_free(&bytes);
  };
  crossing("echo", text);
  require(answer.size() == text.size(), "echo answered a different document");

  const PerCall whole_timed = timePerCall(batches, per_batch, [&] { (void)(*echo)->invoke("echo", doc); });
  const double whole = whole_timed.wall;
  // The parts, done the way Instance::invoke does them: the input serialised onto the stack (JsonText), the
  // answer parsed into an arena that travels with it (parseAnswer).
  const double serialize = nsPerCall(batches, per_batch, [&] {
    const atsync::sdk::detail::JsonText<> lent(doc);
    (void)lent.size();
  });
  const double cross = nsPerCall(batches, per_batch, [&] { crossing("echo", text); });
  const double parse = nsPerCall(batches, per_batch, [&] {
    boost::system::error_code ec;
    (void)host::plugin::parseAnswer(answer, ec);
  });
  const json::value parsed_answer = json::parse(answer);
  const double copy = nsPerCall(batches, per_batch, [&] { json::value c = parsed_answer; (void)c; });
  const PerCall noop_timed = timePerCall(batches, per_batch, [&] { (void)(*echo)->invoke("noop", empty); });
  const double noop_whole = noop_timed.wall;
  const std::string empty_text = "{}";
  const double noop_cross = nsPerCall(batches, per_batch, [&] { crossing("noop", empty_text); });
  api.on_instance_destroy(raw);

  // The real Lever plugin: webhook.parse of a signed candidateStageChange, the way ingress calls it.
  auto plugins = loadPlugins();
  host::runtime::InMemoryStateStore state;
  auto client = host::http::HttpClient::create();
  host::runtime::BoundConnectorContext context;
  context.connection_id = "boundary";
  context.client = client.value().get();
  context.state = &state;
  const std::string token = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d";
  const json::object lever_config{
      {"base_url", "http://127.0.0.1:9/v1"},
      {"auth", json::object{{"mode", "api_key"}, {"api_key", "bench-key"}}},
      {"perform_as", atsync::sandbox::lever::seed::kUserIntegration},
      {"webhook_signature_tokens", json::object{{"candidateStageChange", token}}}};
  auto lever = host::runtime::BoundConnector::open(plugins.find("lever"), lever_config, context);
  require(lever.has_value(), "cannot open the lever connector: " + (lever ? std::string() : lever.error()));
  const std::int64_t triggered_at = 1706745600123;
  const std::string delivery_token = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154";
  const std::string body = json::serialize(json::object{
      {"id", "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},
      {"event", "candidateStageChange"},
      {"triggeredAt", triggered_at},
      {"token", delivery_token},
      {"signature", atsync::sandbox::hmacSha256Hex(token, delivery_token + std::to_string(triggered_at))},
      {"data", json::object{{"opportunityId", "8f3c2a1e-5b7d-4e9f-a1c3-2d4e6f8a0b1c"},
                            {"candidateId", "8f3c2a1e-5b7d-4e9f-a1c3-2d4e6f8a0b1c"},
                            {"contactId", "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6"},
                            {"toStageId", "c1a7e2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d"},
                            {"fromStageId", "lead-new"}}}});
  const std::vector<atsync::sdk::Header> headers{{"Content-Type", "application/json"}, {"User-Agent", "Lever-Webhooks"}};
  const json::value input = json::object{{"headers", atsync::sdk::headersToJson(headers)}, {"received_at_ms", triggered_at + 200}};
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  auto check = (*lever)->invoke(atsync::sdk::op::kWebhookParse, input, bytes);
  require(check.has_value(), "webhook.parse failed: " + (check ? std::string() : check.error().message));
  require(check->document.as_object().at("events").as_array().size() == 1, "webhook.parse found no event");
  const PerCall lever_timed = timePerCall(batches, per_batch / 2, [&] {
    (void)(*lever)->invoke(atsync::sdk::op::kWebhookParse, input, bytes);
  });
  const double lever_parse = lever_timed.wall;
  // The host's schema check of that answer (runtime/answer_check.hpp), part of the figure above: its share.
  const auto& schemas = host::config::sdkSchemas();
  require(!host::runtime::checkAnswer(schemas, "lever", atsync::sdk::op::kWebhookParse, check->document),
          "the webhook.parse answer is off its schema");
  const PerCall check_timed = timePerCall(batches, per_batch / 2, [&] {
    (void)host::runtime::checkAnswer(schemas, "lever", atsync::sdk::op::kWebhookParse, check->document);
  });

  std::cout << "boundary (ns per call, median of " << batches << " batches of " << per_batch << "):\n"
            << "  echo " << text.size() << " B document, whole invoke: " << whole << " (thread CPU " << whole_timed.cpu
            << ")\n"
            << "    host serialize " << serialize << " + crossing with plugin work " << cross << " + host parse "
            << parse << " = " << serialize + cross + parse << " (one deep copy of the document: " << copy << ")\n"
            << "  noop ({} in, {} out), whole invoke: " << noop_whole << " (thread CPU " << noop_timed.cpu
            << "), raw crossing " << noop_cross << "\n"
            << "  lever webhook.parse of a signed " << body.size() << " B candidateStageChange: " << lever_parse
            << " (thread CPU " << lever_timed.cpu << "), of which the answer's schema check " << check_timed.wall
            << "\n";
  ReportLine report("boundary");
  report.set("document_bytes", text.size())
      .set("echo_ns", whole)
      .set("echo_cpu_ns", whole_timed.cpu)
      .set("serialize_ns", serialize)
      .set("crossing_ns", cross)
      .set("parse_ns", parse)
      .set("copy_ns", copy)
      .set("noop_ns", noop_whole)
      .set("noop_cpu_ns", noop_timed.cpu)
      .set("noop_crossing_ns", noop_cross)
      .set("lever_webhook_parse_ns", lever_parse)
      .set("lever_webhook_parse_cpu_ns", lever_timed.cpu)
      .set("answer_check_ns", check_timed.wall)
      .set("lever_body_bytes", body.size());
  report.print();
  return 0;
}
