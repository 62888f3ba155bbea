// SPDX-License-Identifier: Apache-2.0
#include "cli/arguments.hpp"

#include <sstream>

namespace atsync::host::cli {

Expected<Arguments, std::string> parseArguments(const VerbSpec& verb, const std::vector<std::string>& args) {
  Arguments parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.values_["--help"].emplace_back("");
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.positionals_.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& o : verb.options) {
      if (o.long_name == name || (!o.short_name.empty() && o.short_name == name)) spec = &o;
    }
    if (spec == nullptr) {
      return unexpected("atsync " + verb.name + ": unknown option '" + name + "' (see 'atsync " + verb.name + " --help')");
    }
    if (spec->value_name.empty()) {
      if (inline_value) return unexpected("atsync " + verb.name + ": option '" + spec->long_name + "' takes no value");
      parsed.values_[spec->long_name].emplace_back("");
      continue;
    }
    if (inline_value) {
      parsed.values_[spec->long_name].push_back(*inline_value);
    } else if (i + 1 < args.size()) {
      parsed.values_[spec->long_name].push_back(args[++i]);
    } else {
      return unexpected("atsync " + verb.name + ": option '" + spec->long_name + "' needs a value (" + spec->value_name + ")");
    }
  }
  return parsed;
}

std::string helpText(const VerbSpec& verb) {
  std::ostringstream out;
  out << "usage: " << verb.usage << "\n\n" << verb.summary << "\n";
  if (!verb.options.empty()) {
    out << "\noptions:\n";
    for (const auto& o : verb.options) {
      std::string left = "  " + (o.short_name.empty() ? std::string() : o.short_name + ", ") + o.long_name;
      if (!o.value_name.empty()) left += " " + o.value_name;
      out << left;
      out << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << o.help << "\n";
    }
  }
  out << "  -h, --help                help for this command\n";
  return out.str();
}

}  // namespace atsync::host::cli
