#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs README.md's sandbox commands and tour as written (the blocks marked <!-- sandbox-commands --> and
# <!-- sandbox-tour -->), checks that docs/operations.md has the same commands, and checks what Lever then holds.
# The only liberty taken: the ports 8080, 8091 and 8092 become free ones, here and in a copy of configs/sandbox.yaml,
# so the test runs next to anything else on the machine.
#
#   readme_sandbox_test.sh SOURCE_DIR BUILD_DIR tour        the commands, the tour, Lever's opportunity for Ada
#   readme_sandbox_test.sh SOURCE_DIR BUILD_DIR wrong-key   the same commands with a Lever that takes another key:
#                                                           the host's stderr says why it cannot connect, no secret
#   readme_sandbox_test.sh SOURCE_DIR BUILD_DIR oauth       docs/operations.md's local OAuth recipe (the blocks
#                                                           <!-- sandbox-oauth-commands --> and -authorize): not ready
#                                                           until authorized, then ready, and a one-shot verb uses
#                                                           the stored tokens
set -uo pipefail
src=$1
build=$2
mode=${3:-tour}

source "$(dirname "$0")/doc_blocks.sh"
block() { doc_block "$@"; }  # FILE MARKER

readme_commands=$(block "$src/README.md" sandbox-commands | commands)
readme_tour=$(block "$src/README.md" sandbox-tour | commands)
[ "$(printf '%s\n' "$readme_commands" | wc -l)" -eq 3 ] ||
  fail "README.md's sandbox-commands block should hold the three commands (Lever, Kula, atsync run), found:
$readme_commands"
[ -n "$readme_tour" ] || fail "README.md has no sandbox-tour block"
for what in sandbox-commands sandbox-tour; do
  ours=$(block "$src/README.md" "$what" | commands)
  theirs=$(block "$src/docs/operations.md" "$what" | commands)
  [ "$ours" = "$theirs" ] || fail "README.md and docs/operations.md disagree on the $what block:
$(diff <(echo "$ours") <(echo "$theirs"))"
done

launch=$readme_commands
if [ "$mode" = oauth ]; then
  launch=$(block "$src/docs/operations.md" sandbox-oauth-commands | commands)
  oauth_authorize=$(block "$src/docs/operations.md" sandbox-oauth-authorize)
  [ "$(printf '%s\n' "$launch" | wc -l)" -eq 3 ] ||
    fail "docs/operations.md's sandbox-oauth-commands block should hold three commands, found:
$launch"
  [ -n "$oauth_authorize" ] || fail "docs/operations.md has no sandbox-oauth-authorize block"
fi

host_port=$(free_port); kula_port=$(free_port); lever_port=$(free_port)
ports() { sed -E -e "s/(^|[^0-9])8080([^0-9]|$)/\1$host_port\2/g" -e "s/(^|[^0-9])8091([^0-9]|$)/\1$kula_port\2/g" \
                 -e "s/(^|[^0-9])8092([^0-9]|$)/\1$lever_port\2/g"; }

scratch_folder  # $work, and $pids stopped with it on exit
ln -s "$(cd "$build" && pwd)" "$work/build"
mkdir "$work/configs"
for config in sandbox sandbox-oauth; do ports < "$src/configs/$config.yaml" > "$work/configs/$config.yaml"; done
cd "$work"
# The defaults under test: none of the config's variables set.
unset ATSYNC_ADMIN_TOKEN ATSYNC_ENCRYPTION_KEY LEVER_API_KEY LEVER_PERFORM_AS LEVER_CLIENT_ID LEVER_CLIENT_SECRET \
  KULA_API_KEY KULA_WEBHOOK_SECRET

n=0
while IFS= read -r line; do
  n=$((n + 1))
  line=$(ports <<< "$line")
  if [ "$mode" = wrong-key ] && [[ $line == *atsync-sandbox-lever* ]]; then line="$line --api-key another-key"; fi
  echo "+ $line" >&2
  bash -c "exec $line" > "process$n.out" 2> "process$n.err" &
  pids+=($!)
  sleep 0.3
done <<< "$launch"

host_log=process3.err
if [ "$mode" = oauth ]; then
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$host_port/healthz" > /dev/null && break
    sleep 0.5
  done
  # Serving, and not ready until someone connects Lever, with the way to do it.
  sleep 1
  ready=$(curl -s "http://127.0.0.1:$host_port/readyz")
  grep -q "waiting for OAuth authorization; connect lever in the console" <<< "$ready" ||
    fail "/readyz before authorizing: $ready
host's stderr:
$(tail -20 $host_log)"
  authorize=$(ports <<< "$oauth_authorize")
  echo "+ the authorization:
$authorize" >&2
  bash -ec "$authorize" > authorize.out 2> authorize.err || fail "the authorization block failed:
