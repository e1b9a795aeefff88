#!/usr/bin/env bash
# GC pauses of jredis with many keys, per collector setting: fills the keyspace through redis-cli --pipe with
# 10,000,000 keys by default (the names redis-benchmark -r uses, "key:%012d", 3-byte values as its default -d), then
# runs a SET/GET load over those same keys (redis-benchmark -r, -P 16) for a fixed time. Every stop of the world comes from -Xlog:safepoint ("At safepoint": the time the VM was stopped
# once all threads had arrived; "Total" adds the time to reach the safepoint, which an overloaded machine inflates).
# Prints per collector and phase (populate, load): longest and total time at safepoints, their count, the RSS and
# the heap in use after the run, and draws bench/target/gc-pauses/gc-pauses.svg (longest pause per setting and phase).
#
# Usage: bench/gc-pauses.sh [keys] [load_seconds]
#   needs jredis/target/jredis.jar, redis-cli, redis-benchmark, python3.
#   COLLECTORS overrides the JVM flag sets (";"-separated); "launcher" means the flags bin/jredis ships.
#   JREDIS_JAR overrides the jar.
set -euo pipefail
cd "$(dirname "$0")/.."
keys="${1:-10000000}"
secs="${2:-60}"
jar="${JREDIS_JAR:-jredis/target/jredis.jar}"
out=bench/target/gc-pauses
mkdir -p "$out"
IFS=';' read -r -a collectors <<< "${COLLECTORS:-"launcher;-XX:+UseG1GC;-XX:+UseG1GC -XX:MaxGCPauseMillis=10;-XX:+UseZGC;-XX:+UseShenandoahGC"}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
# max, total (ms) and count of "At safepoint" times in lines first..last of a safepoint log
pauses() {
  sed -n "$2,$3p" "$1" | grep -o 'At safepoint: [0-9]* ns' \
    | awk '{n++; t+=$3; if ($3>m) m=$3} END {printf "%.2f %.1f %d", m/1e6, t/1e6, n}'
}

results="$out/results.txt"
: > "$results"
printf "%-44s %-8s %10s %10s %7s %8s %9s %8s\n" setting phase max_ms total_ms stops rss_MB heap_MB secs
for flags in "${collectors[@]}"; do
  label="$flags"
  if [ "$flags" = launcher ]; then
    # The flags the start script ships, read from it so this measures exactly what users run.
    flags=$(JREDIS_PRINT_FLAGS=1 bin/jredis)
    label="launcher: $flags"
  fi
  port=$(free_port)
  log="$out/safepoint-$port.log"
  # shellcheck disable=SC2086
  java $flags -Xlog:safepoint:file="$log" -Xlog:gc:file="$out/gc-$port.log" -jar "$jar" --port "$port" \
    --bind 127.0.0.1 --save '' --appendonly no > "$out/jredis-$port.log" 2>&1 &
  pid=$!
  wait_ping "$port"
  t0=$(date +%s.%N)
  python3 -c '
import sys
out = sys.stdout.buffer
for i in range(int(sys.argv[1])):
    out.write(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n" % i)
' "$keys" | redis-cli -p "$port" --pipe > "$out/pipe-$port.log"
  t1=$(date +%s.%N)
  mark=$(wc -l < "$log")
  timeout "$secs" redis-benchmark -p "$port" -t set,get -r "$keys" -n 2000000000 -c 50 -P 16 -q > /dev/null 2>&1 || true
  end=$(wc -l < "$log")
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  heap=$(redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '$1=="used_memory" {printf "%.0f", $2/1048576}')
  dbsize=$(redis-cli -p "$port" dbsize)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  read -r pmax ptot pn <<< "$(pauses "$log" 1 "$mark")"
  read -r lmax ltot ln <<< "$(pauses "$log" "$((mark + 1))" "$end")"
  psecs=$(echo "$t1 - $t0" | bc)
  printf "%-44s %-8s %10s %10s %7s %8s %9s %8.1f\n" "$label" populate "$pmax" "$ptot" "$pn" "$rss" "$heap" "$psecs" \
    | tee -a "$results"
  printf "%-44s %-8s %10s %10s %7s %8s %9s %8.1f\n" "$label" load "$lmax" "$ltot" "$ln" "$rss" "$heap" "$secs" \
    | tee -a "$results"
  [ "$dbsize" -ge "$keys" ] || echo "warning: dbsize $dbsize < $keys for $label" >&2
done

python3 - "$results" "$out/gc-pauses.svg" "$keys" <<'PY'
import math, re, sys
rows = []
for line in open(sys.argv[1]):
    m = re.match(r'(.*?)\s+(populate|load)\s+([\d.]+)\s+([\d.]+)', line)
    if m:
        rows.append((m.group(1).strip(), m.group(2), float(m.group(3))))
labels = list(dict.fromkeys(r[0] for r in rows))
lo, hi = 0.01, max([1000.0] + [r[2] for r in rows])
def x(v):  # log scale from lo to hi over 420 px
    return 330 + 420 * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
bar, gap = 14, 12
h = 60 + len(labels) * (2 * bar + gap) + 40
s = ['<svg xmlns="http://www.w3.org/2000/svg" width="800" height="%d" font-family="sans-serif" font-size="11">' % h,
     '<text x="10" y="20" font-size="14">jredis: longest GC stop (ms, log scale), %s keys</text>' % format(int(sys.argv[3]), ',')]
y = 40
for d in range(int(math.log10(lo)), int(math.ceil(math.log10(hi))) + 1):
    v = 10 ** d
    s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x(v), y, x(v), h - 30))
    s.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (x(v), h - 15, v))
s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="red" stroke-dasharray="4"/>' % (x(10), y, x(10), h - 30))
s.append('<text x="%.1f" y="%d" fill="red">10 ms target</text>' % (x(10) + 3, y + 10))
y += 15
colors = {'populate': '#8ab', 'load': '#357'}
for label in labels:
    s.append('<text x="10" y="%d">%s</text>' % (y + bar + 4, label[:52].replace('&', '&amp;').replace('<', '&lt;')))
    for phase in ('populate', 'load'):
        v = next((r[2] for r in rows if r[0] == label and r[1] == phase), None)
        if v is None:
            continue
        s.append('<rect x="330" y="%d" width="%.1f" height="%d" fill="%s"/>' % (y, x(v) - 330, bar - 2, colors[phase]))
        s.append('<text x="%.1f" y="%d">%s %.2f</text>' % (x(v) + 4, y + bar - 4, phase, v))
        y += bar
    y += gap
s.append('</svg>')
open(sys.argv[2], 'w').write('\n'.join(s) + '\n')
PY
echo "chart: $out/gc-pauses.svg"
