#!/usr/bin/env bash
# Replication speed, jredis pair vs redis-server pair on the same machine:
#   1. full sync of N keys (default 1,000,000): time from REPLICAOF until the replica's link is up and its offset
#      reached the master's, diskless (repl-diskless-sync yes, delay 0) and disk-based (repl-diskless-sync no);
#   2. replication lag under a redis-benchmark SET load (bench/repl-lag.py): in milliseconds from the master's reply
#      to a probe write until a subscriber on the replica sees it, and in bytes (offset difference).
#      bench/replication-lag.sh measures only the lag, several rounds and client counts.
# Usage: bench/replication.sh [keys]
#   needs: jredis/target/jredis.jar (mvn -B -q -DskipTests package), redis-server, redis-cli, redis-benchmark, python3.
#   JREDIS_JAR=<jar> measures another build, REPL_OUT=<dir> moves the logs (default bench/target/replication).
set -euo pipefail
cd "$(dirname "$0")/.."

keys="${1:-1000000}"
jar="${JREDIS_JAR:-jredis/target/jredis.jar}"
out="${REPL_OUT:-bench/target/replication}"
load_n=400000
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 1; }
for t in redis-server redis-cli redis-benchmark python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done
rm -rf "$out"; mkdir -p "$out"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 400); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
field() { redis-cli -p "$1" info replication | tr -d '\r' | awk -F: -v f="$2" '$1==f {print $2}'; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start() { # kind port dir extra-args...
  local kind=$1 port=$2 dir=$3; shift 3
  mkdir -p "$dir"
  if [ "$kind" = jredis ]; then
    java -jar "$jar" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" "$@" \
      > "$dir/server.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no "$@" \
      > "$dir/server.log" 2>&1 &
  fi
  pids+=($!)
  wait_ping "$port"
}

# N keys "key:<i>" with 16-byte values, through the protocol so that both servers load the same way.
fill() {
  python3 - "$keys" <<'EOF' | redis-cli -p "$1" --pipe > /dev/null
import sys
n = int(sys.argv[1]); w = sys.stdout.buffer
for i in range(n):
    k = b"key:%d" % i; v = b"value-%010d" % i
    w.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
EOF
}

# Seconds from REPLICAOF until the replica is online and caught up with the master's offset.
sync_time() { # master-port replica-port
  python3 - "$1" "$2" <<'EOF'
import socket, sys, time
def conn(port):
    s = socket.create_connection(("127.0.0.1", port)); return s, s.makefile("rb")
def call(c, *args):
    s, f = c
    s.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
    line = f.readline()
    if line[:1] == b"$":
        n = int(line[1:]); data = f.read(n + 2)[:-2]; return data.decode()
    return line.decode().strip()
def info(c):
    return dict(l.split(":", 1) for l in call(c, b"INFO", b"replication").split("\r\n") if ":" in l)
m, r = conn(int(sys.argv[1])), conn(int(sys.argv[2]))
t0 = time.time()
call(r, b"REPLICAOF", b"127.0.0.1", sys.argv[1].encode())
while True:
    ri = info(r)
    if ri.get("master_link_status") == "up" and int(ri.get("slave_repl_offset", -1)) >= int(info(m)["master_repl_offset"]):
        break
    time.sleep(0.01)
print("%.3f" % (time.time() - t0))
EOF
}

# Lag while redis-benchmark writes, measured by bench/repl-lag.py (PUBLISH probes seen by a subscriber on the
# replica; see its docstring for why not two INFO polls); prints
# "bytes_p50 bytes_p99 bytes_max ms_p50 ms_p99 ms_max probes write_ms_p99".
lag() { # master-port replica-port
  redis-benchmark -p "$1" -t set -n "$load_n" -c 50 -r 100000 -d 64 -q > "$out/load-$1.txt" 2>&1 &
  local bench=$!
  python3 bench/repl-lag.py "$1" "$2" "$bench"
  wait "$bench" 2>/dev/null || true
}

declare -A res
for kind in jredis redis; do
  for mode in diskless disk; do
    mp=$(free_port); rp=$(free_port)
    flag=yes; [ "$mode" = disk ] && flag=no
    start "$kind" "$mp" "$out/$kind-$mode-master" --repl-diskless-sync "$flag" --repl-diskless-sync-delay 0
    start "$kind" "$rp" "$out/$kind-$mode-replica"
    fill "$mp"
    res[$kind-$mode]=$(sync_time "$mp" "$rp")
    if [ "$(redis-cli -p "$rp" dbsize)" != "$(redis-cli -p "$mp" dbsize)" ]; then
      echo "$kind $mode: replica has $(redis-cli -p "$rp" dbsize) keys, master $(redis-cli -p "$mp" dbsize)" >&2
      exit 1
    fi
    if [ "$mode" = diskless ]; then
      res[$kind-lag]=$(lag "$mp" "$rp")
      res[$kind-rps]=$(grep -o '[0-9.]* requests per second' "$out/load-$mp.txt" | tail -1 | awk '{print $1}')
    fi
    cleanup; pids=()
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "== full sync of $keys keys (seconds from REPLICAOF to caught up)"
printf "%-10s %10s %10s %7s\n" mode jredis redis ratio
for mode in diskless disk; do
  printf "%-10s %10s %10s %7s\n" "$mode" "${res[jredis-$mode]}" "${res[redis-$mode]}" \
    "$(ratio "${res[jredis-$mode]}" "${res[redis-$mode]}")"
done
echo
echo "== replication lag under redis-benchmark -t set -n $load_n -c 50 -r 100000 -d 64"
read -r jb50 jb99 jbmax jm50 jm99 jmmax jn jw99 <<< "${res[jredis-lag]}"
read -r rb50 rb99 rbmax rm50 rm99 rmmax rn rw99 <<< "${res[redis-lag]}"
printf "%-14s %10s %10s %7s\n" metric jredis redis ratio
printf "%-14s %10s %10s %7s\n" "load_rps" "${res[jredis-rps]}" "${res[redis-rps]}" "$(ratio "${res[jredis-rps]}" "${res[redis-rps]}")"
printf "%-14s %10s %10s %7s\n" "bytes_p50" "$jb50" "$rb50" "$(ratio "$jb50" "$rb50")"
printf "%-14s %10s %10s %7s\n" "bytes_p99" "$jb99" "$rb99" "$(ratio "$jb99" "$rb99")"
printf "%-14s %10s %10s %7s\n" "bytes_max" "$jbmax" "$rbmax" "$(ratio "$jbmax" "$rbmax")"
printf "%-14s %10s %10s %7s\n" "ms_p50" "$jm50" "$rm50" "$(ratio "$jm50" "$rm50")"
printf "%-14s %10s %10s %7s\n" "ms_p99" "$jm99" "$rm99" "$(ratio "$jm99" "$rm99")"
printf "%-14s %10s %10s %7s\n" "ms_max" "$jmmax" "$rmmax" "$(ratio "$jmmax" "$rmmax")"
printf "%-14s %10s %10s %7s\n" "write_ms_p99" "$jw99" "$rw99" "$(ratio "$jw99" "$rw99")"
printf "%-14s %10s %10s\n" "probes" "$jn" "$rn"
