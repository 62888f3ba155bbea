// SPDX-License-Identifier: Apache-2.0
// `${VAR}` expansion of one config scalar (host/config/env_expand.hpp). Errors are values. Invariants: text
// without '$' comes back unchanged, with no variable used and no error; a variable reported as used has a name.

#include "fuzz_support.hpp"

#include "config/env_expand.hpp"

namespace {

namespace config = atsync::host::config;

config::MapEnvironment environment() {
  config::MapEnvironment env;
  env.set("HOME", "/root");
  env.set("EMPTY", "");
  env.set("A", "${B}");  // values are never expanded again
  env.set("B", "$${literal}");
  env.set("LEVER_API_KEY", "lever-key");
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const config::MapEnvironment env = environment();
  const std::string_view input = atsync::fuzz::asText(data, size);
  try {
    const auto result = config::expandVariables(input, env);
    if (input.find('$') == std::string_view::npos) {
      ATSYNC_FUZZ_CHECK(result.text == input && result.used.empty() && result.errors.empty());
    }
    for (const auto& name : result.used) ATSYNC_FUZZ_CHECK(!name.empty());
  } catch (const std::exception& e) {
    atsync::fuzz::unexpectedException(e);
  }
  return 0;
}
