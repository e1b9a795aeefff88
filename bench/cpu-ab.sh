#!/usr/bin/env bash
# Server CPU time per request of two jredis builds and redis-server, all three running at once and measured in
# alternation (A B R A B R ...), so a change in the machine's load hits the three alike. For before/after comparisons
# of a change on a loaded machine, where bench/compare.sh's separate runs cannot resolve differences under ~20 %.
#
# Usage: bench/cpu-ab.sh <before.jar> <after.jar> [rounds] [pipeline] [requests]     CPU_AB_TESTS=lpush,... for some
# CPU_AB_A_OPTS / CPU_AB_B_OPTS: extra JVM options for one side (the same jar twice compares two JVM settings).
# CPU_AB_WARMUP: pipelined requests per workload before measuring (default 1000000).
# Besides redis-benchmark's -t names, CPU_AB_TESTS takes eval and evalsha: a script of one INCR, sent whole or by
# its SHA1 (loaded into each server first); lrange_N reads the first N of a 600-element list, as redis-benchmark's
# LRANGE_N (the list is filled before each run, outside the measurement).
# CPU_AB_RANDOM=<n>: redis-benchmark -r n, so HSET/SADD/ZADD grow one collection to about n members in each run
# (every run starts from FLUSHALL) instead of rewriting a single member.
# Prints per workload the median CPU µs per request of each server (user+sys from /proc/<pid>/stat), then the median
# requests/s and p99 latency (ms) of the same runs.
set -euo pipefail
cd "$(dirname "$0")/.."
a_jar=$1; b_jar=$2; rounds=${3:-3}; pipe=${4:-16}; n=${5:-200000}
tests=${CPU_AB_TESTS:-set,get,incr,lpush,lpop,sadd,hset,zadd,mset}
hz=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
wait_ping() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
script="return redis.call('incr',KEYS[1])"
sha=$(printf %s "$script" | sha1sum | cut -d' ' -f1)
# Sets args to redis-benchmark's arguments for workload $1.
workload() {
  case $1 in
    eval) args=(eval "$script" 1 key:__rand_int__) ;;
    evalsha) args=(evalsha "$sha" 1 key:__rand_int__) ;;
    lrange_*) args=(lrange mylist 0 $(( ${1#lrange_} - 1 ))) ;;
    *) args=(-t "$1") ;;
  esac
}

ap=$(free_port); bp=$(free_port); rp=$(free_port)
# Each server in an empty directory of its own: a dump.rdb left in the working directory would be loaded, and one
# with replication info gives the server a backlog that every write is copied into.
dirs=$(mktemp -d); mkdir "$dirs/a" "$dirs/b" "$dirs/r"
JREDIS_JAR="$a_jar" JREDIS_JAVA_OPTS="${CPU_AB_A_OPTS:-}" bin/jredis --port "$ap" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/a" > /dev/null 2>&1 & apid=$!
JREDIS_JAR="$b_jar" JREDIS_JAVA_OPTS="${CPU_AB_B_OPTS:-}" bin/jredis --port "$bp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/b" > /dev/null 2>&1 & bpid=$!
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/r" > /dev/null 2>&1 & rpid=$!
trap 'kill $apid $bpid $rpid 2>/dev/null || true; rm -rf "$dirs"' EXIT
wait_ping "$ap"; wait_ping "$bp"; wait_ping "$rp"
for p in "$ap" "$bp" "$rp"; do redis-cli -p "$p" script load "$script" > /dev/null; done
# The JIT compiles the hot paths in the first requests, and the heap reaches its steady state once the requests
# have churned through the memory HeapTrim lets them use between two cycles (about 500 MB, 3-5 million requests).
count=$(echo "${tests//,/ }" | wc -w)
for p in "$ap" "$bp"; do
  for t in ${tests//,/ }; do
    workload "$t"
    [[ $t == lrange_* ]] && redis-benchmark -p "$p" -n 600 -c 1 -q -t lpush > /dev/null
    redis-benchmark -p "$p" -n $((100000 / count)) -c 50 -q "${args[@]}" > /dev/null
    redis-benchmark -p "$p" -n $((${CPU_AB_WARMUP:-1000000} / count)) -c 50 -P 16 -q "${args[@]}" > /dev/null
  done
done
out=$(mktemp)
for r in $(seq 1 "$rounds"); do
  for t in ${tests//,/ }; do
    for s in A:$ap:$apid B:$bp:$bpid R:$rp:$rpid; do
      IFS=: read -r name port pid <<< "$s"
      redis-cli -p "$port" flushall > /dev/null
      # The list redis-benchmark's own LRANGE tests read, filled outside the measurement.
      [[ $t == lrange_* ]] && redis-benchmark -p "$port" -n 600 -c 1 -q -t lpush > /dev/null
      before=$(cpu_ticks "$pid")
      workload "$t"
      # redis-benchmark reads its options up to the first word that is not one: the command comes last.
      csv=$(redis-benchmark -p "$port" -n "$n" -c 50 -P "$pipe" ${CPU_AB_RANDOM:+-r "$CPU_AB_RANDOM"} --csv "${args[@]}")
      after=$(cpu_ticks "$pid")
      # --csv: "test","rps","avg","min","p50","p95","p99","max" after a header line; counted from the end, as a
      # script's text in the test column may hold commas.
      echo "$t $name $(awk -v d=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.3f", d / hz * 1e6 / n}') \
$(echo "$csv" | awk -F, 'NR==2 {gsub(/"/, ""); print $(NF-6), $(NF-1)}')" >> "$out"
    done
  done
done
echo "== -P $pipe, -n $n -c 50${CPU_AB_RANDOM:+ -r $CPU_AB_RANDOM}, $rounds rounds; CPU µs per request (medians); A=$a_jar B=$b_jar R=redis-server"
printf "%-8s %8s %8s %8s %7s %7s\n" test A B redis A/R B/R
for t in ${tests//,/ }; do
  a=$(awk -v t="$t" '$1==t && $2=="A" {print $3}' "$out" | median)
  b=$(awk -v t="$t" '$1==t && $2=="B" {print $3}' "$out" | median)
  r=$(awk -v t="$t" '$1==t && $2=="R" {print $3}' "$out" | median)
  printf "%-8s %8.2f %8.2f %8.2f %7.2f %7.2f\n" "$t" "$a" "$b" "$r" "$(awk -v x="$a" -v y="$r" 'BEGIN{print x/y}')" \
    "$(awk -v x="$b" -v y="$r" 'BEGIN{print x/y}')"
done
echo "requests/s and p99 (ms), medians"
printf "%-8s %9s %9s %9s %7s %7s %7s %7s %7s\n" test A_rps B_rps redis_rps A/R B/R A_p99 B_p99 R_p99
for t in ${tests//,/ }; do
  col() { awk -v t="$t" -v s="$1" -v c="$2" '$1==t && $2==s {print $c}' "$out" | median; }
  a=$(col A 4); b=$(col B 4); r=$(col R 4)
  printf "%-8s %9.0f %9.0f %9.0f %7.2f %7.2f %7s %7s %7s\n" "$t" "$a" "$b" "$r" "$(awk -v x="$a" -v y="$r" 'BEGIN{print x/y}')" \
    "$(awk -v x="$b" -v y="$r" 'BEGIN{print x/y}')" "$(col A 5)" "$(col B 5)" "$(col R 5)"
done
rm -f "$out"
