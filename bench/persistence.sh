#!/usr/bin/env bash
# Persistence speed, jredis (the built jar) next to redis-server on the same machine, same data, rounds run in
# alternation (A B A B) so load changes on the machine hit both alike:
#   SAVE      wall time of SAVE with `keys` keys of mixed types (60% strings of 8-120 bytes, a third of them integers,
#             5% of them with a TTL; 10% each lists, hashes, sets (half intsets), sorted sets of 10 elements);
#   RDB load  from starting the process to the first +PONG (JVM start-up counts), and the server's own
#             "DB loaded from disk: N seconds" log line;
#   AOF load  the same with appendonly yes, aof-use-rdb-preamble no, from one AOF directory holding an empty base
#             and the `keys` writes (one per key) as the incremental file;
#   p99       GET/SET latency under redis-benchmark (-c 50), idle and while a BGSAVE is kept running throughout,
#             with the GC pauses of jredis's JVM during that phase (count, total, max from its -Xlog:gc log).
# Prints medians and ratios jredis/redis.
#
# Usage: bench/persistence.sh [--bgsave-only|--load-only] [keys] [rounds]        (defaults 1000000 and 3)
#   --bgsave-only  only the p99 phases (idle and during BGSAVE): no SAVE timing, no AOF dataset or load.
#   --load-only    only the RDB and AOF loads (no SAVE timing, no p99 phases).
#   needs jredis/target/jredis.jar (mvn -B -q -DskipTests install), redis-server, redis-cli, redis-benchmark, python3.
#   jredis starts through bin/jredis, so with the JVM settings users get: JREDIS_GC_OPTS=<flags> replaces its
#   collector settings (e.g. -XX:+UseG1GC), JAVA_OPTS adds JVM flags. JREDIS_JAR=<jar> measures another build,
#   PERSIST_SERVERS="jredis" skips redis-server, PERSIST_OUT=<dir> moves data and logs.
set -euo pipefail
cd "$(dirname "$0")/.."
bgsave_only=0
load_only=0
if [ "${1:-}" = "--bgsave-only" ]; then bgsave_only=1; shift; fi
if [ "${1:-}" = "--load-only" ]; then load_only=1; shift; fi
servers="${PERSIST_SERVERS:-jredis redis}"
keys="${1:-1000000}"
rounds="${2:-3}"
jar="${JREDIS_JAR:-jredis/target/jredis.jar}"
out="${PERSIST_OUT:-bench/target/persistence}"
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests install" >&2; exit 1; }
for c in redis-server redis-cli redis-benchmark python3; do
  command -v "$c" >/dev/null || { echo "$c is needed" >&2; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")

data="$out/data-$keys.resp"
if [ ! -s "$data" ]; then
  python3 - "$keys" > "$data" <<'PY'
import random, sys
n = int(sys.argv[1])
rnd = random.Random(2024)
out = sys.stdout.buffer
def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(parts))
for i in range(n):
    k = b"k:%d" % i
    kind = rnd.randrange(10)
    if kind < 6:
        v = str(rnd.randrange(-2**31, 2**31)) if i % 3 == 0 else "v" * (8 + rnd.randrange(112))
        if i % 20 == 1:
            cmd("SET", k, v, "EX", 100000 + rnd.randrange(100000))
        else:
            cmd("SET", k, v)
    elif kind == 6:
        cmd("RPUSH", k, *["item-%d" % rnd.randrange(1000) for _ in range(10)])
    elif kind == 7:
        args = []
        for f in range(10):
            args += ["field%d" % f, "value-%d" % rnd.randrange(100000)]
        cmd("HSET", k, *args)
    elif kind == 8:
        cmd("SADD", k, *[str(rnd.randrange(100000)) if i % 2 == 0 else "member-%d" % rnd.randrange(2**31)
                         for _ in range(10)])
    else:
        args = []
        for m in range(10):
            args += [rnd.randrange(10000) / 10.0, "m%d" % m]
        cmd("ZADD", k, *args)
PY
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits for the first +PONG (a loading server answers -LOADING) and prints the seconds since `t0` (epoch seconds).
wait_pong() { # port t0
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, t0 = int(sys.argv[1]), float(sys.argv[2])
deadline = time.time() + 900
while time.time() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            while True:
                s.sendall(b"PING\r\n")
                r = s.recv(256)
                if r.startswith(b"+PONG"):
                    print("%.3f" % (time.time() - t0))
                    sys.exit(0)
                if not r:
                    break
                time.sleep(0.005)
    except OSError:
        time.sleep(0.005)
sys.exit("no PONG from port %d" % port)
PY
}

