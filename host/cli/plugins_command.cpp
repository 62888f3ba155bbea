// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"
#include "plugin/loader.hpp"

#include <boost/json.hpp>

#include <iomanip>
#include <iostream>

namespace atsync::host::cli {

int runPlugins(const Arguments& args) {
  const std::filesystem::path dir = args.value("--dir").value_or(defaultPluginDir().string());
  auto set = plugin::loadDirectory(dir);
  if (!set) {
    std::cerr << "atsync plugins: " << set.error() << "\n";
    return 2;
  }
  const std::string host_abi = plugin::AbiVersion{}.str();

  if (args.flag("--json")) {
    boost::json::array plugins;
    for (const auto& p : set->plugins) {
      const auto& m = p->manifest();
      boost::json::array caps;
      for (const auto& c : m.capabilities) caps.emplace_back(c);
      plugins.push_back({{"name", m.name},
                         {"version", m.version},
                         {"role", m.role},
                         {"display_name", m.display_name},
                         {"capabilities", std::move(caps)},
                         {"abi", p->abiVersion().str()},
                         {"file", p->file().string()}});
    }
    boost::json::array refused;
    for (const auto& r : set->refused) refused.push_back({{"file", r.file.string()}, {"reason", r.reason}});
    boost::json::object out{{"host_abi", host_abi}, {"dir", std::filesystem::absolute(dir).string()},
                            {"plugins", std::move(plugins)}, {"refused", std::move(refused)}};
    std::cout << boost::json::serialize(out) << "\n";
  } else {
    std::cout << "plugins in " << std::filesystem::absolute(dir).string() << " (host ABI " << host_abi << ")\n";
    if (set->plugins.empty()) std::cout << "  (none)\n";
    for (const auto& p : set->plugins) {
      const auto& m = p->manifest();
      std::cout << "  " << std::left << std::setw(10) << m.name << std::setw(10) << m.version << std::setw(10) << m.role
                << "ABI " << std::setw(6) << p->abiVersion().str() << p->file().string() << "\n";
      std::cout << "      capabilities: ";
      if (m.capabilities.empty()) std::cout << "(none yet)";
      for (size_t i = 0; i < m.capabilities.size(); ++i) std::cout << (i ? ", " : "") << m.capabilities[i];
      std::cout << "\n";
    }
  }
  for (const auto& r : set->refused) std::cerr << "refused: " << r.str() << "\n";
  return set->refused.empty() ? 0 : 1;
}

}  // namespace atsync::host::cli
