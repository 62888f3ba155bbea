// SPDX-License-Identifier: Apache-2.0
#include "demo_world.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace atsync::demo {
namespace {

constexpr char kEncryptionKey[] = "demo-encryption-key-not-a-secret-0123456789";

/// A loopback port nobody listens on now. atsync binds it a moment later; its URL must be known before it starts
/// (Kula's and Greenhouse's webhooks point at it), so port 0 would not do. The sandboxes take port 0 and print
/// where they listen.
std::uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::uint16_t port = socket.address().port();
  socket.close();
  return port;
}

std::filesystem::path makeFolder() {
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int i = 0; i < 100; ++i) {
    auto dir = base / ("atsync-demo-" + std::to_string(::getpid()) + "-" + std::to_string(random() % 1000000));
    if (std::filesystem::create_directory(dir)) return dir;
  }
  throw std::runtime_error("cannot create a folder in " + base.string());
}

std::string lastLines(const std::filesystem::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "  " + all[i] + "\n";
  return out;
}

}  // namespace

DemoWorld::DemoWorld(WorldOptions options, std::unique_ptr<AtsSandbox> ats)
    : options_(std::move(options)), ats_(std::move(ats)) {}

DemoWorld::~DemoWorld() {
  atsync_process_.reset();
  kula_process_.reset();
  ats_process_.reset();
  if (!options_.keep && !folder_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
}

std::filesystem::path DemoWorld::executable(const std::string& name) const {
  const auto path = options_.bin_dir / name;
  if (::access(path.c_str(), X_OK) != 0) {
    throw std::runtime_error(name + " not found in " + options_.bin_dir.string() +
                             " (it is built with the sandboxes; --bin DIR says where they are)");
  }
  return path;
}

std::string DemoWorld::startSandbox(ChildProcess& child, const std::string& program,
                                    const std::vector<std::string>& args) {
  child.start(executable(program), args);
  auto url = child.firstLine(std::chrono::seconds(20));
  if (!url || url->rfind("http://", 0) != 0) {
    throw std::runtime_error(program + " did not start (see " + child.logFile().string() + "):\n" +
                             lastLines(child.logFile(), 10));
  }
  return *url;
}

void DemoWorld::start() {
  folder_ = makeFolder();
  host_port_ = freePort();
  const std::string hooks = hostUrl() + "/hooks/" + kConnection + "/";
  admin_ = std::make_unique<AtsyncAdmin>(hostUrl(), kAdminToken, kConnection);

  ats_process_ = std::make_unique<ChildProcess>(ats_->program(), folder_ / (ats_->plugin() + "-sandbox.log"));
  const std::string ats_url = startSandbox(*ats_process_, ats_->program(), ats_->arguments(hooks + ats_->plugin()));
  if (auto error = ats_->attach(ats_url); !error.empty()) throw std::runtime_error(error);

  kula_process_ = std::make_unique<ChildProcess>("atsync-sandbox-kula", folder_ / "kula-sandbox.log");
  kula_.attach(startSandbox(*kula_process_, "atsync-sandbox-kula",
                            KulaSandbox::arguments(hooks + "kula", ats_->flowPostingId())));
  writeConfig();
}

void DemoWorld::writeConfig() const {
  const std::string listen = "127.0.0.1:" + std::to_string(host_port_);
  std::ofstream y(configFile());
  y << "# Written by atsync-demo: the two sandboxes on this machine, a SQLite store in this folder.\n"
    << "version: 1\n"
    << "store: sqlite:" << (folder_ / "atsync.db").string() << "\n"
    << "server:\n"
    << "  listen: " << listen << "\n"
    << "  public_url: http://" << listen << "\n"
    << "  admin_token: " << kAdminToken << "\n"
    // Sandboxes answer in microseconds: short retry delays keep the demo brisk without changing what it shows.
    << "retry:\n"
    << "  base_backoff_ms: 200\n"
    << "  max_backoff_ms: 2000\n"
    << "plugins:\n"
    << "  dir: " << std::filesystem::absolute(options_.plugin_dir).string() << "\n"
    // OAuth tokens are only ever stored sealed.
    << "encryption_key: " << kEncryptionKey << "\n"
    << "connections:\n"
    << "  - id: " << kConnection << "\n"
    << "    poll_interval_s: 2\n"
    << "    platform:\n"
    << "      plugin: kula\n"
    << "      config:\n"
    << "        base_url: " << kula_.baseUrl() << "\n"
    << "        api_key: " << KulaSandbox::kApiKey << "\n"
    << "        webhook_secret: " << KulaSandbox::kWebhookSecret << "\n"
    << ats_->configYaml();
  if (!y) throw std::runtime_error("cannot write " + configFile().string());
}

void DemoWorld::startAtsync() {
  atsync_process_ = std::make_unique<ChildProcess>("atsync run", folder_ / "atsync.log");
  atsync_process_->start(executable("atsync"), {"run", "-c", configFile().string()});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!atsync_process_->running()) break;
    if (httpGet(hostUrl() + "/healthz").status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("atsync run did not start serving (see " + (folder_ / "atsync.log").string() + "):\n" +
                           lastLines(folder_ / "atsync.log", 15));
}

int DemoWorld::stopAtsync() {
  if (!atsync_process_) return 0;
  const int code = atsync_process_->stop();
  atsync_process_.reset();
  return code;
}

ImportOutcome DemoWorld::runImport() {
  ChildProcess import("atsync import", folder_ / "atsync.log");
  import.start(executable("atsync"), {"import", "-c", configFile().string(), "--connection", kConnection});
  ImportOutcome outcome;
  outcome.exit_code = import.waitExit(std::chrono::minutes(3)).value_or(-1);
  std::istringstream out(import.stdoutText());
  for (std::string line; std::getline(out, line);) {
    // A progress bar redraws with carriage returns: the last drawing is what a terminal would show.
    if (auto cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);
    if (!line.empty()) outcome.last_line = line;
  }
  return outcome;
}

std::string DemoWorld::atsyncLogTail(std::size_t lines) const { return lastLines(folder_ / "atsync.log", lines); }

}  // namespace atsync::demo
