#!/usr/bin/env bash
# Server CPU time per call of commands on big values and collections (10,000-member sets, sorted sets, hash, list,
# stream and geo set, two HyperLogLogs, 128 KB bitmaps), for jredis builds and redis-server side by side. The nine
# redis-benchmark workloads touch small values only; these cases are where an algorithm, not the request path,
# decides the cost (a set walked whole for a LIMIT, a bitmap counted a byte at a time).
#
# Usage: bench/collections.sh [cases-file] <jar>...        (default cases: bench/collections.txt)
# A case line is "calls|command args" (no quoting; # starts a comment). Each case runs once per server to warm it
# up (the JIT compiles each command's path on its first calls), then `rounds` (default 2, COLLECTIONS_ROUNDS)
# alternated measured runs of redis-benchmark -P 16 -c 10; prints the total CPU ticks (user+sys from /proc) of each
# server and each jar's ratio to redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=bench/collections.txt
if [[ $# -gt 0 && $1 != *.jar ]]; then
  cases=$1
  shift
fi
jars=("$@")
rounds=${COLLECTIONS_ROUNDS:-2}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
wait_ping() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

dirs=$(mktemp -d)
names=(); ports=(); pids=()
for i in "${!jars[@]}"; do
  port=$(free_port); mkdir "$dirs/$i"
  java -jar "${jars[$i]}" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/$i" \
    > /dev/null 2>&1 &
  names+=("J$i"); ports+=("$port"); pids+=("$!")
done
port=$(free_port); mkdir "$dirs/r"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dirs/r" > /dev/null 2>&1 &
names+=(R); ports+=("$port"); pids+=("$!")
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dirs"' EXIT
for p in "${ports[@]}"; do
  wait_ping "$p"
  redis-cli -p "$p" eval "for i=1,10000 do
      redis.call('sadd',KEYS[1],i) redis.call('sadd',KEYS[2],i*2)
      redis.call('zadd',KEYS[3],i,'m'..i) redis.call('zadd',KEYS[4],i*2,'m'..(i*2))
      redis.call('hset',KEYS[5],'f'..i,'v'..i) redis.call('rpush',KEYS[6],i) redis.call('set','k'..i,i)
      redis.call('xadd',KEYS[7],'*','f',i)
      redis.call('geoadd',KEYS[8],(i%360)-180+0.5,(i%170)-85+0.25,'p'..i)
      redis.call('pfadd',KEYS[9],'e'..i) end
    for i=1,100000 do redis.call('pfadd',KEYS[10],'q'..i) end
    local bits = string.rep('\90\165\255\0', 32768)
    redis.call('set',KEYS[11],bits) redis.call('set',KEYS[12],string.reverse(bits))
    return 1" 12 s1 s2 z1 z2 h1 l1 x1 g1 hll1 hll2 bm1 bm2 > /dev/null
done
printf '%-58s' case; for n in "${names[@]}"; do printf '%8s' "$n"; done
for n in "${names[@]:0:${#jars[@]}}"; do printf '%9s' "$n/R"; done; echo
while IFS='|' read -r calls line; do
  [[ -z $line || $calls == \#* ]] && continue
  read -ra args <<< "$line"
  for p in "${ports[@]}"; do redis-benchmark -p "$p" -n "$calls" -c 10 -P 16 -q "${args[@]}" > /dev/null 2>&1; done
  declare -A ticks=()
  for _ in $(seq 1 "$rounds"); do
    for i in "${!ports[@]}"; do
      before=$(cpu_ticks "${pids[$i]}")
      redis-benchmark -p "${ports[$i]}" -n "$calls" -c 10 -P 16 -q "${args[@]}" > /dev/null 2>&1
      ticks[$i]=$(( ${ticks[$i]:-0} + $(cpu_ticks "${pids[$i]}") - before ))
    done
  done
  r=${ticks[$(( ${#ports[@]} - 1 ))]}
  printf '%-58s' "$line"; for i in "${!ports[@]}"; do printf '%8d' "${ticks[$i]}"; done
  for i in "${!jars[@]}"; do printf '%9s' "$(awk -v a="${ticks[$i]}" -v b="$r" 'BEGIN {printf "%.2f", a / (b > 0 ? b : 1)}')"; done
  echo
  unset ticks
done < "$cases"
