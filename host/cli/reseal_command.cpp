// SPDX-License-Identifier: Apache-2.0
// `atsync reseal`: the last step of an encryption key rotation (docs/operations.md).
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"
#include "secrets/key_ring.hpp"
#include "secrets/reseal.hpp"
#include "store/store.hpp"

#include <exception>
#include <iostream>

namespace atsync::host::cli {
namespace {

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

int runReseal(const Arguments& args) {
  const auto file = args.value("--config");
  if (!file) {
    std::cerr << "atsync reseal: missing -c FILE (see 'atsync reseal --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("reseal", *file, pluginDirsOption(args, "reseal"));
  if (!loaded) return 1;
  const auto& config = loaded->config;
  if (!config.encryption_key) {
    std::cerr << "atsync reseal: " << *file
              << " has no encryption_key, the key to seal with (encryption_key: ${ATSYNC_ENCRYPTION_KEY})\n";
    return 1;
  }
  auto keys = secrets::KeyRing::fromSecrets(*config.encryption_key, config.previous_encryption_keys);
  if (!keys) {
    std::cerr << "atsync reseal: " << keys.error() << "\n";
    return 1;
  }
  auto store = store::openStore(config.store.url);
  if (!store) {
    std::cerr << "atsync reseal: store: " << store.error() << "\n";
    return 1;
  }
  Expected<secrets::ResealReport, std::string> report = secrets::ResealReport{};
  try {
    report = secrets::reseal(**store, *keys);
  } catch (const std::exception& e) {
    std::cerr << "atsync reseal: store: " << e.what() << "; nothing was changed\n";
    return 1;
  }
  if (!report) {
    std::cerr << "atsync reseal: " << report.error()
              << "; nothing was changed (add the key it was sealed with to previous_encryption_keys)\n";
    return 1;
  }
  std::cout << "resealed " << plural(report->state_values, "plugin state value", "plugin state values") << " ("
            << report->state_values_previous_key << " under a previous key, " << report->state_values_plaintext
            << " in plaintext) and " << plural(report->token_rows, "OAuth token row", "OAuth token rows") << " ("
            << report->token_rows_previous_key << " under a previous key) with the current encryption_key, in one "
            << "transaction\n"
            << "every sealed value now opens with encryption_key alone: previous_encryption_keys can be removed\n";
  return 0;
}

}  // namespace atsync::host::cli
