#!/usr/bin/env bash
# Memory and GC pauses with many small string keys: redis-server next to jredis under several collectors.
# Loads `count` keys (SET key:<n> val:<n>, pipelined through redis-cli --pipe) while a redis-benchmark GET client
# keeps the server busy, then reports dbsize, INFO used_memory (for jredis after a full GC: live heap), the process
# RSS before and after loading, the load time and, for jredis, two maxima from -Xlog:safepoint whatever the collector: the longest time at a
# safepoint (the collector's own pause) / the longest stop including the time threads took to reach it (inflated on
# an overloaded machine), and the number of GC pauses or ZGC cycles (-Xlog:gc).
#
# Usage: bench/memory-strings.sh [count]     needs jredis/target/jredis.jar, redis-server, redis-cli, redis-benchmark.
# JREDIS_JAR overrides the jar; COLLECTORS overrides the JVM flag sets (";"-separated).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
jar="${JREDIS_JAR:-jredis/target/jredis.jar}"
out=bench/target/memory-strings
mkdir -p "$out"
IFS=';' read -r -a collectors <<< "${COLLECTORS:-"-XX:+UseG1GC;-XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xms2g;-XX:+UseZGC;-XX:+UseParallelGC"}"

load="$out/load-$count.resp"
if [ ! -s "$load" ]; then
  python3 - "$count" > "$load" <<'PY'
import sys
w = sys.stdout.write
for i in range(int(sys.argv[1])):
    k = b"key:%d" % i; v = b"val:%d" % i
    sys.stdout.buffer.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
info() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: -v k="$2" '$1==k {print $2}'; }

measure() { # label port pid gclog
  local label=$1 port=$2 pid=$3 gclog=$4 t0 t1 rss0 rss used pause pauses
  wait_ping "$port"
  rss0=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  redis-benchmark -p "$port" -t get -c 10 -n 100000000 -r "$count" --csv > "$out/lat.csv" 2>/dev/null &
  local bench=$!
  t0=$(date +%s.%N)
  redis-cli -p "$port" --pipe < "$load" > "$out/pipe.log"
  t1=$(date +%s.%N)
  kill $bench 2>/dev/null || true
  wait $bench 2>/dev/null || true
  sleep 2
  # Pauses first: the full GC below is ours, not the load's.
  pause="-" pauses="-"
  if [ -n "$gclog" ] && [ -f "$gclog" ]; then
    pause=$(grep -o 'Total: [0-9]* ns' "$gclog" | awk '{if ($2>m) m=$2} END {printf "%.1f", m/1e6}')
    pause="$(grep -o 'At safepoint: [0-9]* ns' "$gclog" | awk '{if ($3>m) m=$3} END {printf "%.1f", m/1e6}')/$pause"
    pauses=$(grep -cE 'Pause|Garbage Collection' "${gclog/safepoint/gc}" || true)
  fi
  # used_memory is the JVM's heap in use, garbage included: collect first so it counts live data only.
  if [ -n "$gclog" ]; then jcmd "$pid" GC.run > /dev/null; sleep 1; fi
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  used=$(info "$port" used_memory)
  printf "%-48s %9s %10.0f %9s %9s %8.1f %19s %s\n" "$label" "$(redis-cli -p "$port" dbsize)" "$((used / 1048576))" \
    "$rss0" "$rss" "$(echo "$t1 - $t0" | bc)" "$pause" "$pauses"
}

printf "%-48s %9s %10s %9s %9s %8s %19s %s\n" server keys used_MB rss0_MB rss_MB load_s max_pause_ms/stw_ms gc_cycles
port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no > "$out/redis.log" 2>&1 &
pid=$!
measure "redis-server $(redis-server --version | grep -o 'v=[0-9.]*')" "$port" "$pid" ""
kill $pid; wait $pid 2>/dev/null || true

for flags in "${collectors[@]}"; do
  port=$(free_port)
  gclog="$out/safepoint-$port.log"
  # shellcheck disable=SC2086
  java $flags -Xlog:safepoint:file="$gclog" -Xlog:gc:file="$out/gc-$port.log" -jar "$jar" --port "$port" \
    --bind 127.0.0.1 --save '' --appendonly no > "$out/jredis.log" 2>&1 &
  pid=$!
  measure "jredis $flags" "$port" "$pid" "$gclog"
  kill $pid; wait $pid 2>/dev/null || true
done
