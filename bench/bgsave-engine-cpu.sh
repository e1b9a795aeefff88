#!/usr/bin/env bash
# Engine-thread CPU of one BGSAVE on an otherwise idle jredis: what the snapshot's walk (and its captures) costs the
# thread that serves clients. Loads <dir>/dump.rdb (e.g. bench/target/persistence/jredis-rdb from
# bench/persistence.sh), runs two BGSAVEs to warm up, then three measured ones; prints CPU ticks (10 ms) per BGSAVE.
# Usage: bench/bgsave-engine-cpu.sh <jar> <dir-with-dump.rdb> [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); src=$2; out=${3:-bench/target/bgsave-engine-cpu}
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd); cp "$src/dump.rdb" "$out/"
JREDIS_JAR="$jar" bin/jredis --port "$p" --bind 127.0.0.1 --save '' --dir "$out" > "$out/log" 2>&1 & J=$!
trap 'kill $J 2>/dev/null || true' EXIT
for _ in $(seq 1200); do redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
engine_ticks() { for t in /proc/$J/task/*; do grep -qs engine "$t/comm" && awk '{print $14+$15}' "$t/stat"; done 2>/dev/null; true; }
bgsave() {
  redis-cli -p "$p" bgsave > /dev/null; sleep 0.2
  while redis-cli -p "$p" info persistence | grep -q 'rdb_bgsave_in_progress:1'; do sleep 0.05; done
}
bgsave; bgsave
# utime+stime of the whole JVM, writer threads that ended included (a thread's ticks stay in its process).
process_ticks() { awk '{print $14+$15}' "/proc/$J/stat"; }
e0=$(engine_ticks); p0=$(process_ticks); t0=$(date +%s.%N)
bgsave; bgsave; bgsave
e1=$(engine_ticks); p1=$(process_ticks); t1=$(date +%s.%N)
awk -v e=$((e1 - e0)) -v q=$((p1 - p0)) -v a="$t0" -v b="$t1" -v j="$(basename "$jar")" \
  'BEGIN {printf "%s engine ticks per BGSAVE %d, process ticks per BGSAVE %d, wall per BGSAVE %.2f s\n", j, e / 3, q / 3, (b - a) / 3}'
