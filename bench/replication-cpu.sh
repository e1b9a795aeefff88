#!/usr/bin/env bash
# CPU time per replicated SET of a master/replica pair: jredis builds and redis-server, measured in alternation
# (build1 build2 ... redis, per round), so machine load hits all alike. Each pair: replica attached, 100,000 SETs of
# warm-up, then `redis-benchmark -t set -n N -c 50 -r 100000 -d 64` on the master; prints user+sys CPU of each
# process (from /proc/<pid>/stat) in microseconds per request. jredis runs with `java -jar` (JAVA_OPTS adds flags,
# e.g. -XX:StartFlightRecording=filename=/tmp/m.jfr,settings=profile to profile both processes).
# Usage: bench/replication-cpu.sh [rounds] [requests] <jar>...      (NOREPL=1: no replica, the master alone)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1; n=$2; shift 2
hz=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap cleanup EXIT
run() { # label start-command-prefix...
  local label=$1 mp rp m r; shift
  mp=$(free_port); rp=$(free_port)
  "$@" --port "$mp" > /dev/null 2>&1 & m=$!; pids+=($m)
  "$@" --port "$rp" > /dev/null 2>&1 & r=$!; pids+=($r)
  wait_ping "$mp"; wait_ping "$rp"
  if [ -z "${NOREPL:-}" ]; then
    redis-cli -p "$rp" replicaof 127.0.0.1 "$mp" > /dev/null
    for _ in $(seq 1 600); do redis-cli -p "$mp" info replication | grep -q state=online && break; sleep 0.05; done
  fi
  redis-benchmark -p "$mp" -t set -n 100000 -c 50 -r 100000 -d 64 -q > /dev/null 2>&1
  local m0 r0 rps; m0=$(cpu "$m"); r0=$(cpu "$r")
  rps=$(redis-benchmark -p "$mp" -t set -n "$n" -c 50 -r 100000 -d 64 -q 2>&1 | tr '\r' '\n' \
    | grep -o '[0-9.]* requests per second' | tail -1 | awk '{print $1}')
  awk -v l="$label" -v m=$(( $(cpu "$m") - m0 )) -v r=$(( $(cpu "$r") - r0 )) -v n="$n" -v hz="$hz" -v rps="$rps" \
    'BEGIN {printf "%-40s master %6.2f us/req  replica %6.2f us/req  (%s req/s)\n", l, m*1e6/hz/n, r*1e6/hz/n, rps}'
  cleanup
}
for round in $(seq 1 "$rounds"); do
  for jar in "$@"; do
    run "jredis $(basename "$jar") r$round" java ${JAVA_OPTS:-} -jar "$jar" --bind 127.0.0.1 --save '' --appendonly no
  done
  run "redis-server r$round" redis-server --bind 127.0.0.1 --save '' --appendonly no
done
