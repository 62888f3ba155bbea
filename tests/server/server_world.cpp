// SPDX-License-Identifier: Apache-2.0
#include "server_world.hpp"

#include "cli/loaded_plugin_catalog.hpp"
#include "config/config_loader.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

namespace atsync::testing {
namespace {

std::uint16_t freePort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::uint16_t port = probe.address().port();
  probe.close();
  return port;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

boost::json::value HttpAnswer::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

std::string HttpAnswer::header(const std::string& name) const {
  auto it = headers.find(lowercase(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpAnswer httpCall(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                    const std::map<std::string, std::string>& headers) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) request.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpAnswer out;
  out.status = static_cast<int>(response.getStatus());
  for (const auto& [k, v] : response) out.headers[lowercase(k)] = v;
  Poco::StreamCopier::copyToString(in, out.body);
  return out;
}

std::pair<std::uint16_t, std::string> splitUrl(const std::string& url) {
  Poco::URI uri(url);
  return {uri.getPort(), uri.getPathAndQuery()};
}

std::string queryValue(const std::string& url, const std::string& name) {
  for (const auto& [k, v] : Poco::URI(url).getQueryParameters()) {
    if (k == name) return v;
  }
  return {};
}

ServerWorld::ServerWorld(WorldOptions options) : options_(std::move(options)) {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() / ("atsync-server-test-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_);

  sandbox::lever::LeverSandbox::Options lever;
  lever.api_keys = {kLeverApiKey};
  lever.oauth_clients = {{kLeverClientId, kLeverClientSecret, {}}};
  lever.token_expires_in_s = options_.lever_token_expires_in_s;
  lever.rate_per_second = 0;
  lever_ = std::make_unique<sandbox::lever::LeverSandbox>(lever);
  lever_->start();

  sandbox::kula::KulaSandbox::Options kula;
  kula.api_key = kKulaApiKey;
  kula.webhook_secret = kKulaWebhookSecret;
  kula_ = std::make_unique<sandbox::kula::KulaSandbox>(kula);
  kula_->start();
}

ServerWorld::~ServerWorld() {
  app_.reset();
  if (kula_) kula_->stop();
  if (lever_) lever_->stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ServerWorld::start() {
  port_ = freePort();
  const std::string auth =
      options_.oauth
          ? "        auth:\n"
            "          mode: oauth\n"
            "          client_id: " + std::string(kLeverClientId) + "\n"
            "          client_secret: ${LEVER_CLIENT_SECRET}\n"
            "          authorize_url: " + lever_->authorizeUrl() + "\n"
            "          token_url: " + lever_->tokenUrl() + "\n"
            "          audience: " + lever_->baseUrl() + "/\n"
          : "        auth:\n"
            "          mode: api_key\n"
            "          api_key: ${LEVER_API_KEY}\n";
  const std::string yaml =
      "version: 1\n"
      "store: sqlite:" + (dir_ / "atsync.db").string() + "\n"
      "server:\n"
      "  listen: 127.0.0.1:" + std::to_string(port_) + "\n"
      "  public_url: http://127.0.0.1:" + std::to_string(port_) + "\n"
      "  admin_token: ${ATSYNC_ADMIN_TOKEN}\n"
      "plugins:\n"
      "  dir: " ATSYNC_BUILD_DIR "/plugins\n"
      "log:\n"
      "  level: debug\n"
      "  format: json\n" +
      std::string(options_.encryption_key ? "encryption_key: ${ATSYNC_ENCRYPTION_KEY}\n" : "") +
      "connections:\n"
      "  - id: acme\n"
      "    platform:\n"
      "      plugin: kula\n"
      "      config:\n"
      "        base_url: " + kula_->baseUrl() + "\n"
      "        api_key: ${KULA_API_KEY}\n"
      "        webhook_secret: ${KULA_WEBHOOK_SECRET}\n"
      "    ats:\n"
      "      plugin: lever\n"
      "      config:\n"
      "        base_url: " + lever_->baseUrl() + "\n" + auth +
      "        perform_as: " + std::string(sandbox::lever::seed::kUserIntegration) + "\n"
      "  - id: idle\n"
      "    enabled: false\n"
      "    platform:\n"
      "      plugin: kula\n"
      "      config:\n"
      "        base_url: " + kula_->baseUrl() + "\n"
      "        api_key: ${KULA_API_KEY}\n"
      "        webhook_secret: ${KULA_WEBHOOK_SECRET}\n"
      "    ats:\n"
      "      plugin: lever\n"
      "      config:\n"
      "        base_url: " + lever_->baseUrl() + "\n"
      "        auth:\n"
      "          mode: api_key\n"
      "          api_key: ${LEVER_API_KEY}\n"
      "        perform_as: x\n";

  config::MapEnvironment env({{"ATSYNC_ADMIN_TOKEN", kAdminToken},
                              {"ATSYNC_ENCRYPTION_KEY", kEncryptionKey},
                              {"KULA_API_KEY", options_.kula_api_key_in_config},
                              {"KULA_WEBHOOK_SECRET", kKulaWebhookSecret},
                              {"LEVER_API_KEY", kLeverApiKey},
                              {"LEVER_CLIENT_SECRET", kLeverClientSecret}});
  plugin::PluginSet plugins;
  std::unique_ptr<host::cli::LoadedPluginCatalog> catalog;
  auto provider = [&](const std::vector<std::filesystem::path>& dirs) -> const config::PluginCatalog* {
    auto set = plugin::loadDirectories(dirs);
    if (!set) return nullptr;
    plugins = std::move(*set);
    catalog = std::make_unique<host::cli::LoadedPluginCatalog>(plugins);
    return catalog.get();
  };
  auto loaded = config::loadConfigFromString(yaml, "server-test.yaml", config::CatalogProvider(provider), env);
  if (!loaded.ok()) return "config: " + loaded.report();

  app::AppOptions options;
  options.workers = 2;
  options.engine.connect_retry_ms = 200;
  options.wakeup_check_ms = 200;
  options.engine.base_backoff_ms = 20;
  options.engine.max_backoff_ms = 100;
  options.engine.max_attempts = 2;
  options.poll_interval_ms = 3600 * 1000;
  options.oauth_state_lifetime_ms = options_.oauth_state_lifetime_ms;
  options.reauthorization_check_ms = 100;
  options.log_sink = [this](std::string_view line) {
    std::lock_guard lock(log_mutex_);
    log_lines_.emplace_back(line);
  };
  auto app = app::HostApp::create(*loaded.config, std::move(plugins), options);
  if (!app) return app.error();
  app_ = std::move(*app);
  app_->start(true);
  return {};
}

HttpAnswer ServerWorld::call(const std::string& method, const std::string& target, const std::string& body,
                             std::map<std::string, std::string> headers) {
  if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
  return httpCall(port_, method, target, body, headers);
}

HttpAnswer ServerWorld::admin(const std::string& method, const std::string& target, const std::string& body) {
  return call(method, target, body, {{"Authorization", std::string("Bearer ") + kAdminToken}});
}

boost::json::object ServerWorld::adminJson(const std::string& method, const std::string& target,
                                           const std::string& body, int expected_status) {
  const auto answer = admin(method, target, body);
  EXPECT_EQ(answer.status, expected_status) << method << " " << target << ": " << answer.body;
  const auto doc = answer.json();
  EXPECT_TRUE(doc.is_object()) << answer.body;
  return doc.is_object() ? doc.get_object() : boost::json::object{};
}

std::string ServerWorld::startUrl() {
  const auto doc = adminJson("POST", "/api/v1/connections/acme/authorize", "{}");
  const auto* url = doc.if_contains("start_url");
  return url != nullptr && url->is_string() ? std::string(url->get_string()) : std::string();
}

HttpAnswer ServerWorld::startAuthorization() {
  auto start = call("GET", startUrl());
  // The browser keeps the binding cookie (name=value before the first ';') for the callback.
  const std::string cookie = start.header("Set-Cookie");
  browser_cookie_ = cookie.substr(0, cookie.find(';'));
  return start;
}

HttpAnswer ServerWorld::browserCall(const std::string& target) {
  std::map<std::string, std::string> headers;
  if (!browser_cookie_.empty()) headers["Cookie"] = browser_cookie_;
  return call("GET", target, {}, headers);
}

std::string ServerWorld::authorizeAtLever(const std::string& decision) {
  const auto start = startAuthorization();
  EXPECT_EQ(start.status, 302) << start.body;
  const std::string authorize = start.header("Location");
  auto [lever_port, target] = splitUrl(authorize + "&auto=" + decision);
  EXPECT_EQ(lever_port, lever_->port());
  const auto consent = httpCall(lever_port, "GET", target);
  EXPECT_EQ(consent.status, 302) << consent.body;
  return consent.header("Location");
}

HttpAnswer ServerWorld::authorize() {
  const std::string callback = authorizeAtLever("approve");
  auto [port, target] = splitUrl(callback);
  EXPECT_EQ(port, port_) << "Lever redirects to public_url/oauth/callback: " << callback;
  return browserCall(target);
}

bool ServerWorld::waitFor(const std::function<bool()>& predicate, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return predicate();
}

std::vector<std::string> ServerWorld::logLines() const {
  std::lock_guard lock(log_mutex_);
  return log_lines_;
}

std::vector<std::uint8_t> ServerWorld::storeFileBytes() const {
  std::vector<std::uint8_t> bytes;
  // The WAL holds recent commits until a checkpoint: read it too.
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(dir_ / (std::string("atsync.db") + suffix), std::ios::binary);
    bytes.insert(bytes.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return bytes;
}

}  // namespace atsync::testing
