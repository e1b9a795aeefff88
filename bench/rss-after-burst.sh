#!/usr/bin/env bash
# RSS of jredis (through bin/jredis, the shipped JVM settings) and redis-server after a burst of writes: before, right
# after, and each second for five seconds once the burst ended (jredis trims its heap after a quiet second).
#
# Usage: bench/rss-after-burst.sh [requests] [keyspace]     (default 2000000 SETs over -r 1000000, -P 16)
# JREDIS_JAR overrides the jar.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000000}; r=${2:-1000000}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
wait_ping() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
dirs=$(mktemp -d); mkdir "$dirs/j" "$dirs/r"
jp=$(free_port); rp=$(free_port)
bin/jredis --port "$jp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/j" > /dev/null 2>&1 & jpid=$!
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/r" > /dev/null 2>&1 & rpid=$!
trap 'kill $jpid $rpid 2>/dev/null || true; rm -rf "$dirs"' EXIT
wait_ping "$jp"; wait_ping "$rp"
echo "== redis-benchmark -t set -r $r -n $n -P 16 -c 50; RSS in MB"
for s in jredis:$jp:$jpid redis-server:$rp:$rpid; do
  IFS=: read -r name port pid <<< "$s"
  before=$(rss "$pid")
  redis-benchmark -p "$port" -t set -r "$r" -n "$n" -P 16 -c 50 -q > /dev/null
  line="$name: before $before, right after $(rss "$pid"), then"
  for _ in 1 2 3 4 5; do sleep 1; line="$line $(rss "$pid")"; done
  echo "$line; keys $(redis-cli -p "$port" dbsize), used_memory $(redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '/^used_memory:/ {printf "%d", $2 / 1048576}') MB"
done
