#!/usr/bin/env bash
# SETBIT at random offsets of one large bitmap (a daily-active-users bitmap, say), jredis next to redis-server, in
# alternation. redis-benchmark cannot give SETBIT a random offset (its __rand_int__ is zero-padded, which SETBIT
# refuses), so a Python client pipelines the calls, 100 at a time.
#
# Usage: bench/bitmap.sh [rounds] [calls] [bits]     defaults 3, 200000, 8000000 (a 1 MB string)
# JREDIS_JAR overrides the jar (default jredis/target/jredis.jar). Prints SETBITs per second per round and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; calls=${2:-200000}; bits=${3:-8000000}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
jp=$(free_port); rp=$(free_port); dirs=$(mktemp -d); mkdir "$dirs/j" "$dirs/r"
JREDIS_JAR="${JREDIS_JAR:-jredis/target/jredis.jar}" bin/jredis --port "$jp" --bind 127.0.0.1 --save '' \
  --appendonly no --dir "$dirs/j" > /dev/null 2>&1 & jpid=$!
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/r" > /dev/null 2>&1 & rpid=$!
trap 'kill $jpid $rpid 2>/dev/null || true; rm -rf "$dirs"' EXIT
wait_ping "$jp"; wait_ping "$rp"
run() {
  python3 - "$1" "$2" "$bits" <<'PY'
import random, socket, sys, time
port, n, bits = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
def cmd(*a):
    return b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in a)
def replies(k):
    got = 0
    while got < k:
        got += s.recv(65536).count(b"\r\n")
s.sendall(cmd(b"SETBIT", b"bitmap", b"%d" % (bits - 1), b"1"))
replies(1)
rnd = random.Random(1)
batches = [b"".join(cmd(b"SETBIT", b"bitmap", b"%d" % rnd.randrange(bits), b"1") for _ in range(100))
           for _ in range(n // 100)]
start = time.time()
for b in batches:
    s.sendall(b)
    replies(100)
print(int(n / (time.time() - start)))
PY
}
run "$jp" "$calls" > /dev/null  # the JIT compiles the path first
out=$(mktemp)
for r in $(seq 1 "$rounds"); do
  echo "jredis $(run "$jp" "$calls")" >> "$out"
  echo "redis $(run "$rp" "$calls")" >> "$out"
done
echo "== SETBIT at random offsets of a $bits-bit string, $calls calls per round, $rounds rounds (calls/s)"
cat "$out"
med() { awk -v s="$1" '$1==s {print $2}' "$out" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
j=$(med jredis); r=$(med redis)
echo "median jredis $j redis-server $r ratio $(awk -v a="$j" -v b="$r" 'BEGIN {printf "%.2f", a/b}')"
rm -f "$out"
