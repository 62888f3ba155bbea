# SPDX-License-Identifier: Apache-2.0
# Sourced by the tests that run documents as written (readme_sandbox_test.sh, plugin_walkthrough_test.sh): how a
# marked block is read out of a document, and a free port for each service a document names by a fixed one.

fail() { echo "FAIL: $*" >&2; exit 1; }

# The ```sh block after the line that starts with "<!-- MARKER", as written.
doc_block() {  # FILE MARKER
  awk -v marker="<!-- $2" '
    index($0, marker) == 1 { found = 1; next }
    found == 1 && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$1"
}

# The commands of a block: continuations joined, comments and blank lines dropped, spaces collapsed.
commands() {
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | sed -E -e 's/^[[:space:]]*#.*$//' -e 's/[[:space:]]+#([[:space:]].*)?$//' \
    -e 's/[[:space:]]+/ /g' -e 's/^ //; s/ $//' | grep -v '^$'
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A scratch folder in $work, removed on exit after the processes whose ids the test adds to $pids are stopped.
scratch_folder() {
  work=$(mktemp -d)
  pids=()
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
        for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
        rm -rf "$work"' EXIT
}
