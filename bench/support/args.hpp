// SPDX-License-Identifier: Apache-2.0
#pragma once

// `--name=value` flags of the benchmark programs (bench/run passes them; defaults are the figures).

#include <cstdlib>
#include <string>
#include <string_view>

namespace atsync::bench {

inline std::string flag(int argc, char** argv, std::string_view name, std::string fallback) {
  const std::string prefix = "--" + std::string(name) + "=";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg.substr(0, prefix.size()) == prefix) return std::string(arg.substr(prefix.size()));
  }
  return fallback;
}

inline double flagNumber(int argc, char** argv, std::string_view name, double fallback) {
  const std::string text = flag(argc, argv, name, "");
  return text.empty() ? fallback : std::strtod(text.c_str(), nullptr);
}

}  // namespace atsync::bench
