// SPDX-License-Identifier: Apache-2.0
#pragma once

// What every harness shares: the input as text, splitting it into the parts a parser takes, and the rule that
// only the errors a parser documents are fine. Anything else (another exception type, a broken invariant) must
// stop the run loudly so libFuzzer saves the input and the replay smoke test fails.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <utility>

namespace atsync::fuzz {

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits at the first `separator`: (before, after). Without one, everything is `before` and `after` is empty.
inline std::pair<std::string_view, std::string_view> splitOnce(std::string_view text, std::string_view separator) {
  const auto at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

/// ATSYNC_FUZZ_DEBUG=1 prints each documented refusal: for checking that a new seed gets as far as meant.
inline bool debugEnabled() {
  static const bool enabled = std::getenv("ATSYNC_FUZZ_DEBUG") != nullptr;
  return enabled;
}

/// A broken invariant: print why, then trap (a crash libFuzzer records with its input).
[[noreturn]] inline void invariantBroken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::fflush(stderr);
  __builtin_trap();
}

/// An exception the parser does not document: name it, then trap.
[[noreturn]] inline void unexpectedException(const std::exception& e) {
  std::fprintf(stderr, "fuzz: unexpected exception: %s\n", e.what());
  std::fflush(stderr);
  __builtin_trap();
}

#define ATSYNC_FUZZ_CHECK(cond) \
  do {                          \
    if (!(cond)) ::atsync::fuzz::invariantBroken(#cond " (" __FILE__ ")"); \
  } while (false)

/// Runs `body`; `Expected` (the documented error type) is fine, any other exception traps.
template <class Expected, class Body>
void allowing(Body&& body) {
  try {
    body();
  } catch (const Expected& e) {
    // Documented refusal of bad input: exactly what the parser should do.
    if (debugEnabled()) std::fprintf(stderr, "refused: %s\n", e.what());
  } catch (const std::exception& e) {
    unexpectedException(e);
  }
}

}  // namespace atsync::fuzz
