#!/usr/bin/env bash
# cluster.sh: three gateway nodes on loopback, one Pekko cluster, one shared H2 database (./derailed cluster ...).
#   start          start the nodes that are not running, then wait (bounded) until every node is Up
#   status         each node: pid, roles, ports, /readyz
#   leave N        SIGTERM node N (a graceful leave: op 7, sessions moved) and wait until it exits
#   kill N         SIGKILL node N (a crash, for the walk-through in docs/operations.md)
#   token USER_ID  a token from the cluster's database
#   stop           SIGTERM every node (op 7 to its clients), SIGKILL what is still running after 30 s
# Run through ./derailed, which builds the jar and sets DERAILED_JAVA and DERAILED_JAR.
# Scratch dir (database, logs, pid files): DERAILED_CLUSTER_DIR, default ./data/cluster.
set -euo pipefail

: "${DERAILED_JAVA:?run this through ./derailed cluster}"
: "${DERAILED_JAR:?run this through ./derailed cluster}"
dir="$(mkdir -p "${DERAILED_CLUSTER_DIR:-data/cluster}" && cd "${DERAILED_CLUSTER_DIR:-data/cluster}" && pwd)"
db_url="jdbc:h2:file:$dir/db/derailed;AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE"
java_opts="${DERAILED_JAVA_OPTS:--Xms64m -Xmx256m}"
# How long start waits for every node to report ready; a cold JVM joins in well under 30 s.
start_timeout_seconds=90
stop_timeout_seconds=30
# A leaving node moves its sessions (sessions.handoff.evacuate-deadline, 10 s) and then leaves the cluster, which
# hands its entities over; 40 s covers both with room, and leave never waits longer.
leave_timeout_seconds=40

# node N: roles, HTTP/WebSocket port, gRPC port (used only with the grpc role), cluster port.
# Node 1 is the seed and runs every role; node 2 only accepts clients (its sessions' guilds and users live
# elsewhere); node 3 accepts clients and hosts guilds and users too, and a second gRPC ingress.
nodes=(1 2 3)
roles=([1]=websocket,sessions,guilds,users,ready,grpc [2]=websocket,sessions,ready [3]=websocket,sessions,guilds,users,grpc)
http_port=([1]=8081 [2]=8082 [3]=8083)
grpc_port=([1]=50051 [2]=50052 [3]=50053)
cluster_port=([1]=25521 [2]=25522 [3]=25523)
operator_port=([1]=9091 [2]=9092 [3]=9093)
seed="127.0.0.1:${cluster_port[1]}"

pid_of() { # the pid of node $1 if it runs our jar, else nothing
  local file="$dir/node$1.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$DERAILED_JAR"; then
    echo "$pid"
  else
    rm -f "$file"
    return 1
  fi
}

ready() { curl -fsS -m 2 "http://127.0.0.1:${http_port[$1]}/readyz" >/dev/null 2>&1; }

start_node() {
  local n=$1 pid
  if pid="$(pid_of "$n")"; then
    echo "node $n already running (pid $pid)"
    return 0
  fi
  # shellcheck disable=SC2086 # java_opts holds several flags
  DERAILED_WS_PORT="${http_port[$n]}" \
  DERAILED_GRPC_PORT="${grpc_port[$n]}" DERAILED_CLUSTER_PORT="${cluster_port[$n]}" \
  DERAILED_OPERATOR_PORT="${operator_port[$n]}" DERAILED_SEED_NODES="$seed" DERAILED_DB_URL="$db_url" \
    nohup "$DERAILED_JAVA" ${DERAILED_JVM_FLAGS:-} $java_opts -jar "$DERAILED_JAR" run --roles "${roles[$n]}" \
    >>"$dir/node$n.log" 2>&1 </dev/null &
  echo $! > "$dir/node$n.pid"
  echo "node $n started (pid $!, roles ${roles[$n]}, log $dir/node$n.log)"
}

