# gateway.sh, sourced by the client library checks: starts one throwaway gateway for them, and has the small helpers
# the checks' scripts share (check_npm_install, check_setup_failed). The gateway (empty H2 database in a
# temp dir, free loopback ports, a 1 s heartbeat interval, its public URL on a free port where a check's proxy
# listens) and exports where it is. Builds nothing: it needs app/target/derailed-app.jar.
#
#   source clients/lib/gateway.sh
#   gateway_start WORK_DIR || exit 1     # exports DERAILED_CHECK_GATEWAY, _GRPC, _TOKEN, _GUILD, _USERNAME,
#                                        # _APP_JAR, DERAILED_GRPC_TOKEN, and sets gateway_pid
#   gateway_stop
#
# The demo seed gives the token: the checks log in as its first user (ada), with "Bot TOKEN" as bots do.

gateway_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
gateway_pid=""
gateway_error=""

gateway_java_home() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then
      major="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
    fi
  done
  return 1
}

# gateway_start WORK_DIR: 0 once the gateway runs and has seeded its demo; else 1 with gateway_error set.
gateway_start() {
  local work="$1" jar="$gateway_root/app/target/derailed-app.jar" java_home ws_port grpc_port cluster_port proxy_port \
    operator_port
  if [ ! -f "$jar" ]; then
    gateway_error="no $jar: build it first (./derailed test, or ./mvnw -DskipTests package)"; return 1
  fi
  if ! java_home="$(gateway_java_home)"; then gateway_error="needs a JDK 21 or newer (JAVA_HOME)"; return 1; fi
  read -r ws_port grpc_port cluster_port proxy_port operator_port < <(python3 - <<'PY'
import socket
socks = []
for _ in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)
  # a copy of the jar and its lib/: a rebuild meanwhile cannot pull them away
  mkdir -p "$work/app"
  cp -r "$jar" "$(dirname "$jar")/lib" "$work/app/"
  DERAILED_GRPC_TOKEN="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
  (
    cd "$work" || exit 1
    exec env DERAILED_WS_PORT="$ws_port" DERAILED_GRPC_PORT="$grpc_port" DERAILED_CLUSTER_PORT="$cluster_port" \
      DERAILED_OPERATOR_PORT="$operator_port" DERAILED_PUBLIC_URL="ws://127.0.0.1:$proxy_port" DERAILED_GRPC_TOKEN="$DERAILED_GRPC_TOKEN" \
      "$java_home/bin/java" -Dderailed.websocket.heartbeat-interval=1000ms -Dderailed.websocket.heartbeat-timeout=3000ms \
      ${DERAILED_JAVA_OPTS:-} -jar "$work/app/derailed-app.jar" run >"$work/gateway.out" 2>"$work/gateway.err"
  ) &
  gateway_pid=$!
  local token="" guild="" i
  for i in $(seq 1 900); do
    if ! kill -0 "$gateway_pid" 2>/dev/null; then break; fi
    if grep -q 'Derailed Gateway is running' "$work/gateway.out" 2>/dev/null && grep -q 'derailed publish guild' "$work/gateway.out"; then
      token="$(awk '/^  ada /{getline; gsub(/^[ \t]+|[ \t]+$/, ""); print; exit}' "$work/gateway.out")"
      guild="$(sed -n 's/.*derailed publish guild \([0-9][0-9]*\).*/\1/p' "$work/gateway.out" | head -1)"
      break
    fi
    sleep 0.1
  done
  if [ -z "$token" ] || [ -z "$guild" ]; then
    gateway_error="the gateway did not start and seed its demo within 90 s"
    tail -n 40 "$work/gateway.out" "$work/gateway.err" 2>/dev/null | sed 's/^/  /'
    return 1
  fi
  export DERAILED_CHECK_GATEWAY="http://127.0.0.1:$ws_port" DERAILED_CHECK_GRPC="127.0.0.1:$grpc_port"
  export DERAILED_CHECK_TOKEN="$token" DERAILED_CHECK_GUILD="$guild" DERAILED_CHECK_USERNAME=ada
  export DERAILED_CHECK_APP_JAR="$work/app/derailed-app.jar" DERAILED_GRPC_TOKEN DERAILED_CHECK_JAVA_HOME="$java_home"
  export DERAILED_CHECK_GATEWAY_LOG="$work/gateway.err"
  return 0
}

gateway_alive() {
  [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null
}

gateway_stop() {
  if gateway_alive; then
    kill -TERM "$gateway_pid" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
  fi
  gateway_pid=""
}

# check_npm_install DIR: npm ci in DIR, unless its node_modules is already this lock's install.
check_npm_install() {
  local dir="$1"
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] \
     && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package.json" ]; then
    return 0
  fi
  (cd "$dir" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

# check_setup_failed REPORT_DIR SUITE MESSAGE: a JUnit report of one failure, for a check that could not run, so
# .ci/run's summary counts it; prints MESSAGE.
check_setup_failed() {
  mkdir -p "$1"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="%s" tests="1" failures="1" errors="0" skipped="0">\n  <testcase classname="%s" name="setup"><failure message="%s"/></testcase>\n</testsuite>\n' \
    "$2" "$2" "$(printf '%s' "$3" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/"/\&quot;/g')" >"$1/TEST-$2-setup.xml"
  echo "$2: $3"
}
