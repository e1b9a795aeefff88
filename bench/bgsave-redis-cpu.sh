#!/usr/bin/env bash
# redis-server's side of bench/bgsave-engine-cpu.sh: CPU of one BGSAVE of <dir>/dump.rdb on an otherwise idle
# redis-server, split into its main thread and its fork child (the child's time is the parent's cutime+cstime once
# it has been waited for). One BGSAVE to warm up, then three measured; prints ticks (10 ms) per BGSAVE.
# Usage: bench/bgsave-redis-cpu.sh <dir-with-dump.rdb> [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
src=$1; out=${2:-bench/target/bgsave-redis-cpu}
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd); cp "$src/dump.rdb" "$out/"
redis-server --port "$p" --bind 127.0.0.1 --save '' --dir "$out" --daemonize no > "$out/log" 2>&1 & R=$!
trap 'kill $R 2>/dev/null || true' EXIT
for _ in $(seq 600); do redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
bgsave() {
  redis-cli -p "$p" bgsave > /dev/null; sleep 0.2
  while redis-cli -p "$p" info persistence | grep -q 'rdb_bgsave_in_progress:1'; do sleep 0.05; done
}
ticks() { awk '{print $14+$15, $16+$17}' "/proc/$R/stat"; }
bgsave
a=$(ticks); t0=$(date +%s.%N)
bgsave; bgsave; bgsave
b=$(ticks); t1=$(date +%s.%N)
echo "$a $b $t0 $t1" | awk '{printf "redis-server main ticks per BGSAVE %d, child ticks per BGSAVE %d, wall per BGSAVE %.2f s\n",
  ($3 - $1) / 3, ($4 - $2) / 3, ($6 - $5) / 3}'
