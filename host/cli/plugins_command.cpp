// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"
#include "plugin/loader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>

namespace atsync::host::cli {

int runPlugins(const Arguments& args) {
  auto dirs = pluginDirsOption(args, "plugins");
  if (dirs.empty()) dirs.push_back(defaultPluginDir());
  for (auto& d : dirs) d = std::filesystem::absolute(d);
  auto set = plugin::loadDirectories(dirs);
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
    boost::json::array dir_list;
    for (const auto& d : dirs) dir_list.emplace_back(d.string());
    // "dir" is the first folder, as before several were allowed; "dirs" all of them.
    boost::json::object out{{"host_abi", host_abi}, {"dir", dirs.front().string()}, {"dirs", std::move(dir_list)},
                            {"plugins", std::move(plugins)}, {"refused", std::move(refused)}};
    std::cout << boost::json::serialize(out) << "\n";
  } else {
    std::cout << "plugins in ";
    for (std::size_t i = 0; i < dirs.size(); ++i) std::cout << (i ? ", " : "") << dirs[i].string();
    std::cout << " (host ABI " << host_abi << ")\n";
    if (set->plugins.empty()) std::cout << "  (none)\n";
    // Columns as wide as their longest value and two spaces apart: a name of ten characters or more ran into its
    // version ("workable-like0.1.0").
    std::size_t name_width = 0;
    std::size_t version_width = 0;
    for (const auto& p : set->plugins) {
      name_width = std::max(name_width, p->manifest().name.size());
      version_width = std::max(version_width, p->manifest().version.size());
    }
    for (const auto& p : set->plugins) {
      const auto& m = p->manifest();
      std::cout << "  " << std::left << std::setw(static_cast<int>(name_width + 2)) << m.name
                << std::setw(static_cast<int>(version_width + 2)) << m.version << std::setw(10) << m.role << "ABI "
                << std::setw(6) << p->abiVersion().str() << p->file().string() << "\n";
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
