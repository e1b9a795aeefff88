#!/usr/bin/env bash
# Latency and per-thread CPU of one jredis build during BGSAVE, for before/after comparisons of the snapshot path.
# Starts jredis (bin/jredis, Shenandoah) on a copy of <dir>/dump.rdb (e.g. the one bench/persistence.sh leaves in
# bench/target/persistence/jredis-rdb), warms up with 400,000 GET/SET and one BGSAVE (the first snapshot of a JVM
# deoptimizes and recompiles the write path), then runs `redis-benchmark -t get,set -n 200000 -c 50 -r 100000` idle
# and while a BGSAVE is kept running, printing both p99s and the CPU ticks of each JVM thread in the BGSAVE phase.
# Usage: bench/bgsave-profile.sh <jar> <dir-with-dump.rdb> [out-dir]      JFR=1 records bench/target/.../b.jfr,
#   ASPROF=<path of libasyncProfiler.so> profiles the whole run into <out-dir>/b.collapsed, written at exit
#   (bench/profile.sh fetches it into target/async-profiler-3.0)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); src=$2; out=${3:-bench/target/bgsave-profile}
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd); cp "$src/dump.rdb" "$out/"
[ -n "${ASPROF:-}" ] && export JREDIS_JAVA_OPTS="${JREDIS_JAVA_OPTS:-} -agentpath:$ASPROF=start,event=cpu,interval=1ms,threads,file=$out/b.collapsed,collapsed"
JREDIS_JAR="$jar" bin/jredis --port "$p" --bind 127.0.0.1 --save '' --dir "$out" > "$out/log" 2>&1 & J=$!
trap 'rm -f "$out/flag"; kill $J 2>/dev/null || true; wait $J 2>/dev/null || true' EXIT
for _ in $(seq 1200); do redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
bgsaving() { redis-cli -p "$p" info persistence | grep -q 'rdb_bgsave_in_progress:1'; }
redis-cli -p "$p" bgsave > /dev/null
redis-benchmark -p "$p" -t get,set -n 200000 -c 50 -r 100000 -q > /dev/null
while bgsaving; do sleep 0.1; done
redis-benchmark -p "$p" -t get,set -n 200000 -c 50 -r 100000 --csv | awk -F, 'NR>1 {gsub(/"/, ""); print "idle", $1, "rps", $2, "avg", $3, "p50", $5, "p95", $6, "p99", $7, "max", $8}'
[ -n "${JFR:-}" ] && jcmd "$J" JFR.start name=b settings=profile filename="$out/b.jfr" > /dev/null
threads() { for t in /proc/$J/task/*; do echo "$(tr ' ' _ < "$t/comm") $(awk '{print $14+$15}' "$t/stat")"; done 2>/dev/null \
  | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
# schedstat: time on CPU, time runnable but waiting for a CPU (ns), and timeslices, per thread name.
sched() { for t in /proc/$J/task/*; do echo "$(tr ' ' _ < "$t/comm") $(cat "$t/schedstat")"; done 2>/dev/null \
  | awk '{r[$1]+=$2; w[$1]+=$3; n[$1]+=$4} END {for (k in r) print k, r[k], w[k], n[k]}' | sort; }
threads > "$out/t0"; sched > "$out/s0"
touch "$out/flag"
( n=0; while [ -e "$out/flag" ]; do bgsaving || { redis-cli -p "$p" bgsave > /dev/null && n=$((n + 1)); }; sleep 0.02; done
  echo "$n" > "$out/nbg" ) &
loop=$!
redis-benchmark -p "$p" -t get,set -n 200000 -c 50 -r 100000 --csv | awk -F, 'NR>1 {gsub(/"/, ""); print "bgsave", $1, "rps", $2, "avg", $3, "p50", $5, "p95", $6, "p99", $7, "max", $8}'
rm -f "$out/flag"; wait "$loop"
threads > "$out/t1"; sched > "$out/s1"
echo "bgsaves $(cat "$out/nbg")"
# Threads that ended during the phase (a finished BGSAVE's writer) are not counted.
join "$out/t0" "$out/t1" | awk '{d = $3 - $2; if (d > 5) print "cpu_ticks", $1, d}' | sort -k3 -n -r
join "$out/s0" "$out/s1" | awk '{r = ($5 - $2) / 1e6; w = ($6 - $3) / 1e6; n = $7 - $4
  if (r > 50) printf "sched %s run_ms %.0f wait_ms %.0f slices %d avg_wait_us %.1f\n", $1, r, w, n, n ? w * 1000 / n : 0}' | sort -k5 -n -r
[ -n "${JFR:-}" ] && jcmd "$J" JFR.dump name=b filename="$out/b.jfr" > /dev/null
exit 0
