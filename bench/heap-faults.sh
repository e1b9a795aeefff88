#!/usr/bin/env bash
# Page faults of jredis in a steady load: runs a redis-benchmark workload twice to warm the JIT and the heap, then
# once more measured, and prints the process's minor page faults, CPU ticks (user+sys, 1/CLK_TCK s) and RSS over the
# measured pass. A request path that allocates on fresh pages faults about once per 4 KB allocated (a fault costs
# about as much as a small command); in the steady state the heap reuses pages it touched before.
#
# Usage: bench/heap-faults.sh "<redis-benchmark args>"     e.g. bench/heap-faults.sh "-t sadd -n 3000000 -c 50 -P 16"
# JREDIS_JAR overrides the jar, JREDIS_GC_OPTS the collector settings (see bin/jredis).
set -euo pipefail
cd "$(dirname "$0")/.."
args=$1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
bin/jredis --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" > /dev/null 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.1; done
# shellcheck disable=SC2086
for _ in 1 2; do redis-benchmark -p "$port" $args -q > /dev/null; done
stat() { awk '{print $10, $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status"; }
read -r f0 t0 <<< "$(stat)"; r0=$(rss)
# shellcheck disable=SC2086
redis-benchmark -p "$port" $args -q | tr '\r' '\n' | grep -v '^$' | tail -1
read -r f1 t1 <<< "$(stat)"
echo "minor faults $((f1 - f0)), CPU ticks $((t1 - t0)), RSS $r0 -> $(rss) MB"
