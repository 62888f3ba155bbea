// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small command-line parser: each verb declares its options; unknown options and missing values are errors
// that name the option and the verb.

#include <atsync/host/common/expected.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace atsync::host::cli {

struct OptionSpec {
  std::string long_name;     ///< "--config"
  std::string short_name;    ///< "-c" or empty
  std::string value_name;    ///< "FILE"; empty for a flag
  std::string help;
};

struct VerbSpec {
  std::string name;
  std::string usage;         ///< "atsync check -c FILE"
  std::string summary;
  std::vector<OptionSpec> options;
};

class Arguments {
 public:
  bool flag(const std::string& long_name) const { return values_.count(long_name) != 0; }
  std::optional<std::string> value(const std::string& long_name) const {
    auto it = values_.find(long_name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  /// Every value of a repeatable option, in order (empty ones left out).
  std::vector<std::string> values(const std::string& long_name) const {
    std::vector<std::string> out;
    if (auto it = values_.find(long_name); it != values_.end()) {
      for (const auto& v : it->second) {
        if (!v.empty()) out.push_back(v);
      }
    }
    return out;
  }
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend Expected<Arguments, std::string> parseArguments(const VerbSpec&, const std::vector<std::string>&);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

/// Parses the arguments after the verb. `--help`/`-h` is always accepted as a flag named "--help".
Expected<Arguments, std::string> parseArguments(const VerbSpec& verb, const std::vector<std::string>& args);

/// The help text of a verb: usage, summary and options.
std::string helpText(const VerbSpec& verb);

}  // namespace atsync::host::cli