pid=
port=
took=
gclog=
# Starts one server in the background: name dir extra-args...; sets pid, port and took (the seconds to +PONG).
start() {
  local name=$1 dir=$2 t0
  shift 2
  port=$(free_port)
  t0=$(date +%s.%N)
  if [ "$name" = jredis ]; then
    gclog="$dir/gc-$(date +%s%N).log"
    JREDIS_JAR="$jar" JREDIS_JAVA_OPTS="-Xlog:gc:file=$gclog ${JAVA_OPTS:-}" \
      bin/jredis --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' "$@" \
      --logfile "$dir/server.log" > "$dir/stdout.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' "$@" \
      --logfile "$dir/server.log" > "$dir/stdout.log" 2>&1 &
  fi
  pid=$!
  took=$(wait_pong "$port" "$t0")
}

stop() {
  redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill "$pid" 2>/dev/null || true
}
trap 'stop' EXIT

timed() { # command... : prints wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}'
}

loaded_log() { # dir: the seconds of the last "DB loaded from disk" / "DB loaded from append only file" line
  grep -o 'DB loaded from [a-z ]*: [0-9.]*' "$1/server.log" | tail -1 | awk '{print $NF}'
}

check_keys() { # expected
  local n
  n=$(redis-cli -p "$port" dbsize)
  [ "$n" = "$1" ] || { echo "expected $1 keys, server $port has $n" >&2; exit 1; }
}

populate() {
  redis-cli -p "$port" --pipe < "$data" > /dev/null
  check_keys "$keys"
}

bench_latency() { # label: appends "label test p99" lines
  local label=$1
  redis-benchmark -p "$port" -t get,set -n 200000 -c 50 -r 100000 --csv \
    | awk -F, -v l="$label" 'NR>1 {gsub(/"/, ""); print l, $1, $7}'
}

# The GC pauses logged from byte $2 of the log $1 on: "count total_ms max_ms" (0 0 0 without a log).
gc_pauses() { # log from
  [ -n "$1" ] && [ -f "$1" ] || { echo "0 0 0"; return; }
  tail -c +"$(($2 + 1))" "$1" | grep 'Pause' | grep -o '[0-9.]*ms$' | tr -d 'ms' \
    | awk '{n++; t+=$1; if ($1>m) m=$1} END {printf "%d %.1f %.1f\n", n, t, m}'
}

# Keeps a BGSAVE running until the file $1 disappears; counts the BGSAVEs started into $2.
keep_bgsaving() {
  local n=0
  while [ -e "$1" ]; do
    if ! redis-cli -p "$port" info persistence | grep -q 'rdb_bgsave_in_progress:1'; then
      redis-cli -p "$port" bgsave > /dev/null 2>&1 && n=$((n + 1))
    fi
    sleep 0.02
  done
  echo "$n" > "$2"
}

results="$out/results.txt"
: > "$results"
for name in $servers; do
  rm -rf "${out:?}/$name-rdb" "${out:?}/$name-aof"
  mkdir -p "$out/$name-rdb" "$out/$name-aof"
done

# Datasets: one RDB file and one AOF directory per server.
for name in $servers; do
  start "$name" "$out/$name-rdb" --appendonly no
  populate
  redis-cli -p "$port" save > /dev/null
  stop
  [ "$bgsave_only" = 1 ] && continue
  # The same writes as an AOF both servers load: an empty base and one incremental file, as Redis lays them out.
  mkdir -p "$out/$name-aof/appendonlydir"
  : > "$out/$name-aof/appendonlydir/appendonly.aof.1.base.aof"
  cp "$data" "$out/$name-aof/appendonlydir/appendonly.aof.1.incr.aof"
  printf 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n' \
    > "$out/$name-aof/appendonlydir/appendonly.aof.manifest"
done