await_ready() {
  local n=$1 deadline=$((SECONDS + start_timeout_seconds))
  until ready "$n"; do
    if ! pid_of "$n" >/dev/null; then
      echo "node $n exited; the end of its log:" >&2
      tail -n 20 "$dir/node$n.log" >&2
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "node $n is not Up after ${start_timeout_seconds} s; see $dir/node$n.log" >&2
      return 1
    fi
    sleep 0.5
  done
}

cmd_start() {
  command -v curl >/dev/null || { echo "cluster: needs curl to check /readyz" >&2; exit 1; }
  # The seed first, alone: it creates the database (migrations, demo) and the cluster the others join.
  start_node 1
  await_ready 1
  start_node 2
  start_node 3
  await_ready 2
  await_ready 3
  echo "all three nodes are Up."
  cmd_status
  if grep -q "Seeded a demo" "$dir/node1.log"; then
    echo
    sed -n '/Seeded a demo/,/^$/p' "$dir/node1.log"
  fi
}

cmd_status() {
  local n pid state
  printf '%-5s %-8s %-44s %-10s %-6s %-8s %s\n' node pid roles websocket grpc cluster readyz
  for n in "${nodes[@]}"; do
    pid="$(pid_of "$n" || echo -)"
    if [ "$pid" = "-" ]; then state=stopped; elif ready "$n"; then state=ready; else state="not ready"; fi
    local grpc=-
    case ",${roles[$n]}," in *,grpc,*) grpc="${grpc_port[$n]}";; esac
    printf '%-5s %-8s %-44s %-10s %-6s %-8s %s\n' "$n" "$pid" "${roles[$n]}" "${http_port[$n]}" "$grpc" \
      "${cluster_port[$n]}" "$state"
  done
}

cmd_kill() {
  local n=${1:?usage: cluster kill NODE} pid
  if pid="$(pid_of "$n")"; then
    kill -KILL "$pid"
    rm -f "$dir/node$n.pid"
    echo "node $n (pid $pid) killed with SIGKILL"
  else
    echo "node $n is not running"
  fi
}

cmd_leave() {
  local n=${1:?usage: cluster leave NODE} pid start
  if ! pid="$(pid_of "$n")"; then
    echo "node $n is not running"
    return 0
  fi
  start=$(date +%s%N)
  kill -TERM "$pid"
  echo "node $n (pid $pid) sent SIGTERM at $(date +%T.%3N); waiting up to ${leave_timeout_seconds} s for it to exit"
  local deadline=$((SECONDS + leave_timeout_seconds))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  local took_ms=$((($(date +%s%N) - start) / 1000000))
  if kill -0 "$pid" 2>/dev/null; then
    echo "node $n (pid $pid) is still running after ${leave_timeout_seconds} s; see $dir/node$n.log" >&2
    return 1
  fi
  rm -f "$dir/node$n.pid"
  printf 'node %s left: exited %d.%03d s after SIGTERM\n' "$n" $((took_ms / 1000)) $((took_ms % 1000))
}

cmd_stop() {
  local n pid
  for n in 3 2 1; do
    if pid="$(pid_of "$n")"; then
      kill -TERM "$pid"
      local deadline=$((SECONDS + stop_timeout_seconds))
      while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        echo "node $n (pid $pid) did not stop within ${stop_timeout_seconds} s: killed"
      else
        echo "node $n stopped"
      fi
      rm -f "$dir/node$n.pid"
    fi
  done
}

cmd_token() {
  DERAILED_DB_URL="$db_url" "$DERAILED_JAVA" ${DERAILED_JVM_FLAGS:-} -jar "$DERAILED_JAR" token "${1:?usage: cluster token USER_ID}"
}

case "${1:-}" in
  start) cmd_start ;;
  status) cmd_status ;;
  leave) cmd_leave "${2:-}" ;;
  kill) cmd_kill "${2:-}" ;;
  stop) cmd_stop ;;
  token) cmd_token "${2:-}" ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
