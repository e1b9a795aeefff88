#!/usr/bin/env bash
# Replication lag under a redis-benchmark SET load, jredis pair (bin/jredis, the shipped JVM settings) and
# redis-server pair side by side, alternating, several rounds; medians at the end. The lag is measured by
# bench/repl-lag.py (PUBLISH probes through the replication stream, see its docstring for why not INFO polls).
# Usage: bench/replication-lag.sh [rounds] [clients...]      (default: 3 rounds, -c 50 and -c 10)
#   needs: jredis/target/jredis.jar, redis-server, redis-cli, redis-benchmark, python3.
#   JREDIS_JAR=<jar> measures another build; LAG_N=<requests> per load (default 400000); REPL_OUT=<dir> for logs.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-3}"; shift || true
clients=("$@"); [ ${#clients[@]} -gt 0 ] || clients=(50 10)
jar="${JREDIS_JAR:-jredis/target/jredis.jar}"
out="${REPL_OUT:-bench/target/replication-lag}"
load_n="${LAG_N:-400000}"
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
rm -rf "$out"; mkdir -p "$out"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 400); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start() { # kind port dir
  local kind=$1 port=$2 dir=$3
  mkdir -p "$dir"
  if [ "$kind" = jredis ]; then
    JREDIS_JAR="$jar" bin/jredis --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      > "$dir/server.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no \
      > "$dir/server.log" 2>&1 &
  fi
  pids+=($!)
  wait_ping "$port"
}

# One pair, caught up and counted online by its master (first ACK), warmed up, then one measurement per -c value.
measure() { # kind round
  local kind=$1 round=$2 mp rp
  mp=$(free_port); rp=$(free_port)
  start "$kind" "$mp" "$out/$kind-$round-master"
  start "$kind" "$rp" "$out/$kind-$round-replica"
  redis-cli -p "$rp" replicaof 127.0.0.1 "$mp" > /dev/null
  for _ in $(seq 1 600); do
    redis-cli -p "$mp" info replication | grep -q 'state=online' && break; sleep 0.05
  done
  redis-benchmark -p "$mp" -t set -n 200000 -c 50 -r 100000 -d 64 -q > /dev/null 2>&1
  for c in "${clients[@]}"; do
    redis-benchmark -p "$mp" -t set -n "$load_n" -c "$c" -r 100000 -d 64 -q > "$out/load-$kind-$round-$c.txt" 2>&1 &
    local bench=$!
    local lag; lag=$(python3 bench/repl-lag.py "$mp" "$rp" "$bench")
    wait "$bench" 2>/dev/null || true
    local rps; rps=$(tr '\r' '\n' < "$out/load-$kind-$round-$c.txt" | grep -o '[0-9.]* requests per second' | tail -1 \
      | awk '{print $1}')
    echo "$kind $round $c $rps $lag" | tee -a "$out/rows.txt"
  done
  cleanup; pids=()
}

echo "# kind round clients load_rps bytes_p50 bytes_p99 bytes_max ms_p50 ms_p99 ms_max probes write_ms_p99"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="jredis redis"; else order="redis jredis"; fi
  for kind in $order; do measure "$kind" "$round"; done
done

echo
echo "== medians of $rounds rounds (ms: from the master's reply to a write until a replica subscriber sees it)"
python3 - "$out/rows.txt" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
cols = ["load_rps", "bytes_p50", "bytes_p99", "bytes_max", "ms_p50", "ms_p99", "ms_max", "probes", "write_ms_p99"]
for c in sorted({r[2] for r in rows}, key=int):
    print("-c %s" % c)
    print("%-14s %10s %10s %7s" % ("metric", "jredis", "redis", "ratio"))
    for i, name in enumerate(cols):
        med = {}
        for kind in ("jredis", "redis"):
            v = [float(r[3 + i]) for r in rows if r[0] == kind and r[2] == c]
            med[kind] = statistics.median(v) if v else float("nan")
        ratio = "%.2f" % (med["jredis"] / med["redis"]) if med["redis"] else "n/a"
        print("%-14s %10.2f %10.2f %7s" % (name, med["jredis"], med["redis"], ratio))
EOF
