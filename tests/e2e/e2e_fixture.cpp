// SPDX-License-Identifier: Apache-2.0
#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

namespace atsync::e2e {
namespace {

constexpr char kKulaKey[] = "e2e-kula-key";
constexpr const char* kKulaSecret = kKulaWebhookSecret;
constexpr char kOAuthEncryptionKey[] = "e2e-encryption-key-0123456789abcdef";

std::string noteText(const lever::Note& note) {
  std::string text;
  for (const auto& f : note.fields) text += (text.empty() ? "" : "\n") + f.value;
  return text;
}

std::int64_t countOf(const boost::json::object& status, const char* table, const char* key) {
  const auto* t = status.if_contains(table);
  if (t == nullptr || !t->is_object()) return 0;
  const auto* v = t->get_object().if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

}  // namespace

unsigned scenarioSeed() {
  if (const char* fixed = std::getenv("ATSYNC_E2E_SEED"); fixed != nullptr && *fixed != '\0') {
    return static_cast<unsigned>(std::stoul(fixed));
  }
  return std::random_device{}();
}

void EndToEnd::SetUp() {
  std::random_device random;
  dir_ = std::filesystem::temp_directory_path() /
         ("atsync-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(random() % 1000000));
  std::filesystem::create_directories(dir_);
}

void EndToEnd::TearDown() {
  std::string host_output;
  if (host_) {
    host_->kill9();  // a host still running
    host_output = host_->output();
    host_.reset();
  }
  // Sanitizer builds: what the children reported is a failure of this test, even when the scenario converged.
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    EXPECT_EQ(host_output.find(marker), std::string::npos) << "atsync run reported: " << marker;
  }
  if (HasFailure()) std::cerr << "---- atsync run output ----\n" << host_output << "---- end ----\n";
  if (kula_) kula_->stop();
  if (ats_) ats_->stop();
  std::error_code ec;
  if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
}

void EndToEnd::startSandboxes(const WorldOptions& options) {
  host_port_ = freePort();
  const std::string hooks = "http://127.0.0.1:" + std::to_string(host_port_) + "/hooks/" + kConnection + "/";
  ats_ = makeAtsSide(atsPlugin());
  ats_->start(options, hooks + ats_->plugin());
  kula::KulaSandbox::Options ko;
  ko.seed = options.kula_seed;
  ko.api_key = kKulaKey;
  ko.flow_postings = {{kFlow, ats_->flowPostingId()}};
  ko.webhook_url = hooks + "kula";
  ko.webhook_secret = kKulaSecret;
  ko.delivery.retry_base_delay_ms = 100;
  ko.reorder_hold_ms = options.kula_reorder_hold_ms;
  kula_ = std::make_unique<kula::KulaSandbox>(ko);
  kula_->start();
  config_file_ = dir_ / "atsync.yaml";
  writeConfig(options);
  host_ = std::make_unique<HostProcess>(config_file_.string(), host_port_);
}

void EndToEnd::writeConfig(const WorldOptions& options) { writeConfigTo(config_file_, host_port_, options); }

std::filesystem::path EndToEnd::writeConfigFor(const WorldOptions& options, std::uint16_t port, const std::string& name) {
  const auto path = dir_ / (name + ".yaml");
  writeConfigTo(path, port, options);
  return path;
}

void EndToEnd::writeConfigTo(const std::filesystem::path& file, std::uint16_t port, const WorldOptions& options) {
  const std::string host = "127.0.0.1:" + std::to_string(port);
  std::ofstream y(file);
  y << "version: 1\n"
    << "store: " << (options.store_url.empty() ? "sqlite:" + (dir_ / "atsync.db").string() : options.store_url) << "\n"
    << "server:\n  listen: " << host << "\n  public_url: " << options.public_scheme << "://" << host
    << "\n  admin_token: " << kAdminToken << "\n"
    << options.server_yaml
    << "retry:\n  base_backoff_ms: " << options.base_backoff_ms << "\n"
    << "plugins:\n  dir: " << testing::pluginDir() << "\n";
  // OAuth tokens are only ever stored sealed: an OAuth world needs a key even when the test names none.
  const std::string key = !options.encryption_key.empty() ? options.encryption_key
                          : options.ats_oauth           ? std::string(kOAuthEncryptionKey)
                                                          : std::string();
  if (!key.empty()) y << "encryption_key: " << key << "\n";
  if (!options.previous_encryption_keys.empty()) {
    y << "previous_encryption_keys:\n";
    for (const auto& previous : options.previous_encryption_keys) y << "  - " << previous << "\n";
  }
  y << "connections:\n"
    << "  - id: " << kConnection << "\n"
    << (options.connection_enabled ? "" : "    enabled: false\n")
    << "    poll_interval_s: " << options.poll_interval_s << "\n"
    << "    platform:\n      plugin: kula\n      config:\n"
    << "        base_url: " << kula_->baseUrl() << "\n"
    << "        api_key: " << kKulaKey << "\n"
    << "        webhook_secret: " << kKulaSecret << "\n"
    << ats_->configYaml(options);
}

void EndToEnd::startHost(std::chrono::seconds ready_within) {
  ASSERT_TRUE(host_->start()) << host_->output();
  ASSERT_TRUE(host_->waitReady(ready_within)) << "not ready within " << ready_within.count() << " s\n" << host_->output();
}

void EndToEnd::authorizeAts() {
  const std::string host_url = "http://127.0.0.1:" + std::to_string(host_port_);
  const auto minted = httpCall(host_url + "/api/v1/connections/" + kConnection + "/authorize", "POST", "{}",
                               {{"Authorization", std::string("Bearer ") + kAdminToken}});
  ASSERT_EQ(minted.status, 200) << minted.body;
  const auto start = httpCall(host_url + std::string(boost::json::parse(minted.body).at("start_url").as_string()));
  ASSERT_EQ(start.status, 302) << start.body;
  const std::string cookie = start.header("set-cookie").substr(0, start.header("set-cookie").find(';'));
  const std::string to_ats = start.header("location");
  EXPECT_FALSE(queryParam(to_ats, "scope").empty());
  // The ATS's consent page, approved: it sends the browser back with a code, not an error (an unknown scope is one).
  const auto consent = httpCall(to_ats + "&auto=approve");
  ASSERT_EQ(consent.status, 302) << consent.body;
  const std::string back = consent.header("location");
  EXPECT_EQ(queryParam(back, "error"), "") << queryParam(back, "error_description");
  ASSERT_FALSE(queryParam(back, "code").empty()) << back;
  const auto callback = httpCall(back, "GET", {}, {{"Cookie", cookie}});
  ASSERT_EQ(callback.status, 200) << callback.body;
}

void EndToEnd::setWebhooksDropped(bool dropped) {
  auto knobs = kula_->deliveryKnobs();
  knobs.drop = dropped;
  kula_->setDeliveryKnobs(knobs);
  ats_->setWebhooksDropped(dropped);
}

void EndToEnd::startHostServing() {
  ASSERT_TRUE(host_->start()) << host_->output();
  ASSERT_TRUE(waitFor([&] { return httpGetStatus(host_port_, "/healthz") == 200; }, std::chrono::seconds(20)))
      << host_->output();
}

testing::ProcessResult EndToEnd::atsync(const std::vector<std::string>& args) {
  std::vector<std::string> full = args;
  full.insert(full.begin() + 1, {"-c", config_file_.string()});
  return testing::runProcess(testing::atsyncBinary(), full);
}

boost::json::object EndToEnd::status() {
  auto result = atsync({"status", "--json"});
  boost::system::error_code ec;
  auto doc = boost::json::parse(result.out, ec);
  if (ec || result.exit_code != 0 || !doc.is_object()) return {};
  for (const auto& c : doc.at("connections").as_array()) {
    if (c.at("id").as_string() == kConnection) return c.as_object();
  }
  return {};
}

bool EndToEnd::waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

bool EndToEnd::waitQuiet(std::chrono::milliseconds timeout) {
  int quiet = 0;
  return waitFor(
      [&] {
        bool now_quiet = kula_->waitForDeliveries(std::chrono::milliseconds(1)) &&
                         ats_->deliveriesSettled();
        if (now_quiet) {
          const auto s = status();
          now_quiet = !s.empty() && countOf(s, "inbox", "pending") == 0 && countOf(s, "commands", "pending") == 0 &&
                      countOf(s, "commands", "in_flight") == 0;
        }
        quiet = now_quiet ? quiet + 1 : 0;
        if (quiet < 3) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return quiet >= 3;
      },
      timeout);
}

std::vector<lever::Opportunity> EndToEnd::leverOpportunities(const std::string& email) const {
  return leverSandbox().state().opportunitiesByEmail(email);
}

std::vector<std::string> EndToEnd::leverNoteTexts(const std::string& opportunity_id) const {
  std::vector<std::string> out;
  for (const auto& n : leverSandbox().state().notes(opportunity_id)) {
    if (!n.deleted_at_ms) out.push_back(noteText(n));
  }
  return out;
}

int EndToEnd::leverNotesContaining(const std::string& opportunity_id, const std::string& text) const {
  int n = 0;
  for (const auto& t : leverNoteTexts(opportunity_id)) n += t.find(text) != std::string::npos ? 1 : 0;
  return n;
}

std::vector<lever::File> EndToEnd::leverFiles(const std::string& opportunity_id, const std::string& name) const {
  std::vector<lever::File> out;
  for (const auto& f : leverSandbox().state().files(opportunity_id)) {
    if (!f.deleted_at_ms && f.name == name) out.push_back(f);
  }
  return out;
}

int EndToEnd::leverNotesAnywhere(const std::string& text) const {
  int n = 0;
  for (const auto& o : leverSandbox().state().opportunities()) n += leverNotesContaining(o.id, text);
  return n;
}

std::string EndToEnd::newKulaCandidate(const std::string& name, const std::string& email) {
  kula::CandidateInput in;
  in.name = name;
  in.emails = {email};
  in.headline = "Engineer";
  auto created = kula_->store().createCandidate(in);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return created.ok() ? created->id : std::string();
}

std::string EndToEnd::waitLinked(const std::string& candidate_id, std::chrono::milliseconds timeout) {
  std::string id;
  waitFor(
      [&] {
        auto c = kulaCandidate(candidate_id);
        if (!c || !c->ats || !ats_->opportunity(c->ats->opportunity_id)) return false;
        id = c->ats->opportunity_id;
        return true;
      },
      timeout);
  return id;
}

}  // namespace atsync::e2e