$(cat authorize.out authorize.err)"
  grep -q "^Connected" authorize.out || fail "atsync's callback did not say Connected: $(cat authorize.out)"
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$host_port/readyz" > /dev/null && break
    sleep 0.5
  done
  ready_line=$(curl -si "http://127.0.0.1:$host_port/readyz" | head -1 | tr -d '\r')
  [ "$ready_line" = "HTTP/1.1 200 OK" ] || fail "/readyz after authorizing answered '$ready_line':
$(curl -s "http://127.0.0.1:$host_port/readyz")"
  # A one-shot verb next to the host uses the tokens the host stored.
  postings=$(build/bin/atsync postings -c configs/sandbox-oauth.yaml --connection sandbox 2>&1) ||
    fail "atsync postings with the stored OAuth tokens failed: $postings"
  grep -q "Senior Backend Engineer" <<< "$postings" || fail "atsync postings listed: $postings"
  echo "ok: the local OAuth recipe connected Lever as written, and a one-shot verb used the stored tokens"
  exit 0
fi
waited=0
until curl -sf "http://127.0.0.1:$host_port/readyz" > /dev/null; do
  for i in 1 2 3; do
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || fail "command $i ended early: $(sed -n "${i}p" <<< "$launch")
$(cat process$i.err)"
  done
  waited=$((waited + 1))
  if [ "$mode" = wrong-key ] && grep -q '"kind":"connect_failed"' "$host_log"; then break; fi
  [ $waited -lt 120 ] || fail "the host was not ready within 60 s: $(curl -s "http://127.0.0.1:$host_port/readyz")
host's stderr:
$(tail -20 $host_log)"
  sleep 0.5
done

if [ "$mode" = wrong-key ]; then
  # The activity log's error reaches stderr: one JSON line with the connection, the kind and Lever's answer.
  line=$(grep '"kind":"connect_failed"' "$host_log" | head -1)
  [ -n "$line" ] || fail "no connect_failed line on the host's stderr:
$(cat $host_log)"
  jq -e '.level == "error" and .connection == "sandbox" and .fields.kind == "connect_failed" and
         (.msg | test("401"))' <<< "$line" > /dev/null || fail "unexpected connect_failed line: $line"
  for secret in sandbox-lever-key sandbox-kula-key sandbox-kula-webhook-secret sandbox-admin-token \
                sandbox-encryption-key-not-a-secret; do
    if grep -q -- "$secret" "$host_log"; then fail "the host's stderr shows the secret $secret"; fi
  done
  # Not ready, and said so with the right status line and the reason.
  ready=$(curl -si "http://127.0.0.1:$host_port/readyz")
  status_line=$(head -1 <<< "$ready" | tr -d '\r')
  [ "$status_line" = "HTTP/1.1 503 Service Unavailable" ] || fail "/readyz answered '$status_line'"
  grep -q "401" <<< "$ready" || fail "/readyz does not say why it is not ready: $ready"
  echo "ok: the host's stderr says why the connection cannot connect: $line"
  exit 0
fi

ready_line=$(curl -si "http://127.0.0.1:$host_port/readyz" | head -1 | tr -d '\r')
[ "$ready_line" = "HTTP/1.1 200 OK" ] || fail "/readyz answered '$ready_line'"

tour=$(ports <<< "$readme_tour")
echo "+ the tour:
$tour" >&2
bash -ec "$tour" > tour.out 2> tour.err || fail "the tour failed:
$(cat tour.out tour.err)"
grep -q "^sandbox (kula <-> lever)" tour.out || fail "atsync status printed no connection 'sandbox':
$(cat tour.out)"

lever="http://127.0.0.1:$lever_port"
screen=$(curl -sf "$lever/_sandbox/state" | jq -r '.stages[] | select(.text == "Recruiter Screen") | .id')
[ -n "$screen" ] || fail "the Lever sandbox has no stage 'Recruiter Screen'"
for _ in $(seq 1 120); do
  ada=$(curl -sf "$lever/_sandbox/opportunities?email=ada.lovelace@example.com")
  if jq -e --arg screen "$screen" '.data | map(select(.postingId == "b1f0a7c2-2e3d-4f5a-8b6c-7d8e9f0a1b2c"
        and ((.stage | if type == "object" then .id else . end) == $screen)
        and ([.. | strings] | any(startswith("Great call.\n"))))) | length == 1' <<< "$ada" > /dev/null; then
    echo "ok: Ada is on Lever's Senior Backend Engineer posting, at Recruiter Screen, with the note"
    exit 0
  fi
  sleep 0.5
done
fail "Lever did not get Ada's opportunity at Recruiter Screen ($screen) with the note 'Great call.' within 60 s:
$(jq -c '.data[] | {postingId, stage, notes}' <<< "$ada")
host's stderr:
$(tail -20 $host_log)"
