// SPDX-License-Identifier: Apache-2.0
// Scale of tenants: the memory an idle connection costs. One run builds a HostApp with N connections (each a Kula and
// a Lever connector: plugin instances, HTTP lanes, metrics, a Lane) against the sandboxes, connects
// them (stage lists read, mapping built and stored), then lets the engine idle for a few seconds. RSS before, after
// creating and after connecting, divided by N; plus the CPU the idle engine burns.
// One N per process (RSS never shrinks, so runs must not share a process); bench/run repeats it for the median.
// The sandboxes run in their own process.

#include "app/host_app.hpp"
#include "support/args.hpp"
#include "support/host_setup.hpp"
#include "support/process_stats.hpp"
#include "support/remote_sandboxes.hpp"
#include "support/report_line.hpp"

#include <chrono>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  using namespace atsync::bench;
  namespace host = atsync::host;
  const int connections = static_cast<int>(flagNumber(argc, argv, "connections", 1000));
  const double connect_budget_s = flagNumber(argc, argv, "connect-budget-s", 60);
  const double idle_s = flagNumber(argc, argv, "idle-seconds", 3);
  const auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };

  RemoteSandboxes sandboxes({"--lever-seed=empty"});
  ScratchDir dir("atsync-bench-tenants");
  auto plugins = loadPlugins();
  // Before the config: the connections' config sections are kept by the host, so they are part of a tenant's cost.
  const long rss_base = rssKib();
  auto config = hostConfig(dir.path() / "tenants.db", pluginDir());
  for (int i = 0; i < connections; ++i) {
    config.connections.push_back(connectionConfig("tenant-" + std::to_string(i), sandboxes.urls()));
  }
  const auto t0 = nowNs();
  auto app = host::app::HostApp::create(std::move(config), std::move(plugins));
  if (!app) {
    std::cerr << "tenants: " << app.error() << "\n";
    return 1;
  }
  const double create_s = (nowNs() - t0) / 1e9;
  const long rss_created = rssKib();

  const auto t1 = nowNs();
  int connected = 0;
  for (auto* connection : (*app)->lanes().all()) {
    if ((nowNs() - t1) / 1e9 > connect_budget_s) break;
    if (connection->connect(now_ms())) ++connected;
  }
  const double connect_s = (nowNs() - t1) / 1e9;
  const long rss_connected = rssKib();

  // Idle: the engine's workers running, no traffic. Connections not connected above would connect now, so this
  // is only measured when all did.
  double idle_cpu_fraction = -1;
  if (connected == connections) {
    (*app)->start(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto cpu0 = processCpu();
    const auto i0 = nowNs();
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(idle_s * 1000)));
    idle_cpu_fraction = (processCpu().total() - cpu0.total()) / ((nowNs() - i0) / 1e9);
    (*app)->stop();
  }
  const long rss_idle = rssKib();

  const double per_created = static_cast<double>(rss_created - rss_base) / connections;
  const double per_connected = connected > 0 ? static_cast<double>(rss_connected - rss_base) / connected : 0;
  std::cout << "tenants: " << connections << " connections: created in " << create_s << " s, " << connected
            << " connected in " << connect_s << " s\n"
            << "  RSS base " << rss_base << " KiB, created " << rss_created << ", connected " << rss_connected
            << ", after idling " << rss_idle << "\n"
            << "  per connection: " << per_created << " KiB created, " << per_connected << " KiB connected\n"
            << "  idle engine CPU: " << idle_cpu_fraction * 100 << " % of one core\n";
  ReportLine report("tenants");
  report.set("connections", connections)
      .set("connected", connected)
      .set("create_s", create_s)
      .set("connect_s", connect_s)
      .set("rss_base_kib", rss_base)
      .set("rss_created_kib", rss_created)
      .set("rss_connected_kib", rss_connected)
      .set("rss_idle_kib", rss_idle)
      .set("kib_per_connection_created", per_created)
      .set("kib_per_connection_connected", per_connected)
      .set("idle_cpu_fraction", idle_cpu_fraction);
  app->reset();
  sandboxes.stop();
  report.print();
  return 0;
}
