// SPDX-License-Identifier: Apache-2.0
// The replay driver for builds without libFuzzer (g++, presets dev and asan): feeds every file of the given corpus
// directories, and a bounded set of cheap deterministic mutations of each, to the harness. It cannot search like
// libFuzzer does; it keeps the harnesses compiling and proves on every `scripts/test` that the checked-in corpus
// (including inputs that once crashed a parser) still runs clean, in well under a second per target.
// Usage: <target>_fuzz <file-or-directory>...

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// Prefixes cut every size/kTruncations bytes: parsers see every kind of "ended too early" without the run growing
// with the file size.
constexpr std::size_t kTruncations = 8;
// Positions (as fractions of the size) whose byte is replaced by each of kFlips.
constexpr std::size_t kFlipPositions = 3;
constexpr std::uint8_t kFlips[] = {0x00, 0xff, '"', '{'};

std::size_t runs = 0;

void runOne(const std::vector<std::uint8_t>& bytes) {
  // A copy sized exactly, so ASan sees a read past the end as the heap overflow it is.
  std::vector<std::uint8_t> exact(bytes);
  LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
  ++runs;
}

void replay(const std::vector<std::uint8_t>& input) {
  runOne(input);
  const std::size_t step = std::max<std::size_t>(1, input.size() / kTruncations);
  for (std::size_t len = 0; len < input.size(); len += step) {
    runOne(std::vector<std::uint8_t>(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(len)));
  }
  if (input.empty()) return;
  for (std::size_t p = 1; p <= kFlipPositions; ++p) {
    const std::size_t at = input.size() * p / (kFlipPositions + 1);
    for (const std::uint8_t flip : kFlips) {
      if (input[at] == flip) continue;
      std::vector<std::uint8_t> mutated(input);
      mutated[at] = flip;
      runOne(mutated);
    }
  }
}

std::vector<std::uint8_t> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus file or directory>...\n", argv[0]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::vector<fs::path> paths;
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::directory_iterator(arg)) {
        if (entry.is_regular_file()) paths.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg)) {
      paths.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 2;
    }
    // Sorted, so a failing run names the same input on every machine.
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      replay(readFile(path));
      ++files;
    }
  }
  if (files == 0) {
    std::fprintf(stderr, "no corpus files found: a smoke test that runs nothing proves nothing\n");
    return 2;
  }
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::printf("replayed %zu inputs from %zu corpus files in %lld ms\n", runs, files, static_cast<long long>(elapsed_ms));
  return 0;
}
