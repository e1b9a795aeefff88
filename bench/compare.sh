#!/usr/bin/env bash
# Side-by-side throughput, latency and server CPU per request: jredis (the built jar) and redis-server, same
# machine, same redis-benchmark workloads, run in alternation (A B A B ...) so load changes hit both alike.
#
# Usage: bench/compare.sh [--quick] [rounds]
#   needs: jredis/target/jredis.jar (mvn -B -q -DskipTests package), redis-server and redis-benchmark on the PATH.
#   JREDIS_GC_OPTS=<flags> replaces the collector settings of bin/jredis (e.g. -XX:+UseG1GC).
#   JREDIS_JAR=<jar> measures another build (e.g. a copy of the jar before a change), COMPARE_OUT=<dir> moves the logs.
# Prints, per workload: median requests/s of each server, the ratio jredis/redis, p50/p99 latency (ms) and the
# server's CPU time per request in microseconds (user+sys from /proc/<pid>/stat, divided by requests).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
rounds="${1:-3}"
jar="${JREDIS_JAR:-jredis/target/jredis.jar}"
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null \
  || { echo "redis-server and redis-benchmark are needed (apt-get install -y redis-server redis-tools)" >&2; exit 1; }

n=200000
clients=50
if [ "$quick" = 1 ]; then n=50000; fi
tests="set,get,incr,lpush,lpop,sadd,hset,zadd,mset"
out="${COMPARE_OUT:-bench/target/compare}"
mkdir -p "$out"
hz=$(getconf CLK_TCK)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
wait_ping() { for _ in $(seq 1 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

jport=$(free_port); rport=$(free_port)
# Through the start script, so the JVM settings measured are the ones shipped (JREDIS_GC_OPTS overrides them).
# Each server in an empty directory of its own: a dump.rdb left in the working directory would be loaded, and one
# with replication info gives the server a backlog that every write is copied into.
dirs=$(mktemp -d); mkdir "$dirs/j" "$dirs/r"
JREDIS_JAR="$jar" bin/jredis --port "$jport" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/j" \
  > "$out/jredis.log" 2>&1 &
jpid=$!
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/r" --daemonize no \
  > "$out/redis.log" 2>&1 &
rpid=$!
trap 'kill $jpid $rpid 2>/dev/null || true; rm -rf "$dirs"' EXIT
wait_ping "$jport"; wait_ping "$rport"
# The JVM compiles its hot paths during the first requests: warm jredis up before measuring anything. Twice, and
# with 1 KB values too: one pass left the last workloads (MSET) still being compiled in the measured rounds.
for _ in 1 2; do
  redis-benchmark -p "$jport" -t "$tests" -n "$n" -c "$clients" -q > /dev/null
  redis-benchmark -p "$jport" -t "$tests" -n "$n" -c "$clients" -P 16 -q > /dev/null
  redis-benchmark -p "$jport" -t set,get -n "$n" -c "$clients" -d 1024 -q > /dev/null
done

# One run: prints "test rps p50 p99 cpu_us_per_request" lines for a server, one redis-benchmark per workload so
# the server's CPU time is measured per workload.
run() { # name port pid pipeline datasize
  local name=$1 port=$2 pid=$3 pipe=$4 size=$5 t before after
  for t in ${tests//,/ }; do
    redis-cli -p "$port" flushall >/dev/null
    before=$(cpu_ticks "$pid")
    redis-benchmark -p "$port" -t "$t" -n "$n" -c "$clients" -P "$pipe" -d "$size" --csv > "$out/$name.csv"
    after=$(cpu_ticks "$pid")
    awk -F, -v ticks=$((after - before)) -v hz="$hz" -v n="$n" 'NR>1 {
        gsub(/"/, ""); gsub(/ /, "_", $1); printf "%s %s %s %s %.2f\n", $1, $2, $5, $7, ticks / hz * 1e6 / n }' \
        "$out/$name.csv"
  done
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

report() { # pipeline datasize
  local pipe=$1 size=$2 r
  : > "$out/jredis.all"; : > "$out/redis.all"
  for r in $(seq 1 "$rounds"); do
    run jredis "$jport" "$jpid" "$pipe" "$size" >> "$out/jredis.all"
    run redis "$rport" "$rpid" "$pipe" "$size" >> "$out/redis.all"
  done
  echo
  echo "== -P $pipe -d $size, $rounds rounds, -n $n -c $clients (medians)"
  printf "%-22s %12s %12s %7s %9s %9s %9s %9s %9s %9s\n" test jredis_rps redis_rps ratio j_p50 r_p50 j_p99 r_p99 j_cpu_us r_cpu_us
  for t in $(awk '{print $1}' "$out/redis.all" | awk '!seen[$0]++'); do
    local jr rr jp50 rp50 jp99 rp99 jc rc
    jr=$(awk -v t="$t" '$1==t {print $2}' "$out/jredis.all" | median)
    rr=$(awk -v t="$t" '$1==t {print $2}' "$out/redis.all" | median)
    jp50=$(awk -v t="$t" '$1==t {print $3}' "$out/jredis.all" | median)
    rp50=$(awk -v t="$t" '$1==t {print $3}' "$out/redis.all" | median)
    jp99=$(awk -v t="$t" '$1==t {print $4}' "$out/jredis.all" | median)
    rp99=$(awk -v t="$t" '$1==t {print $4}' "$out/redis.all" | median)
    jc=$(awk -v t="$t" '$1==t {print $5}' "$out/jredis.all" | median)
    rc=$(awk -v t="$t" '$1==t {print $5}' "$out/redis.all" | median)
    printf "%-22s %12.0f %12.0f %7.2f %9s %9s %9s %9s %9s %9s\n" "$t" "$jr" "$rr" "$(awk -v a="$jr" -v b="$rr" 'BEGIN{print a/b}')" \
      "$jp50" "$rp50" "$jp99" "$rp99" "$jc" "$rc"
  done
}

report 1 3
report 16 3
if [ "$quick" = 0 ]; then
  tests="set,get" report 1 1024
fi
