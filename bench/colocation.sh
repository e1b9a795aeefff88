#!/usr/bin/env bash
# What limits -P 1 throughput on a small machine: the benchmark client, or where the scheduler puts it and the server.
# At -P 1 each request wakes the server and each reply the client; if the two shared one CPU, throughput would be
# set by their CPU times added together, if not by the busier of the two. For each workload and server, in
# alternation (J R J R ...), two runs:
#   free    as the scheduler places them (what bench/compare.sh and bench/cpu-ab.sh measure);
#   pinned  client on CPU 0, the server's command thread on CPU 1 (taskset), so they never share one.
# Prints the median requests/s of each, the share of 50 ms samples in which the client and the server's thread were
# on the same CPU, the client's CPU time over the run's length (near 100 %: the client is the limit), the share of its
# runnable time it spent waiting for a CPU (schedstat), and the whole machine's busy CPU time per request (/proc/stat:
# client, server and kernel together; niced processes are left out, but run it on a quiet machine).
# The sampling is one Python process reading /proc: a shell loop forking commands every 10 ms was itself enough to
# keep the two tasks on one CPU (76-85 % of its samples, against 9-14 % with this one), so it measured itself.
#
# Usage: bench/colocation.sh [rounds] [requests]     COLOCATION_TESTS=lpush,get,... (default lpush,get,hset)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; n=${2:-300000}
tests=${COLOCATION_TESTS:-lpush,get,hset}
hz=$(getconf CLK_TCK)
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 CPUs" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
busy_ticks() { awk '$1 == "cpu" {print $2 + $4 + $7 + $8 + $9}' /proc/stat; }
# Samples, every 50 ms until the client exits, the CPU each of the two tasks last ran on (field 39 of their stat) and
# the client's schedstat; prints "<samples on one CPU> <samples> <client ns on CPU> <ns waiting> <slices>". One
# process reading /proc, so that the sampling itself barely takes CPU from the two it watches.
sample() {
  python3 - "$1" "$2" <<'PY'
import sys, time
client, server = sys.argv[1], sys.argv[2]
def cpu(pid):
    with open("/proc/%s/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[36]
same = total = 0
stat = "0 0 0"
while True:
    try:
        c = cpu(client)
        with open("/proc/%s/schedstat" % client) as f:
            stat = f.read().strip()
    except OSError:
        break
    total += 1
    same += c == cpu(server)
    time.sleep(0.05)
print(same, total, stat)
PY
}

jp=$(free_port); rp=$(free_port)
dirs=$(mktemp -d); mkdir "$dirs/j" "$dirs/r"
bin/jredis --port "$jp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/j" > /dev/null 2>&1 & jpid=$!
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/r" > /dev/null 2>&1 & rpid=$!
trap 'kill $jpid $rpid 2>/dev/null || true; rm -rf "$dirs"' EXIT
wait_ping "$jp"; wait_ping "$rp"
# The thread that runs the commands: jredis's engine event loop, redis-server's main thread.
jtid=$(grep -l '^jredis-engine' /proc/"$jpid"/task/*/comm | head -1 | cut -d/ -f5)
rtid=$rpid
redis-benchmark -p "$jp" -t "$tests" -n 100000 -c 50 -q > /dev/null
redis-benchmark -p "$jp" -t "$tests" -n 1000000 -c 50 -P 16 -q > /dev/null

out=$(mktemp)
run() { # name port tid mode test
  local name=$1 port=$2 tid=$3 mode=$4 t=$5 pre="" b samples csv busy
  if [ "$mode" = pinned ]; then taskset -p -c 1 "$tid" > /dev/null; pre="taskset -c 0"; fi
  redis-cli -p "$port" flushall > /dev/null
  csv=$(mktemp)
  busy=$(busy_ticks)
  $pre redis-benchmark -p "$port" -t "$t" -n "$n" -c 50 -P 1 --csv > "$csv" & b=$!
  samples=$(sample "$b" "$tid")
  wait "$b"
  busy=$(( $(busy_ticks) - busy ))
  [ "$mode" = pinned ] && taskset -p -c "0-$(($(nproc) - 1))" "$tid" > /dev/null
  echo "$t $name $mode $(awk -F, 'NR==2 {gsub(/"/, ""); print $2}' "$csv") $samples $busy" >> "$out"
  rm -f "$csv"
}
for r in $(seq 1 "$rounds"); do
  for t in ${tests//,/ }; do
    for mode in free pinned; do
      run J "$jp" "$jtid" "$mode" "$t"
      run R "$rp" "$rtid" "$mode" "$t"
    done
  done
done
echo "== -P 1 -n $n -c 50, $rounds rounds, medians; same CPU = share of 50 ms samples with the client and the server's"
echo "   thread on one CPU; client busy = the client's CPU time over the run's length; client waits = share of the"
echo "   client's runnable time spent waiting for a CPU; machine µs = busy CPU time of the whole machine per request"
printf "%-7s %-6s %-7s %9s %9s %12s %13s %11s\n" test server mode rps "same CPU" "client busy" "client waits" \
  "machine µs"
for t in ${tests//,/ }; do
  for name in J R; do
    for mode in free pinned; do
      sel() { awk -v t="$t" -v s="$name" -v m="$mode" '$1==t && $2==s && $3==m' "$out"; }
      rps=$(sel | awk '{print $4}' | median)
      same=$(sel | awk '{print ($6 ? $5 / $6 : 0)}' | median)
      busy=$(sel | awk -v n="$n" '{print ($4 ? $7 / 1e9 / (n / $4) : 0)}' | median)
      waits=$(sel | awk '{print ($7 + $8 ? $8 / ($7 + $8) : 0)}' | median)
      machine=$(sel | awk -v hz="$hz" -v n="$n" '{print $10 / hz * 1e6 / n}' | median)
      printf "%-7s %-6s %-7s %9.0f %8.0f%% %11.0f%% %12.0f%% %11.2f\n" "$t" \
        "$([ $name = J ] && echo jredis || echo redis)" "$mode" "$rps" "$(awk -v x="$same" 'BEGIN{print 100*x}')" \
        "$(awk -v x="$busy" 'BEGIN{print 100*x}')" "$(awk -v x="$waits" 'BEGIN{print 100*x}')" "$machine"
    done
  done
done
rm -f "$out"
