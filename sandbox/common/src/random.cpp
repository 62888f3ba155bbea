// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/random.hpp"

namespace atsync::sandbox {

Random::Random(std::uint64_t seed) : engine_(seed) {}

void Random::reseed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  engine_.seed(seed);
}

std::uint64_t Random::next() {
  std::lock_guard lock(mutex_);
  return engine_();
}

std::string Random::hex(std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n);
  std::lock_guard lock(mutex_);
  while (out.size() < n) {
    std::uint64_t bits = engine_();
    for (int i = 0; i < 16 && out.size() < n; ++i, bits >>= 4) out.push_back(kHex[bits & 15]);
  }
  return out;
}

std::string Random::uuid() {
  std::string h = hex(32);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

double Random::uniform() {
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
}

bool Random::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return uniform() < p;
}

}  // namespace atsync::sandbox
