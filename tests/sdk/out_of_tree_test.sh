#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the SDK package from this build, builds tests/sdk/out_of_tree against it as a plugin author would,
# loads the result in the host, and checks that a different major version of the package is refused.
# Usage: out_of_tree_test.sh BUILD_DIR SOURCE_DIR ATSYNC_BINARY [EXTRA_CXX_FLAGS]
set -euo pipefail
build_dir=$1 source_dir=$2 atsync=$3 extra_flags=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/atsync/sdk/abi.h"
test -f "$work/prefix/lib/cmake/atsync-sdk/atsync-sdk-config.cmake"
test -f "$work/prefix/share/atsync-sdk/schema/answers.schema.json"
test -f "$work/prefix/include/atsync/sdk/testkit/conformance.hpp"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$source_dir/tests/sdk/out_of_tree" -B "$work/build" -G Ninja "${launcher[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_FLAGS="$extra_flags" -DCMAKE_MODULE_LINKER_FLAGS="$extra_flags" >/dev/null
cmake --build "$work/build" >/dev/null

listing=$("$atsync" plugins --plugins "$work/build/plugins" --json)
echo "$listing"
grep -q '"name":"hello-out-of-tree"' <<<"$listing"
grep -q '"capabilities":\["hello"\]' <<<"$listing"
grep -q '"refused":\[\]' <<<"$listing"

# The conformance kit from the installed package: the program links and registers its checks (running them needs
# a sandbox; tests/conformance does that for the plugins of this tree).
checks=$("$work/build/hello_conformance" --gtest_list_tests)
grep -q 'HelloConformance\.' <<<"$checks"
grep -q '  Operation_hello' <<<"$checks"
grep -q '  PaginatesOverThousandRecords' <<<"$checks"

# SameMajorVersion: asking for SDK 2.0 must fail to configure.
if cmake -S "$source_dir/tests/sdk/out_of_tree" -B "$work/build2" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
     -DREQUIRED_SDK_VERSION=2.0 >"$work/v2.log" 2>&1; then
  echo "find_package(atsync-sdk 2.0) unexpectedly succeeded" >&2
  exit 1
fi
grep -q 'atsync-sdk' "$work/v2.log"
echo "out-of-tree plugin and conformance program built against the installed SDK; plugin loaded; SDK 2.0 request refused"
