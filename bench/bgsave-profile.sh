#!/usr/bin/env bash
# Latency and per-thread CPU of one jredis build during BGSAVE, for before/after comparisons of the snapshot path.
# Starts jredis (bin/jredis, Shenandoah) on a copy of <dir>/dump.rdb (e.g. the one bench/persistence.sh leaves in
# bench/target/persistence/jredis-rdb), warms up with 400,000 GET/SET and one BGSAVE (the first snapshot of a JVM
# deoptimizes and recompiles the write path), then runs `redis-benchmark -t get,set -n 200000 -c 50 -r 100000` idle
# and while a BGSAVE is kept running, printing both p99s and the CPU ticks of each JVM thread in the BGSAVE phase.
# Usage: bench/bgsave-profile.sh <jar> <dir-with-dump.rdb> [out-dir]      JFR=1 records bench/target/.../b.jfr
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); src=$2; out=${3:-bench/target/bgsave-profile}
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd); cp "$src/dump.rdb" "$out/"
JREDIS_JAR="$jar" bin/jredis --port "$p" --bind 127.0.0.1 --save '' --dir "$out" > "$out/log" 2>&1 & J=$!
trap 'rm -f "$out/flag"; kill $J 2>/dev/null || true' EXIT
for _ in $(seq 1200); do redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
bgsaving() { redis-cli -p "$p" info persistence | grep -q 'rdb_bgsave_in_progress:1'; }
redis-cli -p "$p" bgsave > /dev/null
redis-benchmark -p "$p" -t get,set -n 200000 -c 50 -r 100000 -q > /dev/null
while bgsaving; do sleep 0.1; done
redis-benchmark -p "$p" -t get,set -n 200000 -c 50 -r 100000 --csv | awk -F, 'NR>1 {gsub(/"/, ""); print "idle", $1, $7}'
[ -n "${JFR:-}" ] && jcmd "$J" JFR.start name=b settings=profile filename="$out/b.jfr" > /dev/null
threads() { for t in /proc/$J/task/*; do echo "$(tr ' ' _ < "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done \
  | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
threads > "$out/t0"
touch "$out/flag"
( n=0; while [ -e "$out/flag" ]; do bgsaving || { redis-cli -p "$p" bgsave > /dev/null && n=$((n + 1)); }; sleep 0.02; done
  echo "$n" > "$out/nbg" ) &
loop=$!
redis-benchmark -p "$p" -t get,set -n 200000 -c 50 -r 100000 --csv | awk -F, 'NR>1 {gsub(/"/, ""); print "bgsave", $1, $7}'
rm -f "$out/flag"; wait "$loop"
threads > "$out/t1"
echo "bgsaves $(cat "$out/nbg")"
# Threads that ended during the phase (a finished BGSAVE's writer) are not counted.
join "$out/t0" "$out/t1" | awk '{d = $3 - $2; if (d > 5) print "cpu_ticks", $1, d}' | sort -k3 -n -r
[ -n "${JFR:-}" ] && jcmd "$J" JFR.dump name=b filename="$out/b.jfr" > /dev/null
exit 0
