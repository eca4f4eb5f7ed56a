#!/usr/bin/env bash
# run-matrix.sh: the client library compatibility matrix (docs/protocol.md, "Real client libraries"). One throwaway
# gateway (clients/lib/gateway.sh) is shared by every library, which run one after another, each unmodified and
# pinned: discord.js (clients/discordjs), Oceanic.js (clients/oceanic), JDA 6 and 5 and Discord4J (clients/jvm, a
# Maven project of its own, built here with the repository's ./mvnw). Each writes a JUnit report under
# clients/*/target/, which .ci/run's summary counts. Builds only the checks: it needs app/target/derailed-app.jar.
#
#   bash clients/run-matrix.sh                 # everything
#   DERAILED_MATRIX=jvm bash clients/run-matrix.sh   # a subset: any of discordjs oceanic jvm
#
# Exit status 0 only if every library passed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
parts="${DERAILED_MATRIX:-discordjs oceanic jvm}"
started=$SECONDS
say() { echo "matrix: $*"; }
wants() { [[ " $parts " == *" $1 "* ]]; }

# shellcheck source=lib/gateway.sh
source "$here/lib/gateway.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/derailed-matrix.XXXXXX")"
build_pids=()
cleanup() {
  gateway_stop
  for pid in "${build_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT


# 1. meanwhile the gateway starts: the JVM checks build (their libraries come from Maven Central)
if wants jvm; then
  rm -f "$here"/jvm/target/TEST-*.xml
  ( cd "$root" && java_home="$(gateway_java_home)" && JAVA_HOME="$java_home" timeout 400 ./mvnw -q -B \
      -f clients/jvm/pom.xml package ) >"$work/jvm-build.log" 2>&1 &
  build_pids+=($!)
fi
if ! gateway_start "$work"; then
  for part in $parts; do check_setup_failed "$here/$part/target" "$part" "$gateway_error"; done
  exit 1
fi
say "gateway up after $((SECONDS - started)) s ($DERAILED_CHECK_GATEWAY, grpc $DERAILED_CHECK_GRPC)"

status=0
run_part() { # run_part NAME COMMAND...: one library, timed
  local name="$1" t0=$SECONDS
  shift
  if "$@"; then say "$name passed in $((SECONDS - t0)) s"; else say "$name FAILED after $((SECONDS - t0)) s"; status=1; fi
}

if wants discordjs; then run_part discord.js bash "$here/discordjs/run-check.sh"; fi
if wants oceanic; then run_part Oceanic.js bash "$here/oceanic/run-check.sh"; fi
if wants jvm; then
  if wait "${build_pids[0]}"; then
    build_pids=()
    jvm_check() { # jvm_check MODULE MAIN
      local dir="$here/jvm/$1"
      DERAILED_CHECK_REPORTS="$here/jvm/target" timeout 200 "$DERAILED_CHECK_JAVA_HOME/bin/java" \
        -cp "$dir/target/classes:$(cat "$dir/target/classpath.txt")" "$2"
    }
    run_part "JDA 6" jvm_check jda6 one.derailed.check.jda.JdaCheck
    run_part "JDA 5" jvm_check jda5 one.derailed.check.jda.JdaCheck
    run_part Discord4J jvm_check discord4j one.derailed.check.discord4j.Discord4jCheck
  else
    build_pids=()
    check_setup_failed "$here/jvm/target" jvm "the JVM checks did not build: $(tail -n 5 "$work/jvm-build.log" | tr '\n' ' ')"
    status=1
  fi
fi

if ! gateway_alive; then
  say "the gateway died during the matrix"
  status=1
fi
if [ "$status" -ne 0 ]; then
  say "gateway log (last lines):"
  grep -v '^WARNING' "$DERAILED_CHECK_GATEWAY_LOG" | tail -n 25 | sed 's/^/  /'
fi
say "done in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
