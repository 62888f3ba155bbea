// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"

#if ATSYNC_HAVE_DEMO
#include "demo/demo_scenario.hpp"
#endif

#include <iostream>

namespace atsync::host::cli {

int runDemo(const Arguments& args) {
#if ATSYNC_HAVE_DEMO
  demo::DemoOptions options;
  options.plugin_dir = args.value("--plugins").value_or(defaultPluginDir().string());
  return demo::runDemoScenario(options, std::cout, std::cerr);
#else
  (void)args;
  std::cerr << "atsync demo: this build has no sandboxes (built with ATSYNC_SKIP_PARTS), so no demo scenario\n";
  return 1;
#endif
}

}  // namespace atsync::host::cli
