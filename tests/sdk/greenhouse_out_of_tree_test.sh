#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the Greenhouse connector (plugins/greenhouse) on its own against the SDK package installed from this build,
# as a plugin author outside the tree would (find_package(atsync-sdk 1.1)), and loads it with the host's
# `atsync plugins`: proof that it uses nothing from host/ or sandbox/.
# Usage: greenhouse_out_of_tree_test.sh BUILD_DIR SOURCE_DIR ATSYNC_BINARY [EXTRA_CXX_FLAGS]
set -euo pipefail
build_dir=$1 source_dir=$2 atsync=$3 extra_flags=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
# Only the sources travel: a copy outside the tree cannot reach host/ or sandbox/ headers by a relative path.
cp -r "$source_dir/plugins/greenhouse" "$work/greenhouse"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$work/greenhouse" -B "$work/build" -G Ninja "${launcher[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_FLAGS="$extra_flags" -DCMAKE_MODULE_LINKER_FLAGS="$extra_flags" >/dev/null
cmake --build "$work/build" >/dev/null
test -f "$work/build/plugins/libatsync-greenhouse.so"

listing=$("$atsync" plugins --plugins "$work/build/plugins" --json)
echo "$listing"
grep -q '"name":"greenhouse"' <<<"$listing"
grep -q '"display_name":"Greenhouse"' <<<"$listing"
grep -q '"opportunity.set_stage"' <<<"$listing"
grep -q '"webhook.parse"' <<<"$listing"
grep -q '"refused":\[\]' <<<"$listing"
echo "plugins/greenhouse built out of tree against the installed SDK 1.1 package and loaded"
