// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace atsync::host::config {

// Where `${VAR}` values come from. An interface so that tests inject variables instead of mutating the
// process environment (which is shared by every test in the binary and not thread-safe).
class Environment {
public:
  virtual ~Environment() = default;
  // std::nullopt when the variable is not set; an empty string is a set (empty) variable.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
};

// The real process environment (getenv).
class ProcessEnvironment final : public Environment {
public:
  std::optional<std::string> get(std::string_view name) const override;
};

// A fixed set of variables, for tests and for `atsync check` dry runs.
class MapEnvironment final : public Environment {
public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string, std::less<>> vars) : vars_(std::move(vars)) {}

  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  std::optional<std::string> get(std::string_view name) const override;

private:
  std::map<std::string, std::string, std::less<>> vars_;
};

} // namespace atsync::host::config
