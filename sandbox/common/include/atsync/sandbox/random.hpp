// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace atsync::sandbox {

/// A seedable, thread-safe source of ids and probabilities: same seed, same sequence, so seeded data
/// and fault patterns are reproducible.
class Random {
 public:
  explicit Random(std::uint64_t seed = 0x5eed);
  void reseed(std::uint64_t seed);
  /// RFC 4122 version-4 shaped UUID, lower case.
  std::string uuid();
  /// `n` lower-case hex characters.
  std::string hex(std::size_t n);
  /// Uniform in [0, 1).
  double uniform();
  /// True with probability p (p <= 0 never draws, so a zero knob does not shift the sequence).
  bool chance(double p);
  std::uint64_t next();

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace atsync::sandbox