for r in $(seq 1 "$rounds"); do
  for name in $servers; do
    dir="$out/$name-rdb"
    start "$name" "$dir" --appendonly no
    check_keys "$keys"
    echo "$name rdb_load_to_pong $took" >> "$results"
    echo "$name rdb_load_log $(loaded_log "$dir")" >> "$results"
    if [ "$r" = 1 ]; then
      echo "$name rdb_file_mb $(awk -v s="$(stat -c %s "$dir/dump.rdb")" 'BEGIN {printf "%.1f\n", s / 1e6}')" >> "$results"
    fi
    if [ "$load_only" = 1 ]; then
      stop
    else
      if [ "$bgsave_only" = 0 ]; then
        echo "$name save $(timed redis-cli -p "$port" save)" >> "$results"
      fi
      # The BGSAVEs below write the benchmark's keys too: the next round loads the file as SAVE left it.
      cp "$dir/dump.rdb" "$dir/dump.rdb.keep"
      # A freshly started JVM compiles its hot paths during the first requests: both servers get the same warm-up.
      # It includes one BGSAVE: jredis's first snapshot deoptimizes and recompiles the write path (the change
      # observer becomes active) and compiles the writer, about 4 s of C2 CPU on this 2-core box that would otherwise
      # land in the measured BGSAVE phase; a long-running server pays it once.
      redis-cli -p "$port" bgsave > /dev/null
      bench_latency warmup > /dev/null
      for _ in $(seq 1 600); do
        redis-cli -p "$port" info persistence | grep -q 'rdb_bgsave_in_progress:0' && break
        sleep 0.1
      done
      bench_latency idle | sed "s/^/$name /" >> "$results"
      flag="$out/bgsaving"
      touch "$flag"
      gcfrom=0
      if [ "$name" = jredis ] && [ -f "$gclog" ]; then gcfrom=$(stat -c %s "$gclog"); fi
      keep_bgsaving "$flag" "$out/bgsaves" &
      bg=$!
      bench_latency bgsave | sed "s/^/$name /" >> "$results"
      rm -f "$flag"
      wait "$bg"
      echo "$name bgsaves_during_benchmark $(cat "$out/bgsaves")" >> "$results"
      if [ "$name" = jredis ]; then
        read -r gcn gct gcm < <(gc_pauses "$gclog" "$gcfrom")
        echo "$name gc_pauses_during_bgsave $gcn" >> "$results"
        echo "$name gc_pause_ms_total $gct" >> "$results"
        echo "$name gc_pause_ms_max $gcm" >> "$results"
      fi
      for _ in $(seq 1 600); do
        redis-cli -p "$port" info persistence | grep -q 'rdb_bgsave_in_progress:0' && break
        sleep 0.1
      done
      stop
      mv "$dir/dump.rdb.keep" "$dir/dump.rdb"
    fi
    [ "$bgsave_only" = 1 ] && continue

    dir="$out/$name-aof"
    start "$name" "$dir" --appendonly yes --aof-use-rdb-preamble no --auto-aof-rewrite-percentage 0
    check_keys "$keys"
    echo "$name aof_load_to_pong $took" >> "$results"
    echo "$name aof_load_log $(loaded_log "$dir")" >> "$results"
    stop
  done
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
value() { # name metric
  awk -v n="$1" -v m="$2" '$1==n && $2==m {print $3}' "$results" | median
}

echo
echo "== $keys keys of mixed types, $rounds alternating rounds (medians; seconds, latencies in ms)"
printf "%-26s %10s %10s %7s\n" metric jredis redis ratio
for m in save rdb_load_to_pong rdb_load_log aof_load_to_pong aof_load_log rdb_file_mb bgsaves_during_benchmark \
    gc_pauses_during_bgsave gc_pause_ms_total gc_pause_ms_max "idle SET" "idle GET" "bgsave SET" "bgsave GET"; do
  if [[ "$m" == *" "* ]]; then
    j=$(awk -v n=jredis -v a="${m% *}" -v b="${m#* }" '$1==n && $2==a && $3==b {print $4}' "$results" | median)
    rr=$(awk -v n=redis -v a="${m% *}" -v b="${m#* }" '$1==n && $2==a && $3==b {print $4}' "$results" | median)
    label="p99 ${m}"
  else
    j=$(value jredis "$m")
    rr=$(value redis "$m")
    label=$m
  fi
  printf "%-26s %10s %10s %7s\n" "$label" "$j" "$rr" \
    "$(awk -v a="$j" -v b="$rr" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')"
done
echo "raw: $results"
